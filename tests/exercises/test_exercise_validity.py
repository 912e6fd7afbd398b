"""Validity as the yearly exercise (DNS/2025/12 action 1): the rules with their reasons, the declaration
record, the deadline completion and the compliance evidence; and the exercise API."""

import datetime
import json

import pytest
from django.urls import reverse
from django.utils import translation

from tests.conftest import login
from tests.exercises.exercise_world import fake_clock, planned_exercise, players
from vigie.accounts.models import ApiToken
from vigie.actions.models import DeadlineCompletion
from vigie.compliance.providers import providers
from vigie.exercises import retex, run, validity
from vigie.exercises.models import Exercise, Participant


def played(world, roles=("direction", "medical", "it", "communication"), **fields):
    clock = fake_clock()
    exercise = planned_exercise(world, **fields)
    players(world, exercise, *roles)
    exercise = run.start(exercise, world.alice, clock=clock)
    clock.advance(hours=3)
    return run.finish(exercise, world.alice, clock=clock)


def failing(exercise):
    return {rule.code: rule.reason for rule in validity.check(exercise).failures}


@pytest.mark.django_db
def test_it_refuses_a_pure_it_test_with_the_reason(world):
    exercise = played(world, pure_it_test=True, format="field_test")
    retex.record_cold_retex(exercise, strengths="", weaknesses="")
    verdict = validity.check(exercise)
    assert verdict.valid is False
    assert failing(exercise) == {
        "not_pure_it": "Un test purement informatique (restauration, bascule, reprise informatique) ne compte pas "
                       "comme l'exercice de crise annuel."}  # French first: the reason as users read it


@pytest.mark.django_db
def test_it_requires_general_management_and_the_business_side(world):
    exercise = played(world, roles=("it", "technical"))
    retex.record_cold_retex(exercise, strengths="", weaknesses="")
    reasons = failing(exercise)
    assert set(reasons) == {"direction", "business"}
    assert "un exercice limité à l'informatique ne compte pas" in reasons["business"]
    with translation.override("en"):
        assert "an IT-only exercise does not count" in failing(exercise)["business"]


@pytest.mark.django_db
def test_it_requires_a_cyber_trigger_finex_and_the_cold_retex(world):
    exercise = planned_exercise(world, cyber_trigger=False)
    players(world, exercise, "direction", "care")
    assert set(failing(exercise)) == {"cyber_trigger", "played", "retex"}


@pytest.mark.django_db
def test_it_shows_the_rules_on_the_exercise_page(client, world):
    exercise = played(world, pure_it_test=True)
    login(client, world.alice)
    page = client.get(exercise.get_absolute_url()).content.decode()
    assert "Un test purement informatique" in page


@pytest.mark.django_db
def test_it_counts_a_valid_declared_exercise_for_the_deadline_and_the_evidence(client, world):
    exercise = played(world)
    login(client, world.alice)
    client.post(reverse("exercises:retex_save", args=[exercise.uuid]), {
        "hot_debrief": "À chaud", "strengths": "Réactivité", "weaknesses": "Annuaire",
        "retex_done_on": exercise.ended_at.date().isoformat()})
    exercise.refresh_from_db()
    assert exercise.retex_done_on is not None
    assert not DeadlineCompletion.objects.exists()  # valid, but not declared yet
    client.post(reverse("exercises:declare", args=[exercise.uuid]),
                {"declared_on": exercise.ended_at.date().isoformat(), "reference": "OSIS-2026-0042"})
    exercise.refresh_from_db()
    assert (exercise.declaration_reference, validity.check(exercise).valid) == ("OSIS-2026-0042", True)
    completion = DeadlineCompletion.objects.get()
    assert (completion.deadline, completion.done_on, completion.organisation_id) == (
        "crisis-exercise", exercise.ended_at.date(), world.hospital_a.pk)

    [provider] = providers.for_reference("dns-2025-12:A1")
    assert "care-d2:D2.O1.D" in provider.references
    records = provider.fetch(world.hospital_a, None, exercise.ended_at.date())
    assert [(r.title, r.date) for r in records] == [(exercise.title, exercise.ended_at.date())]
    assert "OSIS-2026-0042" in records[0].detail
    assert provider.fetch(world.hospital_b, None, exercise.ended_at.date()) == []
    assert provider.fetch(world.hospital_a, None, exercise.ended_at.date() - datetime.timedelta(days=1)) == []


@pytest.mark.django_db
def test_it_does_not_count_a_declared_pure_it_test(world):
    exercise = played(world, pure_it_test=True)
    retex.record_cold_retex(exercise, strengths="", weaknesses="")
    validity.declare(exercise, declared_on=exercise.ended_at.date(), reference="REF-1")
    assert not DeadlineCompletion.objects.exists()
    [provider] = providers.for_reference("dns-2025-12:A1")
    assert provider.fetch(world.hospital_a, None, exercise.ended_at.date()) == []


@pytest.mark.django_db
def test_it_plans_and_lists_exercises_with_participants_by_role(client, world):
    login(client, world.alice)
    response = client.post(reverse("exercises:exercise_create"), {
        "organisation": world.hospital_a.uuid, "title": "Exercice cyber 2026", "kit_level": "confirmed",
        "format": "simulation", "objectives": "Tester l'alerte", "scope": "Urgences, bloc",
        "planned_for": "2026-06-12T09:00", "cyber_trigger": "on"})
    assert response.status_code == 302
    exercise = Exercise.objects.get(title="Exercice cyber 2026")
    for data in ({"function": "player", "role": "direction", "user": world.alice.pk},
                 {"function": "player", "role": "communication", "name": "M. Presse", "affiliation": "Agence"},
                 {"function": "observer", "name": "Dr Observateur", "affiliation": "ARS"}):
        assert client.post(reverse("exercises:participant_add", args=[exercise.uuid]), data).status_code == 302
    assert exercise.participants.count() == 3
    client.post(reverse("exercises:participant_add", args=[exercise.uuid]), {"function": "player"})
    assert exercise.participants.count() == 3  # neither a user nor a name: refused
    page = client.get(reverse("exercises:exercise_list")).content.decode()
    assert "Exercice cyber 2026" in page
    assert client.get(exercise.get_absolute_url()).status_code == 200
    external = Participant.objects.get(name="M. Presse")
    client.post(reverse("exercises:participant_delete", args=[external.uuid]))
    assert exercise.participants.count() == 2


@pytest.mark.django_db
def test_it_creates_reads_and_patches_exercises_through_the_api(client, world):
    from vigie.exercises.scenarios import copy_to

    scenario = copy_to(world.hospital_a, "saas-outage")
    _token, raw = ApiToken.issue(world.alice, "test")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    response = client.post(reverse("api:exercise_create"), json.dumps({
        "organisation": str(world.hospital_a.uuid), "title": "Panne prestataire", "scenario": str(scenario.uuid),
        "format": "tabletop"}), content_type="application/json", **auth)
    assert response.status_code == 201, response.content
    uuid = response.json()["uuid"]
    response = client.patch(reverse("api:exercise_update", args=[uuid]), json.dumps({"pure_it_test": True}),
                            content_type="application/json", **auth)
    assert response.status_code == 200
    body = client.get(reverse("api:exercise_get", args=[uuid]), **auth).json()
    assert body["pure_it_test"] is True and body["valid"] is False
    assert {r["code"] for r in body["validity"] if not r["ok"]} >= {"not_pure_it", "direction", "business"}
    listed = client.get(reverse("api:exercise_list"), **auth).json()
    assert [e["uuid"] for e in listed] == [uuid]
    response = client.patch(reverse("api:exercise_update", args=[uuid]), json.dumps({"format": "karaoke"}),
                            content_type="application/json", **auth)
    assert response.status_code == 422
