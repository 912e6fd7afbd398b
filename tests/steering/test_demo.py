"""`vigie demo` ends with the steering data: every demo establishment's readings and two years of trends,
computed after the other modules' demos (the steering demo is registered last)."""

import pytest
from django.db.models import Sum

from vigie.organisations.demo import load_demo
from vigie.core.indicators import State
from vigie.core.registry import registry
from vigie.organisations.models import Organisation
from vigie.steering.demo import DEMO_MONTHS
from vigie.steering.models import Stale, Summary, Trend


@pytest.mark.django_db
def test_the_demo_fills_the_matrix_and_its_trends(django_capture_on_commit_callbacks):
    assert list(registry.demos)[-1] == "steering"
    with django_capture_on_commit_callbacks(execute=True):
        load_demo()
    brume = Organisation.objects.get(name="Centre hospitalier de Brume")
    assert Summary.objects.count() == 4 * len(registry.indicators)  # three hospitals of the GHT and the clinic
    assert Summary.objects.get(organisation=brume, key="exposure.pair").state == State.HELD
    assert Summary.objects.filter(organisation=brume).exclude(state=State.NEVER).count() >= 4
    assert Trend.objects.values("month").distinct().count() == DEMO_MONTHS + 1
    assert Trend.objects.filter(key="exposure.level").aggregate(s=Sum("holding"))["s"] > 0
    assert not Stale.objects.exists()  # what the demo saved was computed in full: nothing is left to refresh
