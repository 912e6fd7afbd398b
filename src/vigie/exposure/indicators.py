"""Steering indicators of internet exposure (CaRE D1.O2.B), for establishments and their sites.

- `exposure.level`: the summary level of the latest audit (audits.level_of), the lowest among the
  establishment's audited units (itself, its sites); the level shows as held for PAIR_MAX_DAYS after it,
  the longest gap D1.O2.B allows between two audits.
- `exposure.pair`: the D1.O2.B pair (audits.care_pairs' rule: two audits at the minimum level 45 to 60 days
  apart, none below it since). A pair holds PAIR_MAX_DAYS after its second audit: the next audit that
  renews it is due by then. Broken (an audit fell below the minimum since) or lapsed: late; audits at the
  level but no pair yet: partial.
"""

import datetime
from decimal import Decimal

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from vigie.core.indicators import Indicator, Reading, State, by_unit, freshness
from vigie.core.registry import registry
from vigie.organisations.services import by_establishment

from .audits import MIN_LEVEL, PAIR_MAX_DAYS, holding, pair_among
from .models import Audit

SOURCES = ("exposure.Audit",)


def _url(org) -> str:
    return reverse("exposure:organisation", args=[org.uuid])


def level_reading(audits: list[Audit], as_of: datetime.date, url: str) -> Reading:
    last = audits[0]
    due = last.performed_on + datetime.timedelta(days=PAIR_MAX_DAYS)
    state = freshness(due, as_of)
    if state != State.LATE and last.level < MIN_LEVEL:
        state = State.PARTIAL
    return Reading(state, Decimal(last.level), last.performed_on, due, {"level": last.level, "audits": len(audits)},
                   url)


def pair_reading(audits: list[Audit], as_of: datetime.date, url: str) -> Reading:
    held = holding(audits)
    pair = pair_among(held[:100])
    if pair is not None:
        due = pair.second.performed_on + datetime.timedelta(days=PAIR_MAX_DAYS)
        return Reading(freshness(due, as_of), Decimal(pair.days), pair.second.performed_on, due,
                       {"first": pair.first.performed_on.isoformat(), "second": pair.second.performed_on.isoformat(),
                        "days": pair.days, "reason": "pair"}, url)
    if audits[0].level < MIN_LEVEL:
        return Reading(State.LATE, None, audits[0].performed_on, audits[0].performed_on,
                       {"level": audits[0].level, "reason": "below_minimum"}, url)
    return Reading(State.PARTIAL, None, held[0].performed_on, None, {"holding": len(held), "reason": "no_pair"}, url)


def _compute(establishments, as_of: datetime.date, reading) -> dict[int, Reading]:
    """`reading` of each unit's audits up to `as_of` (newest first), in one query."""
    urls = {org.pk: _url(org) for org in establishments}
    rows = Audit.objects.filter(performed_on__lte=as_of).order_by("-performed_on", "-id").only(
        "id", "organisation_id", "performed_on", "level")
    return by_unit(by_establishment(rows, establishments), lambda audit: audit.organisation_id,
                   lambda pk, audits: reading(audits, as_of, urls[pk]))


def levels(establishments, as_of: datetime.date) -> dict[int, Reading]:
    return _compute(establishments, as_of, level_reading)


def pairs(establishments, as_of: datetime.date) -> dict[int, Reading]:
    return _compute(establishments, as_of, pair_reading)


def register() -> None:
    registry.indicator(Indicator(
        key="exposure.level", title=_("Internet exposure level"), short=_("Exposure"), order=10, compute=levels,
        objective="D1.O2.B", kind="level", target=Decimal(MIN_LEVEL), group="domain1", sources=SOURCES))
    registry.indicator(Indicator(
        key="exposure.pair", title=_("Exposure level held (two audits 45 to 60 days apart)"), short=_("D1.O2.B"),
        order=11, compute=pairs, objective="D1.O2.B", kind="state", group="domain1", sources=SOURCES))
