"""Status transitions, the journal they write, and the overdue rule."""

import datetime

import pytest

from vigie.actions import services
from vigie.actions.models import Action, Status

from .conftest import make_action


def test_it_moves_along_allowed_transitions_and_journals_them(world):
    action = make_action(world)
    services.change_status(action, Status.IN_PROGRESS, world.alice)
    services.change_status(action, Status.DONE, world.alice)
    action.refresh_from_db()
    assert action.status == Status.DONE
    assert action.closed_at is not None
    assert [n.author for n in action.notes.all()] == [world.alice, world.alice]
    services.change_status(action, Status.OPEN, world.alice)
    action.refresh_from_db()
    assert action.closed_at is None


def test_it_refuses_a_transition_that_is_not_allowed(world):
    action = make_action(world, status=Status.CANCELLED)
    with pytest.raises(services.Refused):
        services.change_status(action, Status.DONE, world.alice)
    action.refresh_from_db()
    assert action.status == Status.CANCELLED
    assert action.notes.count() == 0


def test_a_merged_action_is_frozen(world):
    survivor, duplicate = make_action(world), make_action(world, title="Doublon")
    services.merge_actions(survivor, [duplicate], world.alice)
    duplicate.refresh_from_db()
    assert duplicate.allowed_statuses() == []
    with pytest.raises(services.Refused):
        services.change_status(duplicate, Status.OPEN, world.alice)


def test_overdue_means_active_and_past_its_due_date(world):
    today = datetime.date(2026, 5, 15)
    late = make_action(world, due=datetime.date(2026, 5, 14))
    make_action(world, due=datetime.date(2026, 5, 15))
    make_action(world, due=datetime.date(2026, 5, 1), status=Status.DONE)
    make_action(world, due=None)
    assert list(Action.objects.overdue(today)) == [late]
    assert late.is_overdue(today) is True
    assert late.is_overdue(datetime.date(2026, 5, 14)) is False


def test_the_owner_must_hold_a_role_on_the_organisation_or_above(world):
    from django.core.exceptions import ValidationError

    action = make_action(world, owner=world.bob)
    with pytest.raises(ValidationError, match="owner"):
        action.full_clean()
    action.owner = world.ght_manager  # a role on the GHT above hospital A
    action.full_clean()
