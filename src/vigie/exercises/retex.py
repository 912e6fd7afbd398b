"""RETEX: hot debrief, cold RETEX within 30 days, lessons that become action-plan items, the PDF report.

The cold-RETEX reminder reuses the action plan's machinery: at FINEX an action "Cold RETEX of …" is raised
due 30 days later, so the action plan's calendar, ICS feed and e-mail reminders carry it; it is closed
when the cold RETEX is recorded.
"""

import datetime
import logging

from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from vigie.actions.models import Priority, Source
from vigie.actions.services import close_action, raise_action
from vigie.core.pdf import html_to_pdf

from . import validity
from .models import Exercise, Lesson
from .validity import after_change

RETEX_DAYS = 30
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)


def reminder_key(exercise: Exercise) -> str:
    return f"exercises:retex:{exercise.uuid}"


def lesson_key(lesson: Lesson) -> str:
    return f"exercises:lesson:{lesson.exercise.uuid}:{lesson.number}"


def schedule_reminder(exercise: Exercise):
    action, _created = raise_action(
        organisation=exercise.organisation, source=Source.EXERCISE_LESSON, source_key=reminder_key(exercise),
        title=_("Cold RETEX of the exercise “%(title)s”") % {"title": exercise.title}, priority=Priority.HIGH,
        description=_("Hold the cold RETEX within 30 days of the exercise and record it in Vigie."),
        due=exercise.retex_due,
    )
    return action


def add_lesson(exercise: Exercise, title: str, detail: str = "", priority: str = Priority.MEDIUM,
               user=None) -> Lesson:
    """A lesson of the RETEX and its action-plan item (source exercise_lesson)."""
    with transaction.atomic():
        number = (exercise.lessons.order_by("-number").values_list("number", flat=True).first() or 0) + 1
        lesson = Lesson(exercise=exercise, number=number, title=title, detail=detail)
        lesson.full_clean()
        lesson.save()
    action, _created = raise_action(
        organisation=exercise.organisation, source=Source.EXERCISE_LESSON, source_key=lesson_key(lesson),
        title=title, description=_("Lesson %(n)s of the exercise “%(exercise)s”.\n\n%(detail)s") % {
            "n": number, "exercise": exercise.title, "detail": detail}, priority=priority, user=user)
    Lesson.objects.filter(pk=lesson.pk).update(action_uuid=action.uuid)
    lesson.action_uuid = action.uuid
    return lesson


def record_cold_retex(exercise: Exercise, *, strengths: str, weaknesses: str, done_on: datetime.date | None = None):
    exercise.strengths, exercise.weaknesses = strengths, weaknesses
    exercise.retex_done_on = done_on or timezone.localdate()
    exercise.save(update_fields=["strengths", "weaknesses", "retex_done_on"])
    close_action(exercise.organisation, Source.EXERCISE_LESSON, reminder_key(exercise),
                 reason=_("cold RETEX recorded on %(day)s") % {"day": exercise.retex_done_on.isoformat()})
    after_change(exercise)
    return exercise


def report_pdf(exercise: Exercise) -> bytes:
    """The exercise report: plan, participants, chronogram with release times, log extract, observer grid,
    RETEX. WeasyPrint fetches nothing: the template is self-contained."""
    entries = list(exercise.log.entries.select_related("author").order_by("seq")[:200]) if exercise.log_id else []
    html = render_to_string("exercises/exercises/report.html", {
        "exercise": exercise,
        "participants": exercise.participants.select_related("user"),
        "injects": exercise.injects.prefetch_related("observations__observer"),
        "entries": entries,
        "lessons": exercise.lessons.all(),
        "verdict": validity.check(exercise),
        "generated": timezone.now(),
    })
    return html_to_pdf(html)


