"""Steering indicator `exercises.yearly`: the yearly cyber crisis exercise, done and declared (instruction
DNS/2025/12, action 1). An exercise counts when it passes the validity rules (validity.check) and was
declared to the national platform, for the period of the CaRE deadline `crisis-exercise` (a year, in the
deadlines file) after it ended. A valid exercise not declared yet, or an exercise that does not count, is
partly held; a counted exercise older than the period is late.
"""

import datetime
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vigie.actions.services import lapses_on
from vigie.core.indicators import Indicator, Reading, State, freshness
from vigie.core.registry import registry
from vigie.organisations.services import by_establishment

from .models import Exercise
from .validity import check

DEADLINE = "crisis-exercise"


def _reading(exercises: list[Exercise], as_of: datetime.date) -> Reading:
    """`exercises`: the establishment's ended exercises up to `as_of`, latest first."""
    valid = [e for e in exercises if check(e).valid]
    counted = [e for e in valid if e.declared_on is not None and e.declared_on <= as_of]
    latest = exercises[0]
    if counted:
        done = counted[0]
        on = timezone.localtime(done.ended_at).date()
        due = lapses_on(DEADLINE, on)
        state = freshness(due, as_of)
        detail = {"declared_on": done.declared_on.isoformat(), "reference": done.declaration_reference,
                  "declared": True}
        undeclared = [e for e in valid if e not in counted and e.ended_at > done.ended_at]
        if state == State.LATE and undeclared:
            done, state, detail = undeclared[0], State.PARTIAL, {"declared": False, "reason": "not_declared"}
            on = timezone.localtime(done.ended_at).date()
        return Reading(state, Decimal(1 if detail["declared"] else 0), on, due, detail, done.get_absolute_url())
    if valid:
        done = valid[0]
        return Reading(State.PARTIAL, Decimal(0), timezone.localtime(done.ended_at).date(), None,
                       {"declared": False, "reason": "not_declared"}, done.get_absolute_url())
    return Reading(State.PARTIAL, Decimal(0), timezone.localtime(latest.ended_at).date(), None,
                   {"declared": False, "reason": "not_valid", "failures": [r.code for r in check(latest).failures]},
                   latest.get_absolute_url())


def yearly(establishments, as_of: datetime.date) -> dict[int, Reading]:
    end = timezone.make_aware(datetime.datetime.combine(as_of + datetime.timedelta(days=1), datetime.time()))
    rows = (Exercise.objects.filter(status=Exercise.Status.ENDED, ended_at__lt=end).select_related("scenario")
            .prefetch_related("participants").order_by("-ended_at", "-id"))
    return {pk: _reading(exercises, as_of) for pk, exercises in by_establishment(rows, establishments).items()
            if exercises}


def register() -> None:
    registry.indicator(Indicator(
        key="exercises.yearly", title=_("Yearly crisis exercise, done and declared"), short=_("Exercise"), order=40,
        compute=yearly, objective="DNS/2025/12", kind="date", group="instruction",
        sources=("exercises.Exercise", "exercises.Participant")))
