"""The list page: filters in SQL, scoping, pagination, overdue highlighted; and the calendar."""

import datetime

from django.urls import reverse

from tests.conftest import login
from vigie.actions.models import Status

from .conftest import make_action


def titles(response):
    return [a.title for a in response.context["page_obj"]]


def test_it_lists_only_what_the_user_may_see(client, world):
    make_action(world, title="Action de A")
    make_action(world, title="Action de B", organisation=world.hospital_b)
    response = login(client, world.alice).get(reverse("actions:list"))
    assert titles(response) == ["Action de A"]
    assert "Action de B" not in response.text
    response = login(client, world.bob).get(reverse("actions:list"))
    assert titles(response) == ["Action de B"]


def test_it_filters_by_status_priority_source_and_owner(client, world):
    make_action(world, title="Ouverte critique", priority="critical", owner=world.alice)
    make_action(world, title="Finie", status=Status.DONE, source="finding", source_key="k")
    make_action(world, title="En cours", status=Status.IN_PROGRESS, owner=world.contributor_a)
    login(client, world.alice)
    get = lambda **q: titles(client.get(reverse("actions:list"), q))  # noqa: E731
    assert get(status="done") == ["Finie"]
    assert sorted(get(status="active")) == ["En cours", "Ouverte critique"]
    assert get(priority="critical") == ["Ouverte critique"]
    assert get(source="finding") == ["Finie"]
    assert get(owner=str(world.contributor_a.uuid)) == ["En cours"]
    assert get(mine="on") == ["Ouverte critique"]
    assert get(q="FINIE") == ["Finie"]


def test_it_filters_overdue_and_highlights_them(client, world):
    yesterday = datetime.date.today() - datetime.timedelta(days=1)
    make_action(world, title="En retard", due=yesterday)
    make_action(world, title="Pas en retard", due=datetime.date.today() + datetime.timedelta(days=3))
    make_action(world, title="Finie en retard", due=yesterday, status=Status.DONE)
    response = login(client, world.alice).get(reverse("actions:list"), {"overdue": "on"})
    assert titles(response) == ["En retard"]
    assert 'class="overdue"' in response.text


def test_it_filters_by_organisation_subtree(client, world):
    make_action(world, title="Hôpital", organisation=world.hospital_a)
    make_action(world, title="Site", organisation=world.site_a)
    make_action(world, title="Clinique", organisation=world.clinic)
    login(client, world.ars_a)
    assert sorted(titles(client.get(reverse("actions:list")))) == ["Clinique", "Hôpital", "Site"]
    response = client.get(reverse("actions:list"), {"organisation": str(world.hospital_a.uuid)})
    assert sorted(titles(response)) == ["Hôpital", "Site"]
    refused = client.get(reverse("actions:list"), {"organisation": str(world.hospital_b.uuid)})
    assert refused.context["filters"].errors  # not a choice: B is not visible


def test_it_orders_by_due_date_and_paginates(client, world):
    for day in range(60):
        make_action(world, title=f"A{day:02}", due=datetime.date(2026, 1, 1) + datetime.timedelta(days=day))
    login(client, world.alice)
    first = client.get(reverse("actions:list"))
    assert titles(first)[:2] == ["A00", "A01"]
    assert len(titles(first)) == 50
    assert titles(client.get(reverse("actions:list"), {"page": 2})) == [f"A{d}" for d in range(50, 60)]


def test_the_calendar_places_actions_on_their_due_day(client, world):
    make_action(world, title="Le 10 juin", due=datetime.date(2026, 6, 10))
    make_action(world, title="En juillet", due=datetime.date(2026, 7, 10))
    make_action(world, title="Chez B", due=datetime.date(2026, 6, 10), organisation=world.hospital_b)
    response = login(client, world.alice).get(reverse("actions:calendar"), {"month": "2026-06"})
    assert response.status_code == 200
    days = {day: [a.title for a in actions] for week in response.context["weeks"] for day, actions, _more in week}
    assert days[datetime.date(2026, 6, 10)] == ["Le 10 juin"]
    assert "En juillet" not in response.text and "Chez B" not in response.text
    assert response.context["previous"] == "2026-05" and response.context["following"] == "2026-07"
    assert login(client, world.alice).get(reverse("actions:calendar"), {"month": "junk"}).status_code == 200


def test_the_calendar_shows_a_few_actions_a_day_and_how_many_more_with_fixed_queries(client, world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from vigie.actions.views.lists import CALENDAR_PER_DAY

    day = datetime.date(2026, 6, 10)
    make_action(world, title="Seule", due=datetime.date(2026, 6, 11))
    login(client, world.national_admin)

    def shown():
        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse("actions:calendar"), {"month": "2026-06"})
        cells = {d: ([a.title for a in actions], more) for week in response.context["weeks"] for d, actions, more in week}
        return len(captured), cells, response.text

    few, cells, _ = shown()
    assert cells[datetime.date(2026, 6, 11)] == (["Seule"], 0)
    make_action(world, title="Critique", due=day, priority="critical")
    for n in range(CALENDAR_PER_DAY + 2):
        make_action(world, title=f"Basse {n}", due=day, priority="low",
                    organisation=world.hospital_b if n % 2 else world.hospital_a)
    many, cells, page = shown()
    assert many == few
    titles, more = cells[day]
    assert titles[0] == "Critique" and len(titles) == CALENDAR_PER_DAY and more == 3
    assert "et 3 autres" in page


def test_the_list_and_board_cost_the_same_queries_whatever_the_number_of_actions(client, world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    login(client, world.national_admin)

    def queries():
        counts = []
        for name in ("actions:list", "actions:board"):
            with CaptureQueriesContext(connection) as captured:
                assert client.get(reverse(name)).status_code == 200
            counts.append(len(captured))
        return counts

    make_action(world, title="Première")
    few = queries()
    for n in range(6):
        make_action(world, title=f"Action {n}", due=datetime.date(2026, 6, 1 + n), priority=("low", "critical")[n % 2],
                    organisation=(world.hospital_a, world.hospital_b, world.clinic)[n % 3],
                    status=(Status.OPEN, Status.IN_PROGRESS, Status.DONE)[n % 3])
    assert queries() == few
    response = client.get(reverse("actions:list"))
    assert titles(response)[:6] == [f"Action {n}" for n in range(6)]  # by due date, the undated one last
    assert titles(response)[-1] == "Première"
