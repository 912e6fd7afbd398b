"""The quarterly schedule (run_due_audits claims each due directory once) and the CaRE evidence helper."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from tests.directory.app_fixtures import make_result
from tests.factories import make
from vigie.directory import services
from vigie.directory.models import Audit, Directory

pytestmark = pytest.mark.django_db


def test_it_claims_due_directories_once(world):
    directory = make(Directory, world, "a")
    today = datetime.date(2031, 5, 10)
    Directory.objects.filter(pk=directory.pk).update(next_due=today)
    first = services.claim_due_directories(today)
    second = services.claim_due_directories(today)
    assert [d.pk for d in first] == [directory.pk] and second == []
    directory.refresh_from_db()
    assert directory.next_due == datetime.date(2031, 8, 10)


def test_it_does_not_claim_a_directory_claimed_by_another_runner(world):
    directory = make(Directory, world, "a")
    today = datetime.date(2031, 5, 10)
    Directory.objects.filter(pk=directory.pk).update(next_due=today)
    stale = Directory.objects.get(pk=directory.pk)
    services.claim_due_directories(today)  # another runner got there first
    assert Directory.objects.filter(pk=stale.pk, next_due=stale.next_due).update(next_due=today) == 0


def test_run_due_audits_queues_one_audit_per_due_directory(world):
    a, b = make(Directory, world, "a"), make(Directory, world, "b")
    Directory.objects.filter(pk=a.pk).update(next_due=datetime.date(2031, 1, 1))
    Directory.objects.filter(pk=b.pk).update(next_due=datetime.date(2031, 9, 1))
    out = StringIO()
    call_command("run_due_audits", "--date", "2031-02-01", stdout=out)
    call_command("run_due_audits", "--date", "2031-02-01", stdout=out)
    audits = Audit.objects.all()
    assert [x.directory_id for x in audits] == [a.pk]
    assert audits[0].source == Audit.Source.SCHEDULE and audits[0].job.kind == "directory.audit"
    assert "1 audit(s) queued" in out.getvalue() and "0 audit(s) queued" in out.getvalue()


def stored(directory, failing, days_ago):
    audit = Audit.objects.create(organisation=directory.organisation, directory=directory, source="upload")
    services.store_result(audit, make_result(failing))
    Audit.objects.filter(pk=audit.pk).update(finished_at=timezone.now() - datetime.timedelta(days=days_ago))
    audit.refresh_from_db()
    return audit


def test_it_answers_last_audit_within_60_days_with_level_3(world):
    directory = make(Directory, world, "a")
    old_good = stored(directory, {"quota": 4}, days_ago=90)  # level 4, too old
    assert services.audit_within(directory, 60, 3) is None
    recent_bad = stored(directory, {"guest": 2}, days_ago=10)  # level 2, fresh
    assert services.audit_within(directory, 60, 3) is None
    assert services.audit_within(directory, 60, 2) == recent_bad
    assert services.audit_within(directory, 100, 3) == old_good
    recent_good = stored(directory, {"pre2000": 3}, days_ago=59)
    assert services.audit_within(directory, 60, 3) == recent_good
    [status] = services.care_directory_status([directory], 60, 3)
    assert status.ok is True and status.audit == recent_good


def test_it_exports_the_audits_as_care_evidence(world):
    from vigie.compliance.providers import providers

    directory = make(Directory, world, "a")
    backup = Directory.objects.create(organisation=world.hospital_a, name="Backup AD", domain="bkp.local",
                                      dedicated_backup=True)
    stored(directory, {"guest": 2}, days_ago=5)
    stored(backup, {"quota": 4}, days_ago=20)
    stored(make(Directory, world, "b"), {"quota": 4}, days_ago=1)

    class Requirement:
        def __init__(self, reference):
            self.reference, self.code = reference, reference.split(":", 1)[1]

    d2 = providers.records(world.hospital_a, Requirement("care-d2:D2.O3.A"), timezone.localdate())
    assert [(r.value, r.date) for r in d2] == [(4.0, timezone.localdate() - datetime.timedelta(days=20))]
    assert "Backup AD" in d2[0].title
    d1 = providers.records(world.hospital_a, Requirement("care-d1:D1.ADS"), timezone.localdate())
    assert sorted(r.value for r in d1) == [2.0, 4.0]
    assert providers.records(world.hospital_a, Requirement("care-d2:D2.O3.A"),
                             timezone.localdate() - datetime.timedelta(days=30)) == []
