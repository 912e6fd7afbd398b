"""Lists that stopped silently at their first 200 or 500 rows now page through every row and say how many
there are (core.paging, template core/_paging.html), for the same queries on every page."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.conftest import login
from tests.factories import make
from vigie.core.paging import PER_PAGE

pytestmark = pytest.mark.django_db

LISTS = [  # (route, model built by tests/factories.py, how a row is seen in the page)
    ("exercises:exercise_list", "exercises.Exercise", "get_absolute_url"),
    ("exercises:log_list", "exercises.CrisisLog", "get_absolute_url"),
    ("compliance:assessment_list", "compliance.Assessment", "get_absolute_url"),
    ("continuity:application_list", "continuity.Application", "get_absolute_url"),
    ("continuity:component_list", "continuity.Component", "get_absolute_url"),
]


@pytest.mark.parametrize("route, label, seen", LISTS)
def test_a_list_pages_every_row_with_its_total(client, world, route, label, seen):
    from django.apps import apps

    model = apps.get_model(label)
    rows = [make(model, world, "a") for _ in range(PER_PAGE + 3)]
    if label == "continuity.Component":  # each with its team: the list read every team by itself
        from vigie.continuity.models import Team

        for n, row in enumerate(rows):
            row.team = Team.objects.create(organisation=row.organisation, name=f"Équipe {n}")
            row.save()
    login(client, world.alice)
    found, cost = set(), set()
    for number in (1, 2):
        with CaptureQueriesContext(connection) as captured:
            page = client.get(reverse(route), {"page": number}).content.decode()
        cost.add(len(captured))
        assert f"{len(rows)} au total" in page
        assert f"Page {number} sur 2" in page
        found |= {row.pk for row in rows if getattr(row, seen)() in page}
    assert found == {row.pk for row in rows}
    assert len(cost) == 1, cost
