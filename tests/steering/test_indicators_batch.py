"""Every indicator reads many establishments with a fixed number of queries, and an establishment that
recorded nothing is still a row, every reading "nothing recorded"."""

import datetime

import pytest
from django.db import connection
from django.utils import timezone
from django.test.utils import CaptureQueriesContext

from tests.conftest import make_org
from tests.continuity.builders import activity, good_plan
from tests.steering.helpers import AS_OF, days_before
from vigie.actions.models import Action, DeadlineCompletion
from vigie.compliance.declarations import calls
from vigie.compliance.library import ensure_bundled
from vigie.compliance.models import Assessment, BudgetDeclaration, Declaration, FrameworkVersion, IdentityIndicators
from vigie.continuity.models import Component, RestoreTest
from vigie.core.indicators import State
from vigie.core.registry import registry
from vigie.directory.models import Audit as DirectoryAudit
from vigie.directory.models import Directory
from vigie.exercises.models import Exercise, Participant
from vigie.exposure.models import Audit
from vigie.organisations.finess import with_key
from vigie.steering import services
from vigie.steering.models import Summary

pytestmark = pytest.mark.django_db


def test_an_establishment_with_nothing_recorded_is_a_row_of_nothing_recorded(world):
    services.refresh(as_of=AS_OF)
    rows = Summary.objects.filter(organisation=world.clinic)
    assert sorted(rows.values_list("key", flat=True)) == sorted(registry.indicators)
    assert set(rows.values_list("state", flat=True)) == {State.NEVER}
    assert all(row.computed_at is not None for row in rows)


def noon(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))


def populated(world, count: int) -> list:
    """`count` establishments of GHT A, each with a site and a record for every indicator."""
    ensure_bundled()
    maturity = FrameworkVersion.objects.filter(self_assessment=True).latest("loaded_at")
    dossier = Declaration.objects.create(
        organisation=world.ght_a, call=calls().get(key="care-d2"),
        version=FrameworkVersion.objects.filter(framework__key="care-d2").latest("loaded_at"))
    Declaration.objects.filter(pk=dossier.pk).update(created_at=timezone.now() - datetime.timedelta(days=365))
    found = []
    for n in range(count):
        org = make_org(kind="legal_entity", name=f"CH {n}", parent=world.ght_a, legal_status="public",
                       finess=with_key(f"7510{n:04d}"))
        site = make_org(kind="site", name=f"CH {n} site", parent=org, finess=with_key(f"7520{n:04d}"),
                        activity_share="10")
        Audit.objects.create(organisation=site, title="A", provider="silene", level=3, performed_on=days_before(50))
        Audit.objects.create(organisation=org, title="B", provider="silene", level=3, performed_on=days_before(2))
        directory = Directory.objects.create(organisation=org, name="AD", domain=f"ad{n}.local")
        DirectoryAudit.objects.create(organisation=org, directory=directory, source="upload", status="done", level=3,
                                      finished_at=noon(days_before(20)))
        activity(site, f"Urgences {n}", critical=True, pcra=days_before(5))
        component = Component.objects.create(organisation=site, name=f"BDD {n}", kind="database", holds_data=True)
        RestoreTest.objects.create(organisation=site, plan=good_plan(component), tested_on=days_before(3),
                                   scope="tout", duration_minutes=5, validated=True)
        Action.objects.create(organisation=site, title="Corriger", due=days_before(1))
        DeadlineCompletion.objects.create(organisation=org, deadline="ad-audit", done_on=days_before(4))
        BudgetDeclaration.objects.create(organisation=org, year=2025, total_budget=1000, digital_budget=15,
                                         cyber_budget=5)
        IdentityIndicators.objects.create(organisation=site, year=2026, measured_on=days_before(9),
                                          doctors_nurses=10, doctors_nurses_2fa=9, all_users=20, all_users_2fa=9)
        Assessment.objects.create(organisation=org, version=maturity, assessed_on=days_before(20), score=3,
                                  status=Assessment.Status.APPROVED)
        ended = noon(days_before(30))
        exercise = Exercise.objects.create(organisation=site, title="Exercice", status=Exercise.Status.ENDED,
                                           ended_at=ended, retex_done_on=ended.date(), declared_on=ended.date())
        for role in ("direction", "care"):
            Participant.objects.create(exercise=exercise, name=role, function="player", role=role)
        found.append(org)
    Action.objects.update(created_at=noon(days_before(90)))
    return list(services.establishments().filter(pk__in=[o.pk for o in found]))


def queries_to_read(batch) -> tuple[int, dict]:
    with CaptureQueriesContext(connection) as captured:
        found = services.readings(batch, AS_OF)
    return len(captured), found


def test_every_indicator_reads_3_or_30_establishments_with_the_same_queries(world):
    batch = populated(world, 30)
    few, found_few = queries_to_read(batch[:3])
    many, found_many = queries_to_read(batch)
    assert many == few
    assert few <= 2 * len(registry.indicators)  # a query or two per indicator
    for key in registry.indicators:  # the data is real: each indicator found something for every one
        assert all(found_many[key][org.pk].state != State.NEVER for org in batch), key
        assert all(found_few[key][org.pk] == found_many[key][org.pk] for org in batch[:3]), key
