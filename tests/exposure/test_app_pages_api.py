"""Pages and API of the exposure app: attesting and bulk exports need a fresh second factor, retests and
risk acceptance through the API, the report as HTML and PDF."""

import csv
import datetime
import io
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.conftest import login
from tests.exposure.app_builders import attest_scope, english, finding, result, store  # noqa: F401
from vigie.core import jobs
from vigie.core.imports import escape_formula
from vigie.core.models import Job
from vigie.core.recent import RECENT_KEY
from vigie.exposure.exports import JOB_EXPORT
from vigie.exposure.models import Finding, Scan, ScopeEntry

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def stale(client):
    session = client.session
    session[RECENT_KEY] = 0
    session.save()


def test_attesting_the_scope_asks_for_a_fresh_second_factor(client, world):
    org = world.hospital_a
    entry = ScopeEntry.objects.create(organisation=org, kind="host", value="vpn.ch-a.test")
    login(client, world.alice)
    stale(client)
    url = reverse("exposure:scope_attest", kwargs={"uuid": org.uuid})
    response = client.post(url, {"entries": [entry.pk], "name": "Dir", "function": "Directeur",
                                 "until": "2099-01-01", "confirm": "on"})
    assert response.status_code == 302 and reverse("accounts:confirm") in response["Location"]
    entry.refresh_from_db()
    assert entry.attested_at is None
    login(client, world.alice)
    response = client.post(url, {"entries": [entry.pk], "name": "Diane Directrice", "function": "Directrice",
                                 "until": (timezone.localdate() + datetime.timedelta(days=200)).isoformat(),
                                 "confirm": "on"})
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.is_attested() and entry.attested_by == "Diane Directrice" and entry.attested_user == world.alice


def test_a_contributor_cannot_add_to_the_scope(client, world):
    login(client, world.contributor_a)
    response = client.post(reverse("exposure:scope_create", kwargs={"uuid": world.hospital_a.uuid}),
                           {"value": "ch-a.test"})
    assert response.status_code == 403 and not ScopeEntry.objects.exists()


def test_the_page_adds_a_domain_and_refuses_a_bad_range(client, world):
    login(client, world.alice)
    url = reverse("exposure:scope_create", kwargs={"uuid": world.hospital_a.uuid})
    response = client.post(url, {"value": "10.0.0.0/8"})
    assert response.status_code == 200 and "4096" in response.content.decode()
    response = client.post(url, {"value": "CH-A.test", "is_domain": "on"})
    assert response.status_code == 302
    assert ScopeEntry.objects.get().kind == "domain"


def test_the_bulk_export_needs_a_fresh_second_factor_on_the_page_and_the_api(client, world):
    store(world.hospital_a, result([finding()]))
    login(client, world.alice)
    stale(client)
    page = reverse("exposure:finding_export", kwargs={"uuid": world.hospital_a.uuid})
    api = reverse("api:exposure_finding_export")
    assert client.get(page).status_code == 302
    assert client.get(api).status_code == 403
    assert not Job.objects.filter(kind=JOB_EXPORT).exists()
    login(client, world.alice)
    response = client.get(page)
    job = Job.objects.get(kind=JOB_EXPORT)
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    assert "rdp-exposed" in exported(job)
    response = client.get(api)
    job = Job.objects.filter(kind=JOB_EXPORT).latest("created_at")
    assert response.status_code == 202 and response.json()["uuid"] == str(job.uuid)
    assert response.json()["url"] == reverse("api:job_get", args=[job.uuid])
    assert json.loads(exported(job))[0]["check_id"] == "rdp-exposed"


def exported(job) -> str:
    """Run the job as the worker would; the file it wrote."""
    jobs.run(str(job.uuid))
    job.refresh_from_db()
    assert job.status == Job.Status.DONE
    return jobs.result_path(job).read_bytes().decode("utf-8-sig")


def test_the_export_job_writes_the_rows_of_the_former_streamed_export(client, world):
    store(world.hospital_a, result([finding(), finding("tls-weak", 443, "medium")]))
    store(world.hospital_b, result([finding()]))
    login(client, world.alice)
    client.get(reverse("exposure:finding_export", kwargs={"uuid": world.hospital_a.uuid}))
    rows = list(csv.reader(io.StringIO(exported(Job.objects.get(kind=JOB_EXPORT))), delimiter=";"))
    expected = [[str(escape_formula(v)) for v in (
        f.target, f.port or "", f.hostname, f.check_id, f.evidence_key, f.severity, f.status, f.title_fr, f.evidence,
        f.first_seen.isoformat(), f.last_seen.isoformat(), "", str(f.uuid))]
        for f in Finding.objects.filter(organisation=world.hospital_a).order_by("target", "port", "check_id")]
    assert rows[0][0] == "target" and rows[1:] == expected and len(expected) == 2


def test_starting_an_export_reads_no_finding(client, world, django_assert_max_num_queries):
    store(world.hospital_a, result([finding(), finding("tls-weak", 443, "medium")]))
    login(client, world.alice)
    with django_assert_max_num_queries(10):
        page = client.get(reverse("exposure:finding_export", kwargs={"uuid": world.hospital_a.uuid}))
    with django_assert_max_num_queries(10):
        api = client.get(reverse("api:exposure_finding_export"), {"status": "open"})
    assert page.status_code == 302 and api.status_code == 202 and Job.objects.filter(kind=JOB_EXPORT).count() == 2


def test_the_export_job_refuses_a_user_who_lost_the_right_since(client, world):
    from django.core.exceptions import PermissionDenied

    from vigie.accounts.models import AuditEvent, RoleAssignment

    store(world.hospital_a, result([finding()]))
    login(client, world.alice)
    response = client.get(reverse("api:exposure_finding_export"), {"organisation": str(world.hospital_a.uuid)})
    job = Job.objects.get(uuid=response.json()["uuid"])
    RoleAssignment.objects.filter(user=world.alice).delete()
    with pytest.raises(PermissionDenied):
        jobs.run(str(job.uuid))
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED and not job.result_name
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).exists()


def test_the_api_launches_a_retest_of_one_finding_and_answers_its_job(client, world):
    attest_scope(world.hospital_a, "198.18.0.10")
    store(world.hospital_a, result([finding()]))
    row = Finding.objects.get()
    login(client, world.alice)
    response = client.post(reverse("api:exposure_finding_retest", kwargs={"uuid": row.uuid}))
    assert response.status_code == 202
    scan = Scan.objects.get(kind="retest")
    assert scan.finding == row and scan.targets == ["198.18.0.10"] and response.json()["uuid"] == str(scan.job.uuid)


def test_a_retest_outside_the_attested_scope_is_refused(client, world):
    store(world.hospital_a, result([finding()]))
    login(client, world.alice)
    response = client.post(reverse("api:exposure_finding_retest", kwargs={"uuid": Finding.objects.get().uuid}))
    assert response.status_code == 409 and not Scan.objects.filter(kind="retest").exists()


def test_the_api_accepts_a_risk_and_refuses_a_reader(client, world):
    store(world.hospital_a, result([finding()]))
    row = Finding.objects.get()
    url = reverse("api:exposure_finding_accept", kwargs={"uuid": row.uuid})
    body = {"reason": "Serveur décommissionné en juin", "until": (timezone.localdate() + datetime.timedelta(days=60)).isoformat()}
    login(client, world.auditor_a)
    assert client.post(url, body, content_type="application/json").status_code == 403
    login(client, world.alice)
    assert client.post(url, {"reason": ""}, content_type="application/json").status_code == 422
    response = client.post(url, body, content_type="application/json")
    assert response.status_code == 200 and response.json()["status"] == "accepted"


def test_the_api_creates_and_attests_a_scope_entry(client, world):
    login(client, world.alice)
    response = client.post(reverse("api:exposure_scope_create"), {"organisation": str(world.hospital_a.uuid),
                                                                   "value": "198.18.0.0/29"},
                           content_type="application/json")
    assert response.status_code == 201 and response.json()["kind"] == "cidr" and not response.json()["attested"]
    url = reverse("api:exposure_scope_attest", kwargs={"uuid": response.json()["uuid"]})
    stale(client)
    body = {"name": "Diane", "function": "Directrice", "until": "2099-12-31"}
    assert client.post(url, body, content_type="application/json").status_code == 403
    login(client, world.alice)
    response = client.post(url, body, content_type="application/json")
    assert response.status_code == 200 and response.json()["attested"] is True


def test_the_pages_show_an_organisations_exposure(client, world):
    org = world.hospital_a
    attest_scope(org, "198.18.0.10")
    scan = store(org, result([finding(), finding("tls-weak", 443, "medium")]))
    row = Finding.objects.get(check_id="rdp-exposed")
    login(client, world.auditor_a)
    for name, uuid in [("organisation", org.uuid), ("findings", org.uuid), ("assets", org.uuid), ("report", org.uuid),
                       ("finding_detail", row.uuid), ("asset_detail", row.asset.uuid), ("scan_detail", scan.uuid),
                       ("audit_detail", scan.audit.uuid)]:
        response = client.get(reverse(f"exposure:{name}", kwargs={"uuid": uuid}))
        assert response.status_code == 200, name
        assert "198.18.0.10" in response.content.decode(), name
    assert "CH A" in client.get(reverse("exposure:list")).content.decode()


def test_the_report_downloads_as_pdf(client, world):
    store(world.hospital_a, result([finding()]))
    login(client, world.alice)
    response = client.get(reverse("exposure:report", kwargs={"uuid": world.hospital_a.uuid}) + "?format=pdf")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")


def test_a_large_report_is_built_as_pdf_in_a_job(client, world, monkeypatch):
    from tests.exposure.app_builders import run_jobs
    from vigie.core.jobs import result_path
    from vigie.core.models import Job
    from vigie.exposure import report

    monkeypatch.setattr(report, "LARGE", 0)
    store(world.hospital_a, result([finding()]))
    login(client, world.alice)
    response = client.get(reverse("exposure:report", kwargs={"uuid": world.hospital_a.uuid}) + "?format=pdf")
    job = Job.objects.get(kind="exposure.report")
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    run_jobs()
    job.refresh_from_db()
    assert job.status == Job.Status.DONE and result_path(job).read_bytes().startswith(b"%PDF")


def test_the_api_launches_a_scan_of_the_attested_scope_only(client, world):
    login(client, world.alice)
    url = reverse("api:exposure_scan_launch", kwargs={"uuid": world.hospital_a.uuid})
    assert client.post(url).status_code == 409  # nothing attested yet
    attest_scope(world.hospital_a, "198.18.0.10")
    response = client.post(url)
    assert response.status_code == 202
    assert Scan.objects.get().targets == ["198.18.0.10"]
    login(client, world.auditor_a)
    assert client.post(url).status_code == 403


def test_bulk_exports_and_report_downloads_are_in_the_audit_log(client, world):
    from vigie.accounts.models import AuditEvent

    org = world.hospital_a
    store(org, result([finding()]))
    login(client, world.alice)
    assert client.get(reverse("exposure:finding_export", kwargs={"uuid": org.uuid})).status_code == 302
    assert client.get(reverse("api:exposure_finding_export"), {"organisation": str(org.uuid)}).status_code == 202
    for job in Job.objects.filter(kind=JOB_EXPORT).order_by("created_at"):
        exported(job)
    assert client.get(reverse("exposure:report", kwargs={"uuid": org.uuid}) + "?format=pdf").status_code == 200
    events = AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT, user=world.alice).order_by("id")
    assert [(e.organisation, e.changes.get("format"), e.changes.get("rows")) for e in events] == [
        (org, "csv", 1), (org, "json", 1), (org, "pdf", None)]


def test_the_reports_trend_column_reads_as_a_difference_in_french(client, world):
    from vigie.exposure.models import Audit

    org = world.hospital_a
    Audit.objects.create(organisation=org, title="Avant", provider="ans", level=3, counts={"medium": 2},
                         performed_on=timezone.localdate() - datetime.timedelta(days=40))
    store(org, result([finding("tls-weak", 443, "medium")]))
    login(client, world.alice)
    page = client.get(reverse("exposure:report", kwargs={"uuid": org.uuid})).content.decode()
    assert "<th scope=\"col\">Évolution</th>" in page and ">Changer</th>" not in page


def test_the_assets_page_counts_each_hosts_open_ports_and_findings_once(client, world):
    """Two open ports and three findings on one host: 2 and 3, not the 6 of a doubled join."""
    import re

    org = world.hospital_a
    store(org, result([finding(), finding("tls-weak", 443, "medium"), finding("hsts-missing", 443, "low")]))
    login(client, world.alice)
    page = client.get(reverse("exposure:assets", kwargs={"uuid": org.uuid})).content.decode()
    row = re.search(r"<tr>.*?198\.18\.0\.10.*?</tr>", page, re.S).group(0)
    assert [int(n) for n in re.findall(r"<td>(\d+)</td>", row)] == [2, 3]


def test_the_organisation_page_says_which_audit_broke_the_pair(client, world, settings):
    from vigie.exposure.models import Audit

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    org, today = world.hospital_a, timezone.localdate()
    for days, level in ((58, 3), (30, 1), (5, 3)):
        Audit.objects.create(organisation=org, title=f"J-{days}", provider="ans", level=level,
                             performed_on=today - datetime.timedelta(days=days))
    login(client, world.alice)
    page = client.get(reverse("exposure:organisation", kwargs={"uuid": org.uuid})).content.decode()
    short = Audit.objects.get(level=1)
    assert "No two audits at level 3" in page
    assert f'<a href="{short.get_absolute_url()}">audit of' in page and "below the minimum" in page


def test_the_findings_api_list_costs_the_same_queries_whatever_the_number_of_findings(client, world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import make

    login(client, world.national_admin)
    api = reverse("api:exposure_finding_list")

    def listed():
        with CaptureQueriesContext(connection) as captured:
            body = client.get(api).json()
        return len(captured), body

    first = make(Finding, world, "a")
    few, body = listed()
    assert body["count"] == 1 and body["items"][0]["asset"] == str(first.asset.uuid)
    assert body["items"][0]["organisation"] == str(world.hospital_a.uuid)
    for side in ("a", "b", "b", "b"):
        make(Finding, world, side)
    many, body = listed()
    assert many == few and body["count"] == 5
    assert {item["organisation"] for item in body["items"]} == {str(world.hospital_a.uuid), str(world.hospital_b.uuid)}
    assert all(item["title_en"] == "Remote desktop exposed" and item["url"] for item in body["items"])
