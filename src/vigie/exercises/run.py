"""The live run of an exercise: DEBEX, the inject scheduler, pause/resume, FINEX.

Time comes from a `Clock` (the real one in production, a fake in tests). An inject is due when the
exercise's *playing time* reaches its offset; playing time is the wall time since DEBEX minus the time
spent paused, so a pause shifts every pending inject by its length. Due injects are released by
`release_due()`, which every participant poll and the periodic job call; a release is a conditional update
(pending → released), so concurrent polls release each inject once. Held injects are never released on
time; the animator releases them (or any pending one) by hand.
"""

import datetime
from typing import Protocol

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from . import log as crisis_log
from .models import CrisisLog, Exercise, ExerciseInject, LogEntry, Participant
from .models.scenarios import ALL_ROLES
from .retex import RETEX_DAYS, schedule_reminder


class Clock(Protocol):
    def now(self) -> datetime.datetime: ...


class SystemClock:
    def now(self) -> datetime.datetime:
        return timezone.now()


class FakeClock:
    """A clock tests move by hand."""

    def __init__(self, start: datetime.datetime | None = None):
        self.current = start or datetime.datetime(2026, 3, 10, 9, 0, tzinfo=datetime.UTC)

    def now(self) -> datetime.datetime:
        return self.current

    def advance(self, **delta) -> datetime.datetime:
        self.current += datetime.timedelta(**delta)
        return self.current


clock: Clock = SystemClock()


class RunError(ValidationError):
    """A run command that does not fit the exercise's state; the message is shown as it is."""


def _clock(given: Clock | None) -> Clock:
    return given or clock


def playing_seconds(exercise: Exercise, at: datetime.datetime) -> float:
    """Seconds of play since DEBEX at `at`, not counting pauses."""
    if exercise.started_at is None:
        return 0.0
    end = exercise.ended_at or (exercise.paused_at if exercise.status == Exercise.Status.PAUSED else None) or at
    return max(0.0, (end - exercise.started_at).total_seconds() - exercise.paused_seconds)


def due_at(exercise: Exercise, inject: ExerciseInject) -> datetime.datetime | None:
    """When the pending inject will be released, as things stand (None before DEBEX or while paused)."""
    if exercise.started_at is None or exercise.status != Exercise.Status.RUNNING:
        return None
    return exercise.started_at + datetime.timedelta(seconds=exercise.paused_seconds + inject.offset_minutes * 60)


def copy_chronogram(exercise: Exercise) -> None:
    """The exercise's own copy of its scenario's injects (kept as they were played, whatever edits follow)."""
    if exercise.scenario_id is None or exercise.injects.exists():
        return
    ExerciseInject.objects.bulk_create([
        ExerciseInject(exercise=exercise, position=s.position, offset_minutes=s.offset_minutes, channel=s.channel,
                       sender=s.sender, recipient_role=s.recipient_role, title=s.title, content=s.content,
                       expected_reactions=s.expected_reactions)
        for s in exercise.scenario.injects.all()
    ])


def start(exercise: Exercise, user=None, clock: Clock | None = None) -> Exercise:
    """DEBEX: open the exercise's crisis log, copy the chronogram, release what is due at offset 0."""
    now = _clock(clock).now()
    with transaction.atomic():
        exercise = Exercise.objects.select_for_update().get(pk=exercise.pk)
        if exercise.status != Exercise.Status.PLANNED:
            raise RunError(_("This exercise has already started."))
        copy_chronogram(exercise)
        if not exercise.injects.exists():
            raise RunError(_("The exercise has no inject: choose a scenario first."))
        if exercise.log_id is None:
            exercise.log = crisis_log.open_log(organisation=exercise.organisation, title=exercise.title,
                                               kind=CrisisLog.Kind.EXERCISE, user=user)
        exercise.status, exercise.started_at = Exercise.Status.RUNNING, now
        exercise.save(update_fields=["status", "started_at", "log"])
    crisis_log.append_entry(exercise.log, author=user, category=LogEntry.Category.INFORMATION,
                            text=_("DEBEX: start of the exercise."))
    release_due(exercise, clock=clock)
    return exercise


def release_due(exercise: Exercise, clock: Clock | None = None) -> list[ExerciseInject]:
    """Release every pending inject whose offset the playing time has reached; returns those released now."""
    now = _clock(clock).now()
    exercise.refresh_from_db(fields=["status", "started_at", "paused_at", "paused_seconds", "ended_at"])
    if exercise.status != Exercise.Status.RUNNING:
        return []
    reached = playing_seconds(exercise, now) / 60
    released = []
    for inject in exercise.injects.filter(state=ExerciseInject.State.PENDING, offset_minutes__lte=reached):
        if ExerciseInject.objects.filter(pk=inject.pk, state=ExerciseInject.State.PENDING).update(
                state=ExerciseInject.State.RELEASED, released_at=now) == 1:
            released.append(inject)
    return released


def release_all_running(clock: Clock | None = None) -> int:
    """The periodic job: release what is due in every running exercise."""
    return sum(len(release_due(e, clock)) for e in Exercise.objects.filter(status=Exercise.Status.RUNNING))


def release_by_hand(inject: ExerciseInject, user=None, clock: Clock | None = None) -> ExerciseInject:
    now = _clock(clock).now()
    status = Exercise.objects.filter(pk=inject.exercise_id).values_list("status", flat=True).get()
    if status not in (Exercise.Status.RUNNING, Exercise.Status.PAUSED):
        raise RunError(_("Injects are released during the exercise only."))
    changed = ExerciseInject.objects.filter(pk=inject.pk).exclude(state=ExerciseInject.State.RELEASED).update(
        state=ExerciseInject.State.RELEASED, released_at=now, released_by_hand=True)
    if not changed:
        raise RunError(_("This inject was already released."))
    inject.refresh_from_db()
    return inject


def hold(inject: ExerciseInject, held: bool = True) -> ExerciseInject:
    """Hold a pending inject (it will not be released on time), or put a held one back on schedule."""
    if Exercise.objects.filter(pk=inject.exercise_id, status=Exercise.Status.ENDED).exists():
        raise RunError(_("The exercise is over."))
    source, target = ((ExerciseInject.State.PENDING, ExerciseInject.State.HELD) if held
                      else (ExerciseInject.State.HELD, ExerciseInject.State.PENDING))
    if not ExerciseInject.objects.filter(pk=inject.pk, state=source).update(state=target):
        raise RunError(_("Only a pending inject can be held, and only a held one resumed."))
    inject.refresh_from_db()
    return inject


def pause(exercise: Exercise, user=None, clock: Clock | None = None) -> Exercise:
    now = _clock(clock).now()
    release_due(exercise, clock)  # what was due before the pause is out
    if not Exercise.objects.filter(pk=exercise.pk, status=Exercise.Status.RUNNING).update(
            status=Exercise.Status.PAUSED, paused_at=now):
        raise RunError(_("Only a running exercise can be paused."))
    exercise.refresh_from_db()
    crisis_log.append_entry(exercise.log, author=user, category=LogEntry.Category.INFORMATION,
                            text=_("Exercise paused."))
    return exercise


def resume(exercise: Exercise, user=None, clock: Clock | None = None) -> Exercise:
    now = _clock(clock).now()
    with transaction.atomic():
        exercise = Exercise.objects.select_for_update().get(pk=exercise.pk)
        if exercise.status != Exercise.Status.PAUSED:
            raise RunError(_("Only a paused exercise can be resumed."))
        exercise.paused_seconds += int((now - exercise.paused_at).total_seconds())
        exercise.status, exercise.paused_at = Exercise.Status.RUNNING, None
        exercise.save(update_fields=["paused_seconds", "status", "paused_at"])
    crisis_log.append_entry(exercise.log, author=user, category=LogEntry.Category.INFORMATION,
                            text=_("Exercise resumed."))
    return exercise


def finish(exercise: Exercise, user=None, clock: Clock | None = None) -> Exercise:
    """FINEX: the exercise ends; the cold RETEX is due within 30 days."""
    now = _clock(clock).now()
    with transaction.atomic():
        exercise = Exercise.objects.select_for_update().get(pk=exercise.pk)
        if exercise.status not in (Exercise.Status.RUNNING, Exercise.Status.PAUSED):
            raise RunError(_("Only a running or paused exercise can end."))
        if exercise.status == Exercise.Status.PAUSED:
            exercise.paused_seconds += int((now - exercise.paused_at).total_seconds())
        exercise.status, exercise.ended_at, exercise.paused_at = Exercise.Status.ENDED, now, None
        exercise.retex_due = timezone.localdate(now) + datetime.timedelta(days=RETEX_DAYS)
        exercise.save(update_fields=["status", "ended_at", "paused_at", "paused_seconds", "retex_due"])
    crisis_log.append_entry(exercise.log, author=user, category=LogEntry.Category.INFORMATION,
                            text=_("FINEX: end of the exercise."))
    crisis_log.close_log(exercise.log)
    schedule_reminder(exercise)
    return exercise


# --- who sees what -----------------------------------------------------------------------------------------


def participation(exercise: Exercise, user) -> list[Participant]:
    return list(exercise.participants.filter(user=user)) if user.is_authenticated else []


def is_animator(exercise: Exercise, user) -> bool:
    return any(p.function == Participant.Function.ANIMATOR for p in participation(exercise, user))


def is_observer(exercise: Exercise, user) -> bool:
    return any(p.function == Participant.Function.OBSERVER for p in participation(exercise, user))


def visible_injects(exercise: Exercise, user):
    """Released injects for this user: animators and observers see all; a player sees those addressed to
    their role(s) or to everyone; a user who does not take part sees none."""
    released = exercise.injects.filter(state=ExerciseInject.State.RELEASED).order_by("released_at", "offset_minutes",
                                                                                     "position", "pk")
    mine = participation(exercise, user)
    if any(p.function != Participant.Function.PLAYER for p in mine):
        return released
    roles = {p.role for p in mine}
    if not roles:
        return released.none()
    return released.filter(Q(recipient_role__in=roles) | Q(recipient_role=ALL_ROLES))
