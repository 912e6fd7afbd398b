"""The audit log (administrators of a subtree) and background jobs through the API."""

from datetime import timedelta

from django.utils import timezone

from tests.conftest import login
from vigie.accounts.audit import record
from vigie.accounts.models import AuditEvent
from vigie.core import jobs
from vigie.core.models import Job

AUDIT = "/api/audit-events/"


def reprs(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {e["object_repr"] for e in response.json()["items"]}


def test_it_shows_administrators_their_subtrees_events_only(world, alice, ars, as_user):
    record(AuditEvent.Action.SECURITY, user=world.alice, organisation=world.site_a, object_repr="evt A")
    record(AuditEvent.Action.SECURITY, user=world.bob, organisation=world.hospital_b, object_repr="evt B")
    assert "evt A" in reprs(alice.get(AUDIT)) and "evt B" not in reprs(alice.get(AUDIT))
    assert reprs(ars.get(AUDIT)) == set()  # a reader is no administrator
    assert {"evt A", "evt B"} <= reprs(as_user(world.national_admin).get(AUDIT))


def test_it_filters_events(world, alice):
    AuditEvent.objects.create(  # written in the past: events cannot be changed afterwards
        action=AuditEvent.Action.LOGIN, user=world.alice, username="alice", organisation=world.hospital_a,
        organisation_path=world.hospital_a.path, object_repr="old", at=timezone.now() - timedelta(days=3),
    )
    record(AuditEvent.Action.EXPORT, user=world.auditor_a, organisation=world.hospital_a, object_repr="new")
    assert reprs(alice.get(AUDIT, {"action": "export"})) == {"new"}
    assert reprs(alice.get(AUDIT, {"username": "auditor"})) == {"new"}
    since = (timezone.now() - timedelta(days=1)).isoformat()
    assert "old" not in reprs(alice.get(AUDIT, {"since": since}))
    assert "old" in reprs(alice.get(AUDIT))


def test_it_rejects_a_bad_filter_with_its_message(world, alice):
    response = alice.get(AUDIT, {"action": "nonsense"})
    assert response.status_code == 422
    assert "action" in response.json()["errors"]


def test_it_records_api_writes_with_the_actor_and_address(world, alice):
    response = alice.patch(f"/api/organisations/{world.site_a.uuid}", {"phone": "01 00 00 00 00"},
                           REMOTE_ADDR="127.0.0.9", HTTP_USER_AGENT="vigie-cli/1")
    assert response.status_code == 200
    event = AuditEvent.objects.get(action="change", object_uuid=str(world.site_a.uuid))
    assert (event.user, event.ip, event.user_agent) == (world.alice, "127.0.0.9", "vigie-cli/1")
    assert event.changes == {"phone": {"from": "", "to": "01 00 00 00 00"}}
    assert AUDIT and str(event.uuid) in {e["uuid"] for e in alice.get(AUDIT).json()["items"]}


def test_it_launches_an_export_job_and_reports_its_result(world, alice, client):
    assert "organisations.export" in jobs.HANDLERS
    response = alice.post(f"/api/organisations/{world.hospital_a.uuid}/export")
    assert response.status_code == 202, response.content
    job = Job.objects.get(uuid=response.json()["uuid"])
    assert (job.kind, job.organisation, job.created_by, job.status) == (
        "organisations.export", world.hospital_a, world.alice, Job.Status.QUEUED)
    assert response.json()["download_url"] is None
    jobs.run(str(job.uuid))  # what the worker does
    data = alice.get(f"/api/jobs/{job.uuid}").json()
    assert (data["status"], data["progress"]) == ("done", 100)
    assert data["download_url"] == f"/jobs/{job.uuid}/download/"
    download = login(client, world.alice).get(data["download_url"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content)[:2] == b"PK"


def test_it_hides_other_tenants_jobs_and_refuses_their_exports(world, alice, as_user):
    theirs = Job.objects.create(kind="organisations.export", organisation=world.hospital_b, created_by=world.bob)
    assert alice.get(f"/api/jobs/{theirs.uuid}").status_code == 404
    assert as_user(world.bob).get(f"/api/jobs/{theirs.uuid}").status_code == 200
    assert alice.post(f"/api/organisations/{world.hospital_b.uuid}/export").status_code == 404
    assert Job.objects.count() == 1


def test_it_answers_503_when_no_export_handler_is_registered(world, alice, monkeypatch):
    monkeypatch.delitem(jobs.HANDLERS, "organisations.export")
    assert alice.post(f"/api/organisations/{world.hospital_a.uuid}/export").status_code == 503
    assert not Job.objects.exists()
