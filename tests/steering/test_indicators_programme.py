"""Readings of the instruction, Domain 2 and funding indicators against hand-worked fixtures: the exercise
done but not declared, 1.99 % against 2 %, 65.9 % against 66 %, the HospiConnect target, 3-2-1-1-0, the
declaration step of the GHT that applies for its members, overdue actions and late CaRE deadlines."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.conftest import make_org
from tests.continuity.builders import activity, good_plan
from tests.steering.helpers import AS_OF, days_before, read, state_of
from vigie.actions.models import Action, DeadlineCompletion
from vigie.compliance.declarations import calls
from vigie.compliance.library import ensure_bundled
from vigie.compliance.models import (Assessment, BudgetDeclaration, CallDate, Declaration, DeclarationTransition,
                                     FrameworkVersion, IdentityIndicators)
from vigie.compliance.services import create_assessment
from vigie.compliance.trajectories import targets
from vigie.continuity.models import Component, RestoreTest
from vigie.core.indicators import State
from vigie.exercises.models import Exercise, Participant
from vigie.organisations.finess import with_key

pytestmark = pytest.mark.django_db


def at_noon(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))


def exercise(org, days_ago: int, *, declared: bool, roles=("direction", "medical")) -> Exercise:
    ended = days_before(days_ago)
    done = Exercise.objects.create(organisation=org, title=f"Exercice J-{days_ago}", status=Exercise.Status.ENDED,
                                   started_at=at_noon(ended), ended_at=at_noon(ended), retex_done_on=ended,
                                   declared_on=ended if declared else None)
    for role in roles:
        Participant.objects.create(exercise=done, name=role, function="player", role=role)
    return done


def test_an_exercise_done_but_not_declared_is_partly_held_and_declared_it_holds_a_year(world):
    done = exercise(world.hospital_a, 30, declared=False)
    reading = read("exercises.yearly", world.hospital_a)[world.hospital_a.pk]
    assert (reading.state, reading.detail["reason"], reading.url) == (
        State.PARTIAL, "not_declared", f"/exercises/{done.uuid}/")
    Exercise.objects.filter(pk=done.pk).update(declared_on=days_before(20))
    reading = read("exercises.yearly", world.hospital_a)[world.hospital_a.pk]
    assert (reading.state, reading.on, reading.due) == (State.HELD, days_before(30), datetime.date(2027, 5, 16))
    assert state_of("exercises.yearly", world.hospital_a, as_of=datetime.date(2027, 5, 17)) == State.LATE
    assert state_of("exercises.yearly", world.hospital_a, as_of=days_before(25)) == State.PARTIAL  # not declared yet


def test_an_exercise_without_the_business_side_does_not_count(world):
    exercise(world.hospital_a, 30, declared=True, roles=("direction", "it"))
    reading = read("exercises.yearly", world.hospital_a)[world.hospital_a.pk]
    assert (reading.state, reading.detail["reason"], reading.detail["failures"]) == (
        State.PARTIAL, "not_valid", ["business"])


def test_the_self_assessment_score_holds_a_year_once_approved(world):
    ensure_bundled()
    version = FrameworkVersion.objects.filter(self_assessment=True).latest("loaded_at")
    assessment = create_assessment(organisation=world.hospital_a, version=version, assessed_on=days_before(300),
                                   user=world.alice)
    assert read("compliance.self_assessment", world.hospital_a)[world.hospital_a.pk].state == State.PARTIAL
    Assessment.objects.filter(pk=assessment.pk).update(status=Assessment.Status.APPROVED, score=Decimal("2.75"))
    reading = read("compliance.self_assessment", world.hospital_a)[world.hospital_a.pk]
    assert (reading.state, reading.value, reading.due) == (State.HELD, Decimal("2.75"), datetime.date(2026, 8, 19))
    assert reading.url == f"/compliance/self-assessment/{world.hospital_a.uuid}/"
    assert state_of("compliance.self_assessment", world.hospital_a, as_of=datetime.date(2026, 8, 1)) == State.DUE


@pytest.mark.parametrize(("digital", "state"), [(1_990_000, State.PARTIAL), (2_000_000, State.HELD)])
def test_the_budget_share_against_2_percent(world, digital, state):
    BudgetDeclaration.objects.create(organisation=world.hospital_a, year=2025, total_budget=100_000_000,
                                     digital_budget=digital - 500_000, cyber_budget=500_000)
    reading = read("compliance.budget", world.hospital_a)[world.hospital_a.pk]
    assert (reading.state, reading.value) == (state, Decimal(digital) / 1_000_000)
    assert reading.detail["target"] == "2"


def test_mfa_against_the_hospiconnect_target_of_the_year(world):
    ensure_bundled()
    target = next(t for t in targets() if t.metric == "mfa_doctors_nurses" and t.year >= AS_OF.year)
    short = int(target.minimum * 2) - 1  # of 200 doctors and nurses: half a point below the target
    IdentityIndicators.objects.create(organisation=world.hospital_a, year=2026, measured_on=days_before(10),
                                      doctors_nurses=200, doctors_nurses_2fa=short, all_users=900, all_users_2fa=1)
    reading = read("compliance.mfa", world.hospital_a)[world.hospital_a.pk]
    assert (reading.state, reading.value) == (State.PARTIAL, Decimal(short) / 2)
    assert reading.detail["target"] == str(target.minimum)
    assert reading.due == datetime.date(target.year, 12, 31)
    # past the last target's year (the file has one for this metric) without reaching it: late
    assert state_of("compliance.mfa", world.hospital_a, as_of=datetime.date(target.year + 1, 1, 2)) == State.LATE
    IdentityIndicators.objects.filter(organisation=world.hospital_a).update(doctors_nurses_2fa=200)
    assert state_of("compliance.mfa", world.hospital_a) == State.HELD


def test_the_declaration_step_of_the_ght_counts_for_its_members(world):
    ensure_bundled()
    version = FrameworkVersion.objects.filter(framework__key="care-d2").latest("loaded_at")
    call = calls().get(key="care-d2")
    dossier = Declaration.objects.create(organisation=world.ght_a, call=call, version=version)
    CallDate.objects.filter(call=call, key=CallDate.Key.APPLICATION_CLOSES).update(date=days_before(1))
    found = read("compliance.declaration", world.hospital_a, world.hospital_b, world.clinic, as_of=timezone.localdate())
    assert set(found) == {world.hospital_a.pk}
    assert (found[world.hospital_a.pk].state, found[world.hospital_a.pk].detail["status"]) == (State.LATE, "prepared")
    Declaration.objects.filter(pk=dossier.pk).update(created_at=timezone.now() - datetime.timedelta(days=40))
    DeclarationTransition.objects.create(declaration=dossier, from_status="prepared", to_status="submitted",
                                         at=timezone.now() - datetime.timedelta(days=20))
    DeclarationTransition.objects.create(declaration=dossier, from_status="validated", to_status="declared",
                                         at=timezone.now() - datetime.timedelta(days=2))
    Declaration.objects.filter(pk=dossier.pk).update(status="declared")
    today = timezone.localdate()
    reading = read("compliance.declaration", world.hospital_a, as_of=today)[world.hospital_a.pk]
    assert (reading.state, reading.value, reading.url) == (State.HELD, Decimal(3),
                                                            f"/compliance/declarations/{dossier.uuid}/")
    ten_days_ago = read("compliance.declaration", world.hospital_a, as_of=today - datetime.timedelta(days=10))
    assert ten_days_ago[world.hospital_a.pk].detail["status"] == "submitted"  # read from its steps
    thirty_days_ago = read("compliance.declaration", world.hospital_a, as_of=today - datetime.timedelta(days=30))
    assert thirty_days_ago[world.hospital_a.pk].detail["status"] == "prepared"
    assert read("compliance.declaration", world.hospital_a, as_of=today - datetime.timedelta(days=50)) == {}


def shares(world, first: str, second: str):
    """Hospital A's activity over two sites: site 1 covered by a BIA and a PCRA, site 2 not."""
    world.site_a.activity_share = Decimal(first)
    world.site_a.save()
    other = make_org(kind="site", name="CH A — site 2", parent=world.hospital_a, finess=with_key("75000004"),
                     activity_share=second)
    for category in ("care_service", "administrative", "technical_platform"):
        activity(world.site_a, f"{category} 1", category, critical=True, pcra=days_before(30))
    activity(other, "Urgences 2", "care_service", critical=True)


@pytest.mark.parametrize(("first", "second", "state"), [("65.9", "34.1", State.PARTIAL), ("66", "34", State.HELD)])
def test_coverage_of_the_activity_against_66_percent(world, first, second, state):
    shares(world, first, second)
    reading = read("continuity.coverage", world.hospital_a)[world.hospital_a.pk]
    assert (reading.state, reading.value) == (state, Decimal(first))
    assert reading.detail["units"] == 2


def test_backups_judged_on_3_2_1_1_0(world):
    protected = Component.objects.create(organisation=world.site_a, name="BDD", kind="database", holds_data=True)
    plan = good_plan(protected)
    Component.objects.create(organisation=world.hospital_a, name="NAS", kind="storage", holds_data=True)
    RestoreTest.objects.create(organisation=world.site_a, plan=plan, tested_on=days_before(10), scope="tout",
                               duration_minutes=30, validated=True, success=True, errors=0)
    reading = read("continuity.backups", world.hospital_a)[world.hospital_a.pk]
    assert (reading.state, reading.value, reading.detail["passing"]) == (State.PARTIAL, Decimal(50), 1)
    assert reading.detail["failing"]["three_copies"] == 1
    before_the_test = read("continuity.backups", world.hospital_a, as_of=days_before(11))[world.hospital_a.pk]
    assert before_the_test.value == Decimal(0)  # no restore verified without errors yet


def test_overdue_actions_as_of_a_day(world):
    late = Action.objects.create(organisation=world.site_a, title="Corriger", due=days_before(3))
    Action.objects.create(organisation=world.hospital_a, title="Bientôt", due=AS_OF + datetime.timedelta(days=10))
    Action.objects.filter(pk=late.pk).update(created_at=at_noon(days_before(60)))
    Action.objects.exclude(pk=late.pk).update(created_at=at_noon(days_before(60)))
    reading = read("actions.overdue", world.hospital_a)[world.hospital_a.pk]
    assert (reading.state, reading.value, reading.due) == (State.LATE, Decimal(1), days_before(3))
    assert reading.url == f"/actions/?organisation={world.hospital_a.uuid}&overdue=on"
    Action.objects.filter(pk=late.pk).update(status="done", closed_at=at_noon(days_before(1)))
    assert state_of("actions.overdue", world.hospital_a) == State.DUE  # the other falls due within 30 days
    assert state_of("actions.overdue", world.hospital_a, as_of=days_before(2)) == State.LATE  # still open then
    assert state_of("actions.overdue", world.hospital_a, as_of=days_before(61)) == State.NEVER  # none yet


def test_care_deadlines_late_and_nothing_recorded(world):
    nothing = read("actions.deadlines", world.hospital_b)[world.hospital_b.pk]
    assert nothing.state == State.NEVER and "crisis-exercise" in nothing.detail["late"]
    DeadlineCompletion.objects.create(organisation=world.hospital_a, deadline="crisis-exercise",
                                      done_on=days_before(10))
    reading = read("actions.deadlines", world.hospital_a)[world.hospital_a.pk]
    assert reading.state == State.LATE
    assert "crisis-exercise" not in reading.detail["late"] and "ad-audit" in reading.detail["late"]
    assert reading.value == Decimal(len(reading.detail["late"]))
