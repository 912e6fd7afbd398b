"""RETEX: the cold-RETEX reminder through the action plan, lessons becoming actions, the PDF report."""

import datetime
import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from tests.conftest import login
from tests.exercises.exercise_world import fake_clock, planned_exercise, players
from vigie.actions.models import Action, Source
from vigie.exercises import log as crisis_log
from vigie.exercises import retex, run
from vigie.exercises.models import Observation, Participant


def ended(world, **fields):
    clock = fake_clock()
    exercise = planned_exercise(world, **fields)
    users = players(world, exercise, "direction", "medical", "it")
    exercise = run.start(exercise, world.alice, clock=clock)
    crisis_log.append_entry(exercise.log, author=users["direction"], category="decision",
                            text="Activation de la cellule de crise et passage en mode dégradé")
    clock.advance(minutes=30)
    run.release_due(exercise, clock=clock)
    return run.finish(exercise, world.alice, clock=clock), users


@pytest.mark.django_db
def test_it_schedules_the_cold_retex_within_30_days_on_the_action_plan(world):
    exercise, _users = ended(world)
    assert exercise.retex_due == exercise.ended_at.date() + datetime.timedelta(days=30)
    reminder = Action.objects.get(source=Source.EXERCISE_LESSON, source_key=retex.reminder_key(exercise))
    assert reminder.due == exercise.retex_due and reminder.status == "open"
    retex.record_cold_retex(exercise, strengths="Alerte rapide", weaknesses="Annuaire de crise périmé")
    reminder.refresh_from_db()
    assert reminder.status == "done"


@pytest.mark.django_db
def test_it_turns_each_lesson_into_an_action_plan_item(client, world):
    exercise, _users = ended(world)
    login(client, world.alice)
    for title in ("Mettre à jour l'annuaire de crise imprimé", "Former les cadres aux fiches réflexes"):
        response = client.post(reverse("exercises:lesson_add", args=[exercise.uuid]),
                               {"title": title, "detail": "Constaté au RETEX", "priority": "high"})
        assert response.status_code == 302
    lessons = list(exercise.lessons.order_by("number"))
    assert [lesson.number for lesson in lessons] == [1, 2]
    for lesson in lessons:
        action = Action.objects.get(uuid=lesson.action_uuid)
        assert action.source == Source.EXERCISE_LESSON
        assert action.source_key == f"exercises:lesson:{exercise.uuid}:{lesson.number}"
        assert action.title == lesson.title and action.priority == "high"
        assert action.organisation_id == exercise.organisation_id
    # raising again is idempotent: no duplicate action
    retex.raise_action(organisation=exercise.organisation, source=Source.EXERCISE_LESSON,
                       source_key=retex.lesson_key(lessons[0]), title="x")
    assert Action.objects.filter(source_key__startswith=f"exercises:lesson:{exercise.uuid}:").count() == 2
    page = client.get(exercise.get_absolute_url()).content.decode()
    assert reverse("actions:detail", args=[lessons[0].action_uuid]) in page
    assert "Mettre à jour l&#x27;annuaire de crise imprimé" in page


@pytest.mark.django_db
def test_it_produces_a_readable_report_pdf(client, world):
    exercise, _users = ended(world)
    Participant.objects.create(exercise=exercise, name="Mme Observatrice ARS", affiliation="ARS", function="observer")
    inject = exercise.injects.filter(state="released").first()
    Observation.objects.create(exercise=exercise, inject=inject, observer=world.alice, reactions_seen=[0],
                               timing="late", comment="Cellule activée tardivement")
    retex.add_lesson(exercise, "Tenir à jour l'annuaire de crise")
    exercise.hot_debrief = "Bonne mobilisation des équipes"
    exercise.save()
    login(client, world.alice)
    response = client.get(reverse("exercises:report", args=[exercise.uuid]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    flat = " ".join(text.split())
    for expected in ("Exercice annuel 2026", "Mme Observatrice ARS", "Le DPI ne répond plus aux urgences",
                     "Activation de la cellule de crise et passage en mode dégradé", "Cellule activée tardivement",
                     "Tenir à jour l'annuaire de crise", "Bonne mobilisation des équipes", "DEBEX", "FINEX"):
        assert expected in flat, expected
    assert inject.released_at is not None
