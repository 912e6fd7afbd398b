"""Fixtures of the trend, report and export tests: test indicators in place of the modules' (restored afterwards), so the pages
are checked against known readings whatever indicators the modules register."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from vigie.core.indicators import Indicator, Reading, State
from vigie.core.registry import registry

# (indicator key, establishment name) -> the reading its compute() answers; missing: nothing recorded
READINGS: dict[tuple[str, str], Reading] = {}


def _compute(key):
    def compute(establishments, as_of):
        return {org.pk: READINGS[(key, org.name)] for org in establishments if (key, org.name) in READINGS}

    return compute


TEST_INDICATORS = [
    Indicator(key="exposure.level", title="Niveau d'exposition", short="EXP", order=10,
              compute=_compute("exposure.level"), objective="D1.O2.B", kind="level", group="domain1"),
    Indicator(key="directory.level", title="Niveau AD", short="AD", order=20, compute=_compute("directory.level"),
              objective="D1.O1", kind="level", group="domain1"),
    Indicator(key="exercises.yearly", title="Exercice annuel", short="EXE", order=30,
              compute=_compute("exercises.yearly"), objective="DNS/2025/12", group="instruction"),
    Indicator(key="compliance.self_assessment", title="Autoévaluation", short="AUTO", order=40,
              compute=_compute("compliance.self_assessment"), kind="score", group="instruction"),
    Indicator(key="compliance.budget", title="Budget", short="BUD", order=50, compute=_compute("compliance.budget"),
              kind="percent", target=Decimal("2"), group="funding"),
]


@pytest.fixture
def indicators():
    saved = dict(registry.indicators)
    registry.indicators.clear()
    for indicator in TEST_INDICATORS:
        registry.indicator(indicator)
    READINGS.clear()
    yield READINGS
    READINGS.clear()
    registry.indicators.clear()
    registry.indicators.update(saved)


def summary(org, key, state, value=None, on=None, due=None):
    from vigie.steering.models import Summary

    return Summary.objects.create(organisation=org, key=key, state=state, value=value, on=on, due=due,
                                  computed_at=timezone.now())


def trend(node, key, month: datetime.date, holding: int, total: int):
    from vigie.steering.models import Trend

    return Trend.objects.create(organisation=node, key=key, month=month, holding=holding, total=total,
                                computed_at=timezone.now())


HELD, LATE, NEVER = State.HELD, State.LATE, State.NEVER
