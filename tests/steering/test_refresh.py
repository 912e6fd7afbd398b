"""Keeping the summaries current: trend counts per level (a clinic counts for its region, not a GHT),
backfilled months read as of their last day, a failing indicator keeps its old readings, and a change
marks its establishment stale for one coalesced refresh job; the daily command."""

import dataclasses
import datetime
import logging

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.utils import timezone

from tests.steering.helpers import AS_OF, days_before
from vigie.core import jobs
from vigie.core.indicators import State
from vigie.core.models import Job
from vigie.core.registry import registry
from vigie.exposure.models import Audit
from vigie.steering import freshness, services
from vigie.steering.models import Stale, Summary, Trend

pytestmark = pytest.mark.django_db


def exposure_audit(org, day: datetime.date, level: int = 3) -> Audit:
    return Audit.objects.create(organisation=org, title=f"Audit {day}", provider="silene", level=level,
                                performed_on=day)


def counts(month: datetime.date, key: str = "exposure.level") -> dict[str, tuple[int, int]]:
    return {t.organisation.name: (t.holding, t.total)
            for t in Trend.objects.filter(month=month, key=key).select_related("organisation")}


def test_refresh_counts_each_level_and_the_clinic_under_its_region(world):
    exposure_audit(world.hospital_a, days_before(10))
    exposure_audit(world.clinic, days_before(10))
    exposure_audit(world.hospital_b, days_before(10), level=1)
    assert services.refresh(as_of=AS_OF) == 3
    assert counts(datetime.date(2026, 6, 1)) == {
        "France": (2, 3), "Région A": (2, 2), "GHT A": (1, 1), "Région B": (0, 1), "GHT B": (0, 1)}
    assert Summary.objects.get(organisation=world.hospital_b, key="exposure.level").state == State.PARTIAL


def test_refreshing_one_node_keeps_the_others_and_recounts_all(world):
    services.refresh(as_of=AS_OF)
    exposure_audit(world.hospital_b, days_before(10))
    assert services.refresh(world.ght_a, as_of=AS_OF) == 1  # hospital B's reading is not recomputed
    assert Summary.objects.get(organisation=world.hospital_b, key="exposure.level").state == State.NEVER
    services.refresh(world.region_b, as_of=AS_OF)
    assert counts(datetime.date(2026, 6, 1))["France"] == (1, 3)


def test_backfill_reads_each_month_as_of_its_last_day(world):
    exposure_audit(world.hospital_a, datetime.date(2026, 4, 20))
    exposure_audit(world.hospital_a, datetime.date(2026, 2, 10), level=1)
    assert services.backfill(months=4, today=AS_OF) == 4
    by_month = {month: counts(month).get("GHT A") for month in
                (datetime.date(2026, m, 1) for m in (2, 3, 4, 5))}
    assert by_month == {datetime.date(2026, 2, 1): (0, 1), datetime.date(2026, 3, 1): (0, 1),
                        datetime.date(2026, 4, 1): (1, 1), datetime.date(2026, 5, 1): (1, 1)}
    assert not Summary.objects.exists()  # the current summaries are not touched
    assert not Trend.objects.filter(month=datetime.date(2026, 6, 1)).exists()


def failing(monkeypatch, key: str):
    def broken(establishments, as_of):
        raise RuntimeError("the database of findings is unreachable")

    monkeypatch.setitem(registry.indicators, key, dataclasses.replace(registry.indicators[key], compute=broken))


def test_a_failing_indicator_keeps_its_readings_and_the_fault_is_logged(world, monkeypatch, caplog):
    exposure_audit(world.hospital_a, days_before(10))
    services.refresh(as_of=AS_OF)
    before = Summary.objects.get(organisation=world.hospital_a, key="exposure.level")
    Audit.objects.all().delete()  # a fault must not read as "nothing recorded" either
    failing(monkeypatch, "exposure.level")
    with caplog.at_level(logging.ERROR, logger="vigie.steering.services"):
        outcome = services.refresh_establishments(services.establishments(), AS_OF)
    assert outcome.faults == {"exposure.level": "RuntimeError: the database of findings is unreachable"}
    assert "exposure.level" in caplog.text
    kept = Summary.objects.get(organisation=world.hospital_a, key="exposure.level")
    assert (kept.state, kept.computed_at) == (State.HELD, before.computed_at)
    pair = Summary.objects.get(organisation=world.hospital_a, key="exposure.pair")
    assert (pair.state, pair.computed_at > before.computed_at) == (State.NEVER, True)
    assert counts(datetime.date(2026, 6, 1))["GHT A"] == (1, 1)  # counted from the kept reading


def test_a_failing_indicator_keeps_its_backfilled_counts(world, monkeypatch):
    exposure_audit(world.hospital_a, datetime.date(2026, 5, 2))
    services.backfill(months=1, today=AS_OF)
    Audit.objects.all().delete()
    failing(monkeypatch, "exposure.level")
    outcome = services.backfill_outcome(months=1, today=AS_OF)
    assert set(outcome.faults) == {"exposure.level"}
    assert counts(datetime.date(2026, 5, 1))["GHT A"] == (1, 1)
    assert counts(datetime.date(2026, 5, 1), "exposure.pair")["GHT A"] == (0, 1)


def pending() -> set[int]:
    """The organisations the open transaction marked so far (its one on-commit callback)."""
    marks = [entry[1] for entry in transaction.get_connection().run_on_commit
             if isinstance(entry[1], freshness._Marks)]
    assert len(marks) <= 1
    return marks[0].ids if marks else set()


def commit_marks() -> None:
    """What the commit of the test's transaction would do."""
    for entry in transaction.get_connection().run_on_commit:
        if isinstance(entry[1], freshness._Marks):
            entry[1]()


def test_a_burst_of_changes_marks_once_and_queues_one_job_that_refreshes(world):
    freshness.forget_pending()  # the world's own organisations
    today = timezone.localdate()  # the job reads as of today
    with transaction.atomic():
        exposure_audit(world.site_a, days_before(2, today))
        exposure_audit(world.hospital_a, days_before(1, today))
        exposure_audit(world.ght_b, days_before(1, today))  # a GHT's record: every establishment under it
    assert pending() == {world.site_a.pk, world.hospital_a.pk, world.ght_b.pk}
    assert not Stale.objects.exists()  # nothing before the commit
    commit_marks()
    job = Job.objects.get(kind=freshness.JOB_KIND)
    assert job.organisation == world.national
    assert freshness.flush({world.clinic.pk}) is None  # a job is waiting: it will read this mark too
    assert Job.objects.filter(kind=freshness.JOB_KIND).count() == 1
    assert Stale.objects.count() == 4
    Job.objects.filter(pk=job.pk).update(created_at=timezone.now() - datetime.timedelta(hours=2))
    lost = freshness.flush({world.clinic.pk})  # a job queued two hours ago was lost: another one is queued
    assert lost is not None
    Job.objects.filter(pk=lost.pk).delete()
    jobs.run(str(job.uuid))
    job.refresh_from_db()
    assert (job.status, job.message) == (Job.Status.DONE, "Établissements recalculés : 3.")
    assert not Stale.objects.exists()
    assert set(Summary.objects.values_list("organisation__name", flat=True)) == {"CH A", "CH B", "Clinique C"}
    assert Summary.objects.get(organisation=world.hospital_a, key="exposure.level").state == State.HELD


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_change_marks_nothing_and_a_committed_one_once(monkeypatch):
    from tests.conftest import make_org

    flushed = []
    monkeypatch.setattr(freshness, "flush", lambda ids: flushed.append(set(ids)))
    national = make_org(kind="national", name="France")
    assert flushed == [{national.pk}]  # outside a transaction: at once
    with pytest.raises(RuntimeError), transaction.atomic():
        exposure_audit(national, days_before(1))
        raise RuntimeError("rolled back")
    assert flushed == [{national.pk}]
    with transaction.atomic():
        exposure_audit(national, days_before(2))
        exposure_audit(national, days_before(1))
        assert flushed == [{national.pk}]
    assert flushed == [{national.pk}, {national.pk}]


def test_the_refresh_job_names_a_failing_indicator(world, monkeypatch, caplog):
    failing(monkeypatch, "exposure.pair")
    job = freshness.flush({world.hospital_a.pk})
    jobs.run(str(job.uuid))
    job.refresh_from_db()
    assert job.status == Job.Status.DONE
    assert "exposure.pair (RuntimeError: the database of findings is unreachable)" in job.message
    assert "steering refresh" in caplog.text


def test_the_daily_command_refreshes_backfills_and_reports_faults(world, monkeypatch, capsys):
    Stale.objects.create(organisation=world.clinic, marked_at=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC))
    call_command("refresh_steering", "--backfill", "2", "--date", AS_OF.isoformat())
    out = capsys.readouterr().out
    assert "3 establishment(s) refreshed" in out and "2 month(s) of trends recounted" in out
    assert not Stale.objects.exists()
    assert Summary.objects.count() == 3 * len(registry.indicators)
    assert sorted(set(Trend.objects.values_list("month", flat=True))) == [
        datetime.date(2026, 4, 1), datetime.date(2026, 5, 1), datetime.date(2026, 6, 1)]
    with pytest.raises(CommandError, match="--date must be YYYY-MM-DD"):
        call_command("refresh_steering", "--date", "15/06/2026")
    failing(monkeypatch, "directory.level")
    with pytest.raises(CommandError, match="1 indicator"):
        call_command("refresh_steering")
    assert "directory.level failed" in capsys.readouterr().err


def test_a_new_establishment_gets_its_rows_from_the_refresh_job(world):
    from tests.conftest import make_org
    from vigie.organisations.finess import with_key

    freshness.forget_pending()
    new = make_org(kind="legal_entity", name="CH Neuf", parent=world.ght_b, legal_status="public",
                   finess=with_key("69000011"))
    assert pending() == {new.pk}
    commit_marks()
    jobs.run(str(Job.objects.get(kind=freshness.JOB_KIND).uuid))
    assert set(Summary.objects.values_list("organisation__name", flat=True)) == {"CH Neuf"}
    assert Summary.objects.filter(organisation=new).count() == len(registry.indicators)
    assert counts(timezone.localdate().replace(day=1))["GHT B"] == (0, 2)


def test_a_participant_marks_its_exercise_s_organisation(world):
    from vigie.exercises.models import Exercise, Participant

    exercise = Exercise.objects.create(organisation=world.site_b, title="Exercice")
    freshness.forget_pending()
    Participant.objects.create(exercise=exercise, name="Directeur", function="player", role="direction")
    assert pending() == {world.site_b.pk}
    freshness.forget_pending()
    exercise.delete()  # its participants go with it, without a second look for their exercise
    assert pending() == {world.site_b.pk}
