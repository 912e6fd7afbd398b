"""Hand-made steering data for the matrix tests: three test indicators registered in place of the real
ones, and `reading()` to store a Summary row directly."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.conftest import make_org
from vigie.core.indicators import Indicator
from vigie.core.registry import registry
from vigie.organisations.finess import with_key
from vigie.steering.models import Summary


def _nothing(establishments, as_of):
    return {}


TEST_INDICATORS = [
    Indicator(key="test.exposure", title="Exposure level", short="EXP", order=1, compute=_nothing, kind="level",
              group="domain1", objective="D1.O2.B"),
    Indicator(key="test.coverage", title="BIA coverage", short="BIA", order=2, compute=_nothing, kind="percent",
              group="domain2", target=Decimal("66")),
    Indicator(key="test.exercise", title="Yearly exercise", short="EXE", order=3, compute=_nothing, kind="date",
              group="instruction"),
]
KEYS = [i.key for i in TEST_INDICATORS]


@pytest.fixture
def indicators(monkeypatch):
    monkeypatch.setattr(registry, "indicators", {i.key: i for i in TEST_INDICATORS})
    return TEST_INDICATORS


def reading(org, key, state, value=None, on=None, due=None, url="", computed_at=None):
    return Summary.objects.create(
        organisation=org, key=key, state=state, value=Decimal(value) if value is not None else None, on=on, due=due,
        url=url, computed_at=computed_at or timezone.now(),
    )


def establishment(parent, name, number: int, share=None):
    return make_org(kind="legal_entity", name=name, parent=parent, finess=with_key(f"{33000000 + number:08d}"),
                    legal_status="public", activity_share=share)


ON = datetime.date(2026, 3, 1)
