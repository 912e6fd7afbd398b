"""Steering indicators of the compliance module, for establishments and their sites.

- `compliance.self_assessment`: the score of the latest approved yearly self-assessment (the frameworks
  flagged self_assessment), held for the period of the CaRE deadline `maturity-self-assessment` (a year);
  one in progress with none approved in the period is partly held.
- `compliance.mfa`: doctors and nurses signing in with two factors, as measured in the latest year, against
  the HospiConnect target of the year (trajectories.targets(), from the framework file); past the last
  target's year without reaching it: late.
- `compliance.budget`: the digital + cyber share of the budget of the latest year declared, against the
  programme's target (declarations.budget_target(), 2 % in programme.yaml).
- `compliance.declaration`: the step of the funding dossiers of the establishment's candidate (itself, or
  its GHT that applies for it); objectives declared or beyond: held; a dossier past the call's date for its
  step: late; the least advanced dossier counts.
"""

import datetime
from collections import defaultdict
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vigie.actions.services import lapses_on
from vigie.core.indicators import Indicator, Reading, State, by_unit, freshness, worst
from vigie.core.registry import registry
from vigie.organisations.models import Kind
from vigie.organisations.services import by_establishment

from .declarations import budget_target, next_date
from .models import Assessment, BudgetDeclaration, Declaration, DeclarationTransition, IdentityIndicators
from .trajectories import budget_row, gap_to, measured, targets

SELF_ASSESSMENT = "maturity-self-assessment"
MFA_METRIC = "mfa_doctors_nurses"
Status = Declaration.Status
DECLARED_STEPS = list(Status.values)


def _end_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time()))


def self_assessments(establishments, as_of: datetime.date) -> dict[int, Reading]:
    rows = (Assessment.objects.filter(version__self_assessment=True, assessed_on__lte=as_of)
            .order_by("-assessed_on", "-id").only("id", "uuid", "organisation_id", "assessed_on", "status", "score"))
    found = {}
    grouped = by_establishment(rows, establishments)
    for org in establishments:
        assessments = grouped[org.pk]
        if not assessments:
            continue
        url = reverse("compliance:self_assessment_detail", args=[org.uuid])
        approved = [a for a in assessments if a.status == Assessment.Status.APPROVED]
        if approved:
            last = approved[0]
            due = lapses_on(SELF_ASSESSMENT, last.assessed_on)
            state = freshness(due, as_of)
            if state == State.LATE and assessments[0].assessed_on > last.assessed_on:
                state = State.PARTIAL  # the next one is under way
            found[org.pk] = Reading(state, last.score, last.assessed_on, due,
                                    {"year": last.assessed_on.year, "in_progress": assessments[0] is not last}, url)
        else:
            found[org.pk] = Reading(State.PARTIAL, None, assessments[0].assessed_on, None,
                                    {"year": assessments[0].assessed_on.year, "in_progress": True}, url)
    return found


def _target_for(year: int):
    """The HospiConnect target of MFA_METRIC due in `year` or the first after it; past them all, the last."""
    found = [t for t in targets() if t.metric == MFA_METRIC]
    return next((t for t in found if t.year >= year), found[-1] if found else None)


def mfa(establishments, as_of: datetime.date) -> dict[int, Reading]:
    target = _target_for(as_of.year)

    def reading(_pk, measures: list[IdentityIndicators]) -> Reading:
        measure = measures[0]
        value = measured(measure, MFA_METRIC)
        detail = {"year": measure.year, "metric": MFA_METRIC}
        if target is None or value is None:
            return Reading(State.PARTIAL, value, measure.measured_on, None, detail)
        due = datetime.date(target.year, 12, 31)
        gap = gap_to(target.minimum, value)
        detail.update(target=str(target.minimum), target_year=target.year, code=target.code, gap=str(gap))
        state = State.HELD if gap == 0 else (State.LATE if due < as_of else State.PARTIAL)
        return Reading(state, value, measure.measured_on, due, detail)

    rows = IdentityIndicators.objects.filter(year__lte=as_of.year, measured_on__lte=as_of).order_by("-year")
    found = by_unit(by_establishment(rows, establishments), lambda m: m.organisation_id, reading)
    return _with_url(found, establishments, "compliance:trajectory_detail")


def budgets(establishments, as_of: datetime.date) -> dict[int, Reading]:
    target = budget_target()["share_percent"]

    def reading(_pk, declarations: list[BudgetDeclaration]) -> Reading:
        declaration = declarations[0]
        row = budget_row(declaration, target)
        return Reading(State.HELD if row.met else State.PARTIAL, row.share, datetime.date(declaration.year, 12, 31),
                       None, {"year": declaration.year, "target": str(target),
                              "gap": None if row.gap is None else str(row.gap)})

    rows = BudgetDeclaration.objects.filter(year__lte=as_of.year).order_by("-year")
    found = by_unit(by_establishment(rows, establishments), lambda d: d.organisation_id, reading)
    return _with_url(found, establishments, "compliance:trajectory_detail")


def _with_url(found: dict[int, Reading], establishments, url_name: str) -> dict[int, Reading]:
    by_pk = {org.pk: org for org in establishments}
    return {pk: Reading(r.state, r.value, r.on, r.due, r.detail, reverse(url_name, args=[by_pk[pk].uuid]))
            for pk, r in found.items()}


def _status_as_of(declaration: Declaration, steps: list[DeclarationTransition], end) -> str | None:
    """The dossier's status at `end`: its status, unless steps were taken since (then its last step by
    `end`); None when it did not exist yet."""
    if declaration.created_at >= end:
        return None
    if all(step.at < end for step in steps):
        return declaration.status
    done = [step for step in steps if step.at < end]
    return done[-1].to_status if done else Status.PREPARED


def _dossier_reading(declaration: Declaration, status: str, as_of: datetime.date) -> Reading:
    step = DECLARED_STEPS.index(status)
    detail = {"status": status, "call": declaration.call.key}
    if step >= DECLARED_STEPS.index(Status.DECLARED):
        return Reading(State.HELD, Decimal(step), None, None, detail, declaration.get_absolute_url())
    day = next_date(declaration, status)
    state = State.LATE if day is not None and day < as_of else State.PARTIAL
    return Reading(state, Decimal(step), None, day, detail, declaration.get_absolute_url())


def declarations(establishments, as_of: datetime.date) -> dict[int, Reading]:
    """One query for the dossiers of the candidates, one for their call dates, one for their steps."""
    candidate = {org.pk: (org.parent_id if org.parent_id and org.parent.kind == Kind.GHT else org.pk)
                 for org in establishments}
    rows = list(Declaration.objects.filter(organisation__in=set(candidate.values())).select_related("call")
                .prefetch_related("call__dates").order_by("call__position", "id"))
    steps: dict[int, list] = defaultdict(list)
    end = _end_of(as_of)
    for step in DeclarationTransition.objects.filter(declaration__in=rows).order_by("at", "id"):
        steps[step.declaration_id].append(step)
    by_candidate: dict[int, list[Reading]] = defaultdict(list)
    for declaration in rows:
        status = _status_as_of(declaration, steps[declaration.pk], end)
        if status is not None:
            by_candidate[declaration.organisation_id].append(_dossier_reading(declaration, status, as_of))
    found = {}
    for pk, candidate_pk in candidate.items():
        combined = worst(by_candidate.get(candidate_pk, []))
        if combined is not None:
            found[pk] = combined
    return found


def register() -> None:
    registry.indicator(Indicator(
        key="compliance.self_assessment", title=_("Yearly maturity self-assessment"), short=_("Self-assess."),
        order=50, compute=self_assessments, objective="DNS/2025/12", kind="score", group="instruction",
        sources=("compliance.Assessment",)))
    registry.indicator(Indicator(
        key="compliance.mfa", title=_("Two-factor sign-in of doctors and nurses (HospiConnect)"), short=_("MFA"),
        order=60, compute=mfa, objective="HospiConnect", kind="percent", group="instruction",
        sources=("compliance.IdentityIndicators",)))
    registry.indicator(Indicator(
        key="compliance.budget", title=_("Digital and cyber share of the budget"), short=_("Budget"), order=70,
        compute=budgets, objective="CaRE", kind="percent", target=budget_target()["share_percent"],
        group="funding", sources=("compliance.BudgetDeclaration",)))
    registry.indicator(Indicator(
        key="compliance.declaration", title=_("Funding declaration step"), short=_("Funding"), order=80,
        compute=declarations, objective="CaRE", kind="state", group="funding",
        sources=("compliance.Declaration",)))
