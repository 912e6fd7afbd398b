"""Exports of the filtered list: a job (the page redirects to it) writing CSV with formulas escaped or XLSX
readable, audited when it runs for a user who may still export, behind a fresh 2FA."""

import csv
import io

import pytest
from django.core.exceptions import PermissionDenied
from django.http import QueryDict
from django.urls import reverse
from openpyxl import load_workbook

from tests.conftest import login
from vigie.accounts.exports import csv_lines
from vigie.accounts.models import AuditEvent, RoleAssignment
from vigie.actions import exports
from vigie.actions.jobs import EXPORT
from vigie.core import jobs
from vigie.core.models import Job
from vigie.core.recent import RECENT_KEY

from .conftest import make_action


def start(client, user, **query) -> Job:
    response = login(client, user).get(reverse("actions:export"), query)
    job = Job.objects.get(kind=EXPORT)
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    assert job.status == Job.Status.QUEUED and not AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).exists()
    return job


def run(job: Job) -> bytes:
    jobs.run(str(job.uuid))
    job.refresh_from_db()
    assert job.status == Job.Status.DONE
    return jobs.result_path(job).read_bytes()


def test_it_exports_the_filtered_list_as_csv_with_formulas_escaped(client, world):
    make_action(world, title="=HYPERLINK(\"http://evil\")", description="+1", priority="high")
    make_action(world, title="@SUM(A1)", priority="low")
    make_action(world, title="Chez B", organisation=world.hospital_b)
    job = start(client, world.alice, priority="high")
    rows = list(csv.reader(io.StringIO(run(job).decode("utf-8-sig"))))
    assert job.result_name.endswith(".csv") and job.organisation == world.hospital_a
    assert len(rows) == 2
    assert rows[1][3] == "'=HYPERLINK(\"http://evil\")"
    assert rows[1][4] == "'+1"
    event = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT)
    assert event.changes == {"filters": {"priority": "high"}, "rows": 1} and event.user == world.alice


def test_the_job_writes_the_same_document_as_the_streamed_export_did(client, world):
    make_action(world, title="=1+1", owner=world.alice, priority="high")
    make_action(world, title="Sauvegardes", description="hors ligne; chiffrées", priority="low")
    make_action(world, title="Site", organisation=world.site_a)
    make_action(world, title="Chez B", organisation=world.hospital_b)
    content = run(start(client, world.alice, status="", q=""))
    _, actions = exports.filtered(world.alice, QueryDict("status=&q="), "export")
    expected = "".join(csv_lines(exports.header(), exports.rows(actions.in_order())))
    assert content.decode("utf-8") == expected and expected.count("\r\n") == 4  # header and A's three actions


def test_it_exports_xlsx_that_openpyxl_reads_back(client, world):
    make_action(world, title="-10 postes non chiffrés")
    make_action(world, title="Sauvegardes hors ligne")
    job = start(client, world.alice, format="xlsx")
    sheet = load_workbook(io.BytesIO(run(job)), read_only=True).active
    rows = [row for row in sheet.iter_rows(values_only=True)]
    assert len(rows) == 3
    assert {rows[1][3], rows[2][3]} == {"'-10 postes non chiffrés", "Sauvegardes hors ligne"}
    assert job.result_name.endswith(".xlsx")


def test_the_job_refuses_a_user_who_lost_the_right_to_export_since(client, world):
    make_action(world)
    job = start(client, world.alice)
    RoleAssignment.objects.filter(user=world.alice).delete()
    with pytest.raises(PermissionDenied):
        jobs.run(str(job.uuid))
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED and not job.result_name
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).exists()


def test_starting_the_export_reads_no_action(client, world, django_assert_max_num_queries):
    """The page only queues the job: as many queries for a hundred actions as for none."""
    for index in range(100):
        make_action(world, title=f"Action {index}")
    login(client, world.alice)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("actions:export"), {"status": "open"})
    assert response.status_code == 302 and Job.objects.filter(kind=EXPORT).count() == 1


def test_it_asks_for_a_fresh_second_factor_first(client, world):
    make_action(world)
    login(client, world.alice)
    session = client.session
    session[RECENT_KEY] = 0
    session.save()
    response = client.get(reverse("actions:export"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:confirm"))
    assert not Job.objects.exists()
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).exists()
