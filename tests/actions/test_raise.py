"""The hook other modules call: raise_action() and close_action()."""

import datetime

import pytest
from django.db import IntegrityError

from vigie.actions import services
from vigie.actions.models import Action, Priority, Source, Status
from vigie.actions.services import close_action, raise_action

from .conftest import make_action


def _raise(world, key="exposure:finding:1", **extra):
    values = {"organisation": world.hospital_a, "source": Source.FINDING, "source_key": key,
              "title": "Port RDP exposé", "priority": Priority.HIGH}
    values.update(extra)
    return raise_action(**values)


def test_it_creates_the_action_once_and_returns_it_again(world):
    action, created = _raise(world)
    again, created_again = _raise(world, title="Another title", priority=Priority.LOW)
    assert (created, created_again) == (True, False)
    assert again.pk == action.pk
    again.refresh_from_db()
    assert again.title == "Port RDP exposé"  # raising again updates nothing
    assert again.priority == Priority.HIGH
    assert Action.objects.count() == 1


def test_it_tells_organisations_and_sources_apart(world):
    _raise(world)
    _raise(world, organisation=world.site_a)
    _raise(world, source=Source.AUDIT_CHECK)
    assert Action.objects.count() == 3


def test_it_gives_a_due_date_from_the_priority_when_none_is_given(world):
    action, _ = _raise(world, priority=Priority.CRITICAL)
    assert action.due == datetime.date.today() + datetime.timedelta(days=15)
    dated, _ = _raise(world, key="k2", due=datetime.date(2027, 1, 1))
    assert dated.due == datetime.date(2027, 1, 1)


def test_it_reopens_a_done_action_with_a_note(world):
    action, _ = _raise(world)
    services.change_status(action, Status.DONE, world.alice)
    again, created = _raise(world)
    again.refresh_from_db()
    assert created is False
    assert again.status == Status.OPEN
    assert again.closed_at is None
    assert "again" in again.notes.last().text or "nouveau" in again.notes.last().text


def test_it_leaves_a_cancelled_action_cancelled(world):
    action, _ = _raise(world)
    services.change_status(action, Status.CANCELLED, world.alice)
    again, created = _raise(world)
    again.refresh_from_db()
    assert (created, again.status) == (False, Status.CANCELLED)


def test_it_answers_with_the_surviving_action_of_a_merge(world):
    first, _ = _raise(world, key="a")
    second, _ = _raise(world, key="b")
    services.merge_actions(first, [second], world.alice)
    found, created = _raise(world, key="b")
    assert (found.pk, created) == (first.pk, False)


def test_it_survives_a_concurrent_insert(world, monkeypatch):
    """The loser of a race reads the winner's row instead of failing."""
    winner = make_action(world, source=Source.FINDING, source_key="race")
    real_find = services._find
    calls = []

    def find_nothing_first(*args):
        calls.append(args)
        return None if len(calls) == 1 else real_find(*args)

    monkeypatch.setattr(services, "_find", find_nothing_first)
    action, created = _raise(world, key="race")
    assert (action.pk, created) == (winner.pk, False)


def test_the_database_refuses_a_duplicate_key(world):
    make_action(world, source=Source.FINDING, source_key="dup")
    with pytest.raises(IntegrityError):
        make_action(world, source=Source.FINDING, source_key="dup")


def test_it_refuses_a_missing_key_or_an_unknown_source(world):
    with pytest.raises(ValueError):
        _raise(world, key="")
    with pytest.raises(ValueError):
        _raise(world, source="rumour")


def test_close_action_marks_it_done_with_the_reason(world):
    action, _ = _raise(world)
    closed = close_action(world.hospital_a, Source.FINDING, "exposure:finding:1", reason="retest clean")
    closed.refresh_from_db()
    assert closed.status == Status.DONE
    assert closed.closed_at is not None
    assert "retest clean" in closed.notes.last().text


def test_close_action_leaves_closed_and_unknown_ones_alone(world):
    assert close_action(world.hospital_a, Source.FINDING, "nothing") is None
    action, _ = _raise(world)
    services.change_status(action, Status.CANCELLED, world.alice)
    close_action(world.hospital_a, Source.FINDING, "exposure:finding:1")
    action.refresh_from_db()
    assert action.status == Status.CANCELLED


def test_close_action_on_a_merged_key_notes_the_survivor_and_keeps_it_open(world):
    first, _ = _raise(world, key="a")
    second, _ = _raise(world, key="b")
    services.merge_actions(first, [second], world.alice)
    survivor = close_action(world.hospital_a, Source.FINDING, "b", reason="fixed")
    survivor.refresh_from_db()
    assert survivor.pk == first.pk
    assert survivor.status == Status.OPEN
    assert "fixed" in survivor.notes.last().text
