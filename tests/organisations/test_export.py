import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.organisations.conftest import HEADER
from vigie.accounts.models import AuditEvent
from vigie.core import jobs
from vigie.core.models import Job
from vigie.organisations.imports import import_organisations
from vigie.organisations.models import Organisation


def export(org):
    return reverse("organisations:export", args=[org.uuid])


def launch(client, org) -> Job:
    response = client.post(export(org))
    assert response.status_code == 302
    job = Job.objects.get()
    assert response["Location"] == job.get_absolute_url()
    return job


def rows_of(job):
    workbook = openpyxl.load_workbook(io.BytesIO(jobs.result_path(job).read_bytes()))
    return list(workbook.active.iter_rows(values_only=True))


def test_it_launches_the_export_job(world, as_user):
    job = launch(as_user(world.auditor_a), world.hospital_a)
    assert (job.kind, job.organisation_id, job.created_by_id) == (
        "organisations.export", world.hospital_a.pk, world.auditor_a.pk)


def test_it_refuses_another_hospital(world, as_user):
    client = as_user(world.bob)
    assert client.get(export(world.hospital_a)).status_code == 404
    assert client.post(export(world.hospital_a)).status_code == 404
    assert not Job.objects.exists()


def test_the_handler_writes_the_subtree_with_escaped_formulas(world, as_user):
    Organisation.objects.filter(pk=world.site_a.pk).update(address="=HYPERLINK(\"http://x\")", phone="+33 1")
    job = launch(as_user(world.ght_manager), world.ght_a)
    jobs.run(str(job.uuid))
    job.refresh_from_db()
    assert job.status == Job.Status.DONE and job.result_name.endswith(".xlsx")
    rows = rows_of(job)
    assert list(rows[0]) == HEADER
    names = [r[1] for r in rows[1:]]
    assert names == ["GHT A", "CH A", "CH A — site 1"]
    site = rows[3]
    assert site[HEADER.index("address")] == "'=HYPERLINK(\"http://x\")"
    assert site[HEADER.index("phone")] == "'+33 1"
    assert site[HEADER.index("parent")] == world.hospital_a.finess
    assert rows[1][HEADER.index("parent")] in (None, "")  # the manager may not see the region: left blank
    event = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT)
    assert event.changes["rows"] == 3 and event.user_id == world.ght_manager.pk


def test_the_export_reimports(world, as_user):
    Organisation.objects.filter(pk=world.site_a.pk).update(address="-1 rue =X", bed_count=150)
    job = launch(as_user(world.national_admin), world.ght_a)
    jobs.run(str(job.uuid))
    job.refresh_from_db()
    subtree = Organisation.objects.filter(path__startswith=world.ght_a.path).select_related("parent")
    before = {o.name: o for o in subtree}
    for org in (world.site_a, world.hospital_a, world.ght_a):  # leaves first
        Organisation.objects.filter(pk=org.pk).delete()
    upload = SimpleUploadedFile("export.xlsx", jobs.result_path(job).read_bytes())
    report = import_organisations(upload, Organisation.objects.get(pk=world.region_a.pk))
    assert report.ok, report.errors
    assert report.created == 3
    fields = ("kind", "finess", "code", "legal_status", "activity_share", "bed_count", "address", "email", "phone")
    for name, old in before.items():
        new = Organisation.objects.get(name=name)
        assert [getattr(new, f) for f in fields] == [getattr(old, f) for f in fields]
        assert (new.parent.name if new.parent else None) == (old.parent.name if old.parent else None)


def test_the_job_page_polls_then_offers_the_download(world, as_user):
    client = as_user(world.alice)
    job = launch(client, world.hospital_a)
    page = client.get(job.get_absolute_url()).content.decode()
    assert 'hx-trigger="every 1s"' in page and "<progress" in page
    jobs.run(str(job.uuid))
    fragment = client.get(job.get_absolute_url(), HTTP_HX_REQUEST="true").content.decode()
    assert "hx-trigger" not in fragment and "<html" not in fragment
    download = reverse("core:job_download", args=[job.uuid])
    assert download in fragment
    assert client.get(download).status_code == 200
    assert as_user(world.bob).get(job.get_absolute_url()).status_code == 404


def test_the_job_page_shows_a_failure(world, as_user):
    client = as_user(world.alice)
    job = launch(client, world.hospital_a)
    from vigie.accounts.models import RoleAssignment

    RoleAssignment.objects.filter(user=world.alice).delete()  # alice loses her role before the job runs
    with pytest.raises(Exception):
        jobs.run(str(job.uuid))
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED and job.message
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).exists()
