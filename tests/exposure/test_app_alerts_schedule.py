"""Scan-to-scan diff and the e-mail to the managers (real SMTP sink on loopback); the monthly schedule
claimed once with a conditional update."""

import datetime

import pytest
from django.core.management import call_command

from tests.actions.conftest import smtp_sink  # noqa: F401  (the real SMTP sink fixture)
from tests.conftest import make_user
from tests.exposure.app_builders import attest_scope, finding, host, result, store
from vigie.core.models import Job
from vigie.core.roles import Role
from vigie.exposure import services
from vigie.exposure.models import Schedule

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_first_scan_is_a_baseline_and_alerts_nobody(world, smtp_sink):  # noqa: F811
    scan = store(world.hospital_a, result([finding()]))
    assert scan.diff["baseline"] is False and smtp_sink.messages == []


def test_new_exposure_is_listed_and_mailed_to_the_managers(world, smtp_sink):  # noqa: F811
    org = world.hospital_a
    rssi = make_user("rssi_a", (org, Role.MANAGER))
    store(org, result([finding("tls-weak", 443, "medium")], hosts=(host(open_ports=(443,)),)))
    scan = store(org, result([finding("tls-weak", 443, "medium"), finding()],
                             hosts=(host(open_ports=(443, 3389)), host("198.18.0.11", open_ports=(22,)))))
    assert scan.diff["baseline"] is True
    assert [f["target"] for f in scan.diff["findings"]] == ["198.18.0.10"]
    assert {(s["target"], s["port"]) for s in scan.diff["services"]} == {("198.18.0.10", 3389), ("198.18.0.11", 22)}
    assert scan.diff["hosts"] == ["198.18.0.11"]
    received = smtp_sink.to(rssi.email)
    assert len(received) == 1
    body = received[0].get_content()
    assert "198.18.0.10:3389" in body and "198.18.0.11" in body and str(scan.uuid) in body
    assert str(received[0]["Subject"]).strip().startswith("[Vigie] CH A")
    assert smtp_sink.to(world.alice.email)  # administrator of the hospital
    assert not smtp_sink.to(world.national_admin.email) and not smtp_sink.to(world.auditor_a.email)
    assert not smtp_sink.to(world.bob.email)


def test_nothing_new_sends_nothing(world, smtp_sink):  # noqa: F811
    store(world.hospital_a, result([finding()]))
    scan = store(world.hospital_a, result([finding()]))
    assert scan.diff["count"] == 0 and smtp_sink.messages == []


def test_due_schedules_are_claimed_once_and_start_scans(world):
    org = world.hospital_a
    attest_scope(org, "198.18.0.1")
    today = datetime.date(2026, 6, 10)
    Schedule.objects.create(organisation=org, next_due=today)
    Schedule.objects.create(organisation=world.hospital_b, next_due=today)  # nothing attested: skipped
    call_command("run_due_scans", "--date", today.isoformat())
    schedule = Schedule.objects.get(organisation=org)
    assert schedule.next_due == datetime.date(2026, 7, 10)
    assert Job.objects.filter(kind=services.JOB_SCAN, organisation=org).count() == 1
    assert services.run_due_scans(today) == []
    assert Job.objects.filter(kind=services.JOB_SCAN).count() == 1
