"""The players of a running exercise write in its log, even with only a reader role (or none) on the
platform; before DEBEX and after FINEX they cannot, and nobody else gains anything."""

from tests.conftest import login, make_user
from tests.exercises.exercise_world import fake_clock, planned_exercise
from vigie.core.roles import Role
from vigie.exercises import run
from vigie.exercises.models import LogEntry, Participant


def entry_url(exercise):
    return f"/exercises/logs/{exercise.log.uuid}/append/"


def test_a_reader_playing_the_exercise_writes_in_its_log_while_it_runs(client, world):
    exercise = planned_exercise(world)
    assert exercise.log is None  # no log before DEBEX
    director = make_user("director", (world.hospital_a, Role.READER))
    Participant.objects.create(exercise=exercise, user=director, function="player", role="direction")
    clock = fake_clock()
    run.start(exercise, world.alice, clock=clock)
    exercise.refresh_from_db()
    login(client, director)
    client.post(entry_url(exercise), {"category": "decision", "text": "Déclenchement de la cellule de crise"})
    assert LogEntry.objects.filter(log=exercise.log, author=director).count() == 1

    run.finish(exercise, world.alice, clock=clock)
    assert client.post(entry_url(exercise), {"category": "decision", "text": "après FINEX"}).status_code == 403
    assert LogEntry.objects.filter(log=exercise.log, author=director).count() == 1

    outsider = make_user("outsider", (world.hospital_a, Role.READER))
    client.logout()
    login(client, outsider)
    assert client.post(entry_url(exercise), {"category": "decision", "text": "x"}).status_code == 403
    assert not LogEntry.objects.filter(author=outsider).exists()
