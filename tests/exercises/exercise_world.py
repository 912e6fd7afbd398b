"""Helpers shared by the exercise tests: a planned exercise with a library scenario and its participants."""

import datetime

from tests.conftest import make_user
from vigie.core.roles import Role
from vigie.exercises import run
from vigie.exercises.models import Exercise, Participant
from vigie.exercises.scenarios import copy_to

T0 = datetime.datetime(2026, 3, 10, 9, 0, tzinfo=datetime.UTC)


def planned_exercise(world, key="ransomware-dpi", **fields) -> Exercise:
    scenario = copy_to(world.hospital_a, key)
    fields.setdefault("title", "Exercice annuel 2026")
    return Exercise.objects.create(organisation=world.hospital_a, scenario=scenario, created_by=world.alice, **fields)


def players(world, exercise, *roles):
    """One platform user per role, each a contributor on hospital A and a player of the exercise."""
    users = {}
    for role in roles:
        user = make_user(f"player_{role}", (world.hospital_a, Role.CONTRIBUTOR))
        Participant.objects.create(exercise=exercise, user=user, function="player", role=role)
        users[role] = user
    return users


def fake_clock() -> run.FakeClock:
    return run.FakeClock(T0)
