"""The live run: injects released exactly at their offsets with a fake clock, held ones not, pauses shift
what is pending, manual release, FINEX; each participant sees only their role's injects; the feed fragment
and the API."""

import datetime
import json

import pytest
from django.urls import reverse

from tests.conftest import login
from tests.exercises.exercise_world import fake_clock, planned_exercise, players
from vigie.accounts.models import ApiToken
from vigie.exercises import run
from vigie.exercises.models import CrisisLog, Exercise, Observation, Participant


def released_titles(exercise):
    return [i.title for i in exercise.injects.filter(state="released").order_by("offset_minutes", "position")]


def offsets(exercise):
    return sorted({i.offset_minutes for i in exercise.injects.all()})


@pytest.mark.django_db
def test_it_releases_each_inject_exactly_at_its_offset(world):
    clock = fake_clock()
    exercise = run.start(planned_exercise(world), world.alice, clock=clock)
    assert exercise.log.kind == CrisisLog.Kind.EXERCISE and exercise.log.entries.count() == 1  # DEBEX entry
    injects = list(exercise.injects.order_by("offset_minutes", "position"))
    assert released_titles(exercise) == [injects[0].title]  # offset 0 at DEBEX
    for inject in injects[1:]:
        clock.current = exercise.started_at + datetime.timedelta(minutes=inject.offset_minutes, seconds=-1)
        assert inject.title not in [i.title for i in run.release_due(exercise, clock=clock)]
        inject.refresh_from_db()
        assert inject.state == "pending", inject.title
        clock.advance(seconds=1)
        run.release_due(exercise, clock=clock)
        inject.refresh_from_db()
        assert inject.state == "released" and inject.released_at == clock.now()


@pytest.mark.django_db
def test_it_never_releases_a_held_inject_on_time_but_the_animator_can(world):
    clock = fake_clock()
    exercise = run.start(planned_exercise(world), world.alice, clock=clock)
    held = exercise.injects.get(offset_minutes=10)
    run.hold(held)
    clock.advance(minutes=60)
    run.release_due(exercise, clock=clock)
    held.refresh_from_db()
    assert held.state == "held"
    assert exercise.injects.filter(offset_minutes__lte=60, state="released").count() == \
        exercise.injects.filter(offset_minutes__lte=60).count() - 1
    run.release_by_hand(held, world.alice, clock=clock)
    held.refresh_from_db()
    assert held.state == "released" and held.released_by_hand is True and held.released_at == clock.now()
    with pytest.raises(run.RunError):
        run.release_by_hand(held, world.alice, clock=clock)


@pytest.mark.django_db
def test_it_shifts_pending_injects_by_the_length_of_a_pause(world):
    clock = fake_clock()
    exercise = run.start(planned_exercise(world), world.alice, clock=clock)
    clock.advance(minutes=5)
    run.pause(exercise, world.alice, clock=clock)
    clock.advance(minutes=30)  # while paused nothing comes out, even past offset 10 and 25
    assert run.release_due(exercise, clock=clock) == []
    run.resume(exercise, world.alice, clock=clock)
    exercise.refresh_from_db()
    assert exercise.paused_seconds == 30 * 60
    ten = exercise.injects.get(offset_minutes=10)
    assert run.due_at(exercise, ten) == exercise.started_at + datetime.timedelta(minutes=40)
    clock.advance(minutes=4, seconds=59)  # playing time 9:59
    run.release_due(exercise, clock=clock)
    ten.refresh_from_db()
    assert ten.state == "pending"
    clock.advance(seconds=1)  # playing time 10:00
    run.release_due(exercise, clock=clock)
    ten.refresh_from_db()
    assert ten.state == "released"


@pytest.mark.django_db
def test_it_ends_at_finex_and_releases_nothing_after(world):
    clock = fake_clock()
    exercise = run.start(planned_exercise(world), world.alice, clock=clock)
    clock.advance(minutes=20)
    exercise = run.finish(exercise, world.alice, clock=clock)
    assert exercise.status == Exercise.Status.ENDED and exercise.ended_at == clock.now()
    assert exercise.log.closed_at is not None
    clock.advance(hours=5)
    assert run.release_due(exercise, clock=clock) == []
    with pytest.raises(run.RunError):
        run.start(exercise, world.alice, clock=clock)


@pytest.mark.django_db
def test_it_shows_each_participant_only_the_injects_for_their_role(world):
    clock = fake_clock()
    exercise = planned_exercise(world)
    users = players(world, exercise, "it", "medical", "communication")
    observer = world.contributor_a
    Participant.objects.create(exercise=exercise, user=observer, function="observer")
    exercise = run.start(exercise, world.alice, clock=clock)
    clock.advance(hours=3)
    run.release_due(exercise, clock=clock)
    everything = set(released_titles(exercise))
    by_role = {role: {i.title for i in run.visible_injects(exercise, user)} for role, user in users.items()}
    for role, titles in by_role.items():
        expected = {i.title for i in exercise.injects.filter(recipient_role__in=[role, "all"])}
        assert titles == expected, role
    assert "Fichiers chiffrés sur les serveurs DPI" in by_role["it"]
    assert "Fichiers chiffrés sur les serveurs DPI" not in by_role["medical"]
    assert "Appel de la presse locale" in by_role["communication"]
    assert {i.title for i in run.visible_injects(exercise, observer)} == everything  # observers see all
    assert not run.visible_injects(exercise, world.auditor_a).exists()  # not a participant


@pytest.mark.django_db
def test_it_serves_the_polled_fragment_with_the_role_s_injects_only(client, world):
    exercise = planned_exercise(world)
    users = players(world, exercise, "medical", "it")
    run.start(exercise, world.alice)
    run.release_by_hand(exercise.injects.get(offset_minutes=10), world.alice)  # to IT
    run.release_by_hand(exercise.injects.get(offset_minutes=45), world.alice)  # to medical
    login(client, users["medical"])
    page = client.get(reverse("exercises:run_play", args=[exercise.uuid])).content.decode()
    assert 'hx-trigger="every 2s"' in page
    fragment = client.get(reverse("exercises:run_feed", args=[exercise.uuid]), HTTP_HX_REQUEST="true")
    body = fragment.content.decode()
    assert "Programme opératoire sans dossiers" in body
    assert "Fichiers chiffrés" not in body
    assert "<html" not in body  # a fragment, not a page


@pytest.mark.django_db
def test_it_releases_due_injects_from_the_periodic_job(world, monkeypatch):
    clock = fake_clock()
    run.start(planned_exercise(world), world.alice, clock=clock)
    clock.advance(minutes=25)
    monkeypatch.setattr(run, "clock", clock)
    from vigie.exercises.tasks import release_due_injects

    assert release_due_injects() == 2  # offsets 10 and 25
    assert release_due_injects() == 0  # each inject once


@pytest.mark.django_db
def test_it_runs_the_exercise_from_the_animator_console(client, world):
    exercise = planned_exercise(world)
    login(client, world.alice)
    client.post(reverse("exercises:run_command", args=[exercise.uuid]), {"command": "start"})
    exercise.refresh_from_db()
    assert exercise.status == "running" and exercise.log_id
    inject = exercise.injects.get(offset_minutes=90)
    client.post(reverse("exercises:inject_hold", args=[inject.uuid]))
    inject.refresh_from_db()
    assert inject.state == "held"
    client.post(reverse("exercises:inject_release", args=[inject.uuid]))
    inject.refresh_from_db()
    assert inject.state == "released"
    console = client.get(reverse("exercises:run_control", args=[exercise.uuid])).content.decode()
    assert "Appel de la presse locale" in console
    client.post(reverse("exercises:run_command", args=[exercise.uuid]), {"command": "finish"})
    exercise.refresh_from_db()
    assert exercise.status == "ended"


@pytest.mark.django_db
def test_it_lets_a_contributor_player_not_drive_the_run(client, world):
    exercise = planned_exercise(world)
    reader = players(world, exercise, "medical")["medical"]
    from vigie.accounts.models import RoleAssignment

    RoleAssignment.objects.filter(user=reader).update(role=10)  # a reader
    login(client, reader)
    response = client.post(reverse("exercises:run_command", args=[exercise.uuid]), {"command": "start"})
    assert response.status_code == 403
    exercise.refresh_from_db()
    assert exercise.status == "planned"


@pytest.mark.django_db
def test_it_records_the_observer_grid_by_page_and_api(client, world):
    exercise = planned_exercise(world)
    Participant.objects.create(exercise=exercise, user=world.auditor_a, function="observer")
    run.start(exercise, world.alice)
    inject = exercise.injects.get(offset_minutes=0)
    login(client, world.auditor_a)
    response = client.post(reverse("exercises:inject_observe", args=[inject.uuid]),
                           {"seen_0": "on", "timing": "late", "comment": "Alerte donnée au bout de 15 min"})
    assert response.status_code == 302
    observation = Observation.objects.get()
    assert (observation.reactions_seen, observation.timing) == ([0], "late")

    _token, raw = ApiToken.issue(world.auditor_a, "test")
    response = client.post(reverse("api:inject_observe", args=[inject.uuid]),
                           json.dumps({"reactions_seen": [0, 1], "timing": "on_time", "comment": "ok"}),
                           content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 200, response.content
    observation.refresh_from_db()
    assert (observation.reactions_seen, observation.comment) == ([0, 1], "ok")
    assert Observation.objects.count() == 1
    # a reader who is not an observer is refused
    _token, raw = ApiToken.issue(world.ars_a, "test")
    response = client.post(reverse("api:inject_observe", args=[inject.uuid]), json.dumps({}),
                           content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 403


@pytest.mark.django_db
def test_it_releases_and_holds_through_the_api(client, world):
    exercise = run.start(planned_exercise(world), world.alice)
    _token, raw = ApiToken.issue(world.alice, "test")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    inject = exercise.injects.get(offset_minutes=60)
    response = client.post(reverse("api:inject_hold", args=[inject.uuid]), content_type="application/json", **auth)
    assert response.status_code == 200 and response.json()["state"] == "held"
    response = client.post(reverse("api:inject_release", args=[inject.uuid]), content_type="application/json", **auth)
    assert response.status_code == 200 and response.json()["state"] == "released"
    response = client.post(reverse("api:inject_release", args=[inject.uuid]), content_type="application/json", **auth)
    assert response.status_code == 409
    library = client.get(reverse("api:scenario_library"), **auth).json()
    assert {s["key"] for s in library} >= {"ransomware-dpi", "telephony-loss"}
