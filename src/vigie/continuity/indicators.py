"""Steering indicators of continuity (CaRE Domain 2), for establishments and their sites.

- `continuity.coverage`: the share of the establishment's activity covered by a BIA and a validated PCRA
  (services.status_of: one critical activity of each category with both), against COVERAGE_THRESHOLD (the
  66 % rule). The units are its sites that declare an activity share, the share covered reported to the
  shares declared (sites carry their share of the group's activity, so an entity's sites add up to its own
  share); an entity whose sites declare none is one unit, covered or not. The GHT's own 66 % sums its
  members' activity shares over these rows.
- `continuity.backups`: the share of what holds data (components, applications with a plan of their own)
  whose plans pass the five 3-2-1-1-0 rules (engine: backups.evaluate), restore tests up to the date.
"""

import datetime
from collections import defaultdict
from decimal import Decimal

from django.db.models import Prefetch
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from vigie.core.indicators import Indicator, Reading, State
from vigie.core.registry import registry
from vigie.organisations.models import Kind, Organisation
from vigie.organisations.services import by_establishment

from .engine import backups as backup_engine
from .models import Activity, Application, BackupPlan, Component, RestoreTest
from .services import COVERAGE_THRESHOLD, facts_with_test, status_of

HUNDRED = Decimal(100)
CENT = Decimal("0.01")


def _percent(part: Decimal, whole: Decimal) -> Decimal:
    return (part * HUNDRED / whole).quantize(CENT) if whole else Decimal(0)


def _latest(activities: list[Activity]) -> datetime.date | None:
    days = [d for a in activities for d in (a.bia_done_on, a.pcra_validated_on) if d is not None]
    return max(days) if days else None


def coverage(establishments, as_of: datetime.date) -> dict[int, Reading]:
    """Three queries: the critical activities with their sites, and the sites with an activity share."""
    rows = Activity.objects.filter(critical=True).prefetch_related(
        Prefetch("sites", queryset=Organisation.objects.only("id")))
    sites: dict[int, list[Organisation]] = defaultdict(list)
    for site in Organisation.objects.filter(parent__in=[o.pk for o in establishments], kind=Kind.SITE,
                                            activity_share__isnull=False).order_by("path"):
        sites[site.parent_id].append(site)
    found = {}
    grouped = by_establishment(rows, establishments)
    for org in establishments:
        activities = grouped[org.pk]
        if not activities:
            continue
        units = sites.get(org.pk)
        if units:
            declared = sum((u.activity_share for u in units), Decimal(0))
            bia = pcra = Decimal(0)
            for unit in units:
                mine = [a for a in activities
                        if a.organisation_id == unit.pk or any(s.pk == unit.pk for s in a.sites.all())]
                has_bia, has_pcra, _missing_bia, _missing_pcra = status_of(mine)
                bia += unit.activity_share if has_bia else 0
                pcra += unit.activity_share if has_pcra else 0
            value, bia_value = _percent(pcra, declared), _percent(bia, declared)
            detail = {"units": len(units), "bia": str(bia_value), "declared": str(declared)}
        else:
            has_bia, has_pcra, missing_bia, missing_pcra = status_of(activities)
            value, bia_value = (HUNDRED if has_pcra else Decimal(0)), (HUNDRED if has_bia else Decimal(0))
            detail = {"units": 1, "bia": str(bia_value), "missing_bia": len(missing_bia),
                      "missing_pcra": len(missing_pcra)}
        state = State.HELD if value >= COVERAGE_THRESHOLD else State.PARTIAL
        found[org.pk] = Reading(state, value, _latest(activities), None, detail,
                                reverse("continuity:activity_list") + f"?organisation={org.uuid}")
    return found


def _targets(establishments, as_of: datetime.date) -> dict[int, list]:
    tests = Prefetch("backup_plans__restore_tests", queryset=RestoreTest.objects.filter(
        validated=True, tested_on__lte=as_of).order_by("-tested_on", "-id"))
    plans = Prefetch("backup_plans", queryset=BackupPlan.objects.order_by("id"))
    components = by_establishment(Component.objects.filter(holds_data=True).prefetch_related(plans, tests),
                                  establishments)
    applications = by_establishment(
        Application.objects.filter(backup_plans__isnull=False).distinct().prefetch_related(plans, tests),
        establishments)
    return {org.pk: components[org.pk] + applications[org.pk] for org in establishments}


def backups(establishments, as_of: datetime.date) -> dict[int, Reading]:
    """Six queries: components and applications, each with their plans and the plans' verified tests."""
    found = {}
    for pk, targets in _targets(establishments, as_of).items():
        if not targets:
            continue
        passing, failing = 0, defaultdict(int)
        for target in targets:
            plans = list(target.backup_plans.all())
            facts = [facts_with_test(plan, next(iter(plan.restore_tests.all()), None)) for plan in plans]
            rules = backup_engine.evaluate(facts).rules
            if plans and all(rule.ok for rule in rules):
                passing += 1
            for rule in rules:
                failing[rule.rule] += not rule.ok or not plans
        value = _percent(Decimal(passing), Decimal(len(targets)))
        state = State.HELD if passing == len(targets) else State.PARTIAL
        found[pk] = Reading(state, value, None, None, {"targets": len(targets), "passing": passing,
                                                        "failing": dict(failing)},
                            reverse("continuity:backup_list"))
    return found


def register() -> None:
    registry.indicator(Indicator(
        key="continuity.coverage", title=_("Activity covered by a BIA and a PCRA"), short=_("BIA/PCRA"), order=30,
        compute=coverage, objective="D2.O1.C", kind="percent", target=COVERAGE_THRESHOLD, group="domain2",
        sources=("continuity.Activity",)))
    registry.indicator(Indicator(
        key="continuity.backups", title=_("Backups meeting 3-2-1-1-0"), short=_("3-2-1-1-0"), order=31,
        compute=backups, objective="D2.O3.C", kind="percent", target=HUNDRED, group="domain2",
        sources=("continuity.Component", "continuity.Application", "continuity.BackupPlan",
                 "continuity.RestoreTest")))
