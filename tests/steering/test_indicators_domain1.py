"""Domain 1 readings against hand-worked dates: the exposure level and its D1.O2.B pair (45 to 60 days
apart, held 60 days after the second audit), and the quarterly Active Directory audit."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.steering.helpers import AS_OF, days_before, read, state_of
from vigie.core.indicators import State
from vigie.directory.models import Audit as DirectoryAudit
from vigie.directory.models import Directory
from vigie.exposure.models import Audit

pytestmark = pytest.mark.django_db


def exposure_audit(org, days_ago: int, level: int, as_of=AS_OF) -> Audit:
    return Audit.objects.create(organisation=org, title=f"Audit J-{days_ago}", provider="silene", level=level,
                                performed_on=days_before(days_ago, as_of))


def test_a_pair_45_to_60_days_apart_holds_for_60_days_after_its_second_audit(world):
    exposure_audit(world.hospital_a, 60, 3)
    exposure_audit(world.hospital_a, 10, 4)
    reading = read("exposure.pair", world.hospital_a)[world.hospital_a.pk]
    assert reading.state == State.HELD
    assert reading.value == Decimal(50)
    assert (reading.on, reading.due) == (days_before(10), days_before(10) + datetime.timedelta(days=60))
    assert reading.detail["days"] == 50
    assert reading.url == f"/exposure/org/{world.hospital_a.uuid}/"


def test_a_pair_whose_renewal_falls_within_30_days_is_due_and_past_it_late(world):
    exposure_audit(world.hospital_a, 90, 3)
    exposure_audit(world.hospital_a, 40, 3)  # lapses 20 days after AS_OF
    assert state_of("exposure.pair", world.hospital_a) == State.DUE
    assert state_of("exposure.pair", world.hospital_a, as_of=AS_OF + datetime.timedelta(days=21)) == State.LATE


def test_an_audit_below_the_minimum_breaks_the_pair(world):
    exposure_audit(world.hospital_a, 70, 3)
    exposure_audit(world.hospital_a, 20, 3)
    assert state_of("exposure.pair", world.hospital_a) == State.HELD
    exposure_audit(world.hospital_a, 5, 2)
    pair = read("exposure.pair", world.hospital_a)[world.hospital_a.pk]
    assert (pair.state, pair.detail["reason"]) == (State.LATE, "below_minimum")
    level = read("exposure.level", world.hospital_a)[world.hospital_a.pk]
    assert (level.state, level.value, level.on) == (State.PARTIAL, Decimal(2), days_before(5))


def test_two_audits_too_close_are_no_pair_yet(world):
    exposure_audit(world.hospital_a, 40, 3)
    exposure_audit(world.hospital_a, 10, 3)  # 30 days apart
    pair = read("exposure.pair", world.hospital_a)[world.hospital_a.pk]
    assert (pair.state, pair.detail["reason"]) == (State.PARTIAL, "no_pair")


def test_the_exposure_level_lapses_60_days_after_the_last_audit(world):
    exposure_audit(world.hospital_a, 61, 4)
    reading = read("exposure.level", world.hospital_a)[world.hospital_a.pk]
    assert (reading.state, reading.value) == (State.LATE, Decimal(4))


def test_a_legal_entity_stands_for_its_sites_and_only_them(world):
    exposure_audit(world.hospital_a, 10, 4)
    exposure_audit(world.site_a, 10, 1)  # the site's exposure is the entity's worst
    found = read("exposure.level", world.hospital_a, world.hospital_b, world.clinic)
    assert (found[world.hospital_a.pk].state, found[world.hospital_a.pk].value) == (State.PARTIAL, Decimal(1))
    assert world.hospital_b.pk not in found and world.clinic.pk not in found
    exposure_audit(world.hospital_a, 5, 2)  # newer than the site's, both below the minimum: the lowest counts
    assert read("exposure.level", world.hospital_a)[world.hospital_a.pk].value == Decimal(1)


def test_as_of_a_past_day_reads_only_the_audits_up_to_it(world):
    exposure_audit(world.hospital_a, 100, 3)
    exposure_audit(world.hospital_a, 50, 3)
    exposure_audit(world.hospital_a, 5, 1)
    assert state_of("exposure.pair", world.hospital_a) == State.LATE
    assert state_of("exposure.pair", world.hospital_a, as_of=days_before(40)) == State.HELD
    assert state_of("exposure.pair", world.hospital_a, as_of=days_before(200)) == State.NEVER


def directory_audit(org, days_ago: int, level: int, name="AD") -> DirectoryAudit:
    directory, _ = Directory.objects.get_or_create(organisation=org, name=name, defaults={"domain": f"{name}.local"})
    finished = timezone.make_aware(datetime.datetime.combine(days_before(days_ago), datetime.time(12)))
    return DirectoryAudit.objects.create(organisation=org, directory=directory, source="upload", status="done",
                                         finished_at=finished, level=level)


def test_an_ad_audit_older_than_a_quarter_is_late(world):
    directory_audit(world.hospital_a, 100, 4)
    reading = read("directory.level", world.hospital_a)[world.hospital_a.pk]
    assert (reading.state, reading.value, reading.on) == (State.LATE, Decimal(4), days_before(100))
    assert reading.due == datetime.date(2026, 6, 7)  # three months after 7 March (the deadlines file's quarter)


def test_a_recent_ad_audit_holds_from_level_3_and_the_weakest_directory_counts(world):
    audit = directory_audit(world.hospital_a, 10, 3)
    reading = read("directory.level", world.hospital_a)[world.hospital_a.pk]
    assert (reading.state, reading.url) == (State.HELD, f"/directory/audits/{audit.uuid}/")
    directory_audit(world.site_a, 20, 2, name="AD-site")
    assert state_of("directory.level", world.hospital_a) == State.PARTIAL
    unfinished = directory_audit(world.hospital_b, 5, 4)
    DirectoryAudit.objects.filter(pk=unfinished.pk).update(status="running")
    assert state_of("directory.level", world.hospital_b) == State.NEVER
