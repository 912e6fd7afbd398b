"""The home page's "what is late for me": hand-made deadlines, actions and readings, counted for the
user's subtree only, each linked to where it is fixed, in a fixed number of queries."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.conftest import login, make_org
from vigie.actions import services as actions
from vigie.actions.models import Action, DeadlineCompletion
from vigie.core.indicators import Indicator, State
from vigie.core.registry import registry
from vigie.organisations.finess import with_key
from vigie.organisations.models import Organisation
from vigie.steering.late import late_for
from vigie.steering.models import Summary

TODAY = timezone.localdate()


@pytest.fixture
def audit_indicator(monkeypatch):
    monkeypatch.setattr(registry, "indicators", {})
    registry.indicator(Indicator(key="test.audit", title="Audit AD trimestriel", short="AD", order=1,
                                 compute=lambda orgs, as_of: {}))
    return registry.indicators["test.audit"]


def reading(org, state, due, key="test.audit", url=""):
    return Summary.objects.create(organisation=org, key=key, state=state, due=due, url=url,
                                  value=Decimal(1), computed_at=timezone.now())


def overdue_action(org, title, days_late, status="open"):
    return Action.objects.create(organisation=org, title=title, status=status,
                                 due=TODAY - datetime.timedelta(days=days_late))


# --- CaRE deadlines, counted by the database, agree with the per-organisation rules ----------------------


@pytest.mark.parametrize("today", [datetime.date(2025, 2, 10), datetime.date(2026, 1, 20),
                                   datetime.date(2026, 6, 29), datetime.date(2027, 3, 1)])
def test_deadline_counts_agree_with_the_status_of_each_organisation(world, today):
    DeadlineCompletion.objects.create(organisation=world.hospital_a, deadline="crisis-exercise",
                                      done_on=datetime.date(2025, 6, 1))
    DeadlineCompletion.objects.create(organisation=world.clinic, deadline="crisis-exercise",
                                      done_on=datetime.date(2026, 1, 5))
    DeadlineCompletion.objects.create(organisation=world.ght_a, deadline="ad-audit", done_on=datetime.date(2026, 5, 2))
    DeadlineCompletion.objects.create(organisation=world.hospital_b, deadline="ad-audit",
                                      done_on=datetime.date(2026, 1, 2))
    for user in (world.national_admin, world.ars_a, world.ght_manager, world.alice):
        expected: dict[tuple[str, str], int] = {}
        organisations = actions.applicable_organisations(Organisation.objects.for_user(user))
        for _org, states in actions.statuses_for(organisations, today):
            for status, _last in states:
                late = status.state == "late"
                if late or (status.state == "due" and status.days_left(today) <= 30):
                    key = (status.deadline.code, status.state)
                    expected[key] = expected.get(key, 0) + 1
        counted = {(item.deadline.code, item.state): item.count for item in actions.deadline_counts(user, today)}
        assert counted == expected, user.username


def test_deadline_counts_put_late_first(world):
    today = datetime.date(2026, 3, 20)  # every yearly and quarterly deadline of 2025 was missed
    items = actions.deadline_counts(world.national_admin, today)
    states = [item.state for item in items]
    assert "late" in states and states == sorted(states, key=lambda s: s != "late")


# --- PAQ actions overdue ----------------------------------------------------------------------------------


def test_overdue_actions_are_counted_in_the_subtree_and_the_most_urgent_listed(world):
    oldest = overdue_action(world.hospital_a, "Fermer le RDP exposé", 40)
    overdue_action(world.hospital_a, "Changer le mot de passe krbtgt", 3)
    overdue_action(world.hospital_a, "Action close", 50, status="done")
    Action.objects.create(organisation=world.hospital_a, title="Pas encore due", due=TODAY + datetime.timedelta(days=3))
    overdue_action(world.hospital_b, "Action de CH B", 60)
    count, urgent = actions.overdue_actions(world.ght_manager, TODAY, top=1)
    assert count == 2
    assert urgent == [oldest]
    assert actions.overdue_actions(world.national_admin, TODAY)[0] == 3


# --- readings late or lapsing -----------------------------------------------------------------------------


def test_readings_are_grouped_per_indicator_and_state_and_the_urgent_ones_sorted_by_due(world, audit_indicator):
    reading(world.hospital_a, State.LATE, TODAY - datetime.timedelta(days=10), url="/directory/a/")
    reading(world.clinic, State.LATE, TODAY - datetime.timedelta(days=90))
    reading(world.hospital_b, State.DUE, TODAY + datetime.timedelta(days=12))
    reading(world.hospital_a, State.HELD, TODAY + datetime.timedelta(days=200), key="test.other")
    found = late_for(world.national_admin, TODAY)
    assert [(g.key, g.state, g.count) for g in found["reading_groups"]] == [
        ("test.audit", "late", 2), ("test.audit", "due", 1)]
    assert found["reading_groups"][0].due == TODAY - datetime.timedelta(days=90)
    assert [r.organisation for r in found["urgent_readings"]] == [world.clinic, world.hospital_a, world.hospital_b]
    ars = late_for(world.ars_a, TODAY)  # region A: hospital A and the clinic, not hospital B
    assert [(g.state, g.count) for g in ars["reading_groups"]] == [("late", 2)]


def test_a_reading_due_beyond_the_warning_window_is_not_shown(world, audit_indicator):
    reading(world.hospital_a, State.DUE, TODAY + datetime.timedelta(days=31))
    assert late_for(world.alice, TODAY)["reading_groups"] == []


# --- the page ---------------------------------------------------------------------------------------------


def test_the_home_page_links_each_late_item_to_where_it_is_fixed(client, world, audit_indicator):
    action = overdue_action(world.hospital_a, "Fermer le RDP exposé", 40)
    overdue_action(world.hospital_b, "Action de CH B", 60)
    reading(world.hospital_a, State.LATE, TODAY - datetime.timedelta(days=10), url="/directory/fix-here/")
    reading(world.hospital_b, State.LATE, TODAY - datetime.timedelta(days=10), url="/directory/not-mine/")
    body = login(client, world.alice).get("/").content.decode()
    assert 'id="late-title"' in body
    assert f'href="{action.get_absolute_url()}"' in body
    assert 'href="/actions/?overdue=on"' in body
    assert "1 action en retard sur son échéance" in body
    assert 'href="/directory/fix-here/"' in body
    assert "1 établissement : Audit AD trimestriel en retard" in body
    assert "/directory/not-mine/" not in body and "Action de CH B" not in body
    assert 'href="/actions/deadlines/"' in body  # yearly deadlines of a hospital with nothing recorded
    assert "1 organisation en retard : Exercice de crise cyber annuel" in body  # nothing in 2025 nor since


def test_a_reading_without_its_own_page_links_to_the_establishment(client, world, audit_indicator):
    reading(world.hospital_a, State.LATE, TODAY - datetime.timedelta(days=1))
    body = login(client, world.alice).get("/").content.decode()
    assert f'href="{world.hospital_a.get_absolute_url()}">CH A — Audit AD trimestriel</a>' in body


def test_the_home_page_says_when_nothing_is_late(client, world, audit_indicator, monkeypatch):
    monkeypatch.setattr(actions, "deadline_counts", lambda user, today, window_days=30: [])
    body = login(client, world.auditor_a).get("/").content.decode()
    assert "Rien n’est en retard" in body


def _grow(world, establishments: int, actions_each: int, stamp: str) -> None:
    """More GHTs, establishments, overdue actions and late readings under region A."""
    for number in range(establishments):
        ght = make_org(kind="ght", name=f"GHT {stamp}{number}", parent=world.region_a)
        org = make_org(kind="legal_entity", name=f"CH {stamp}{number}", parent=ght, legal_status="public",
                       finess=with_key(f"13{stamp}{number:05d}"[:8]))
        for index in range(actions_each):
            overdue_action(org, f"Action {index}", index + 1)
        reading(org, State.LATE, TODAY - datetime.timedelta(days=number + 1))
        reading(org, State.DUE, TODAY + datetime.timedelta(days=number + 1), key="test.other")
        DeadlineCompletion.objects.create(organisation=org, deadline="crisis-exercise", done_on=TODAY)


def _queries(client, path="/") -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


def test_the_home_page_runs_a_fixed_number_of_queries_whatever_the_subtree(client, world, audit_indicator):
    registry.indicator(Indicator(key="test.other", title="Sauvegardes", short="S", order=2,
                                 compute=lambda orgs, as_of: {}))
    login(client, world.national_admin)
    _grow(world, 2, 2, "1")
    few = _queries(client)
    _grow(world, 12, 6, "2")
    many = _queries(client)
    assert many == few
    assert many <= 30
    body = client.get("/").content.decode()
    assert "14 établissements : Audit AD trimestriel en retard" in body
    assert body.count('class="badge state-late">échue') <= 5  # only the most urgent few, one by one
