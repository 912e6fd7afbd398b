"""The live run: the animator's console, each participant's screen (an HTMX fragment polled every 2 s),
inject release and hold, and the observer grid."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from vigie.core.generic import get_or_post
from vigie.core.scoping import can

from .. import run
from ..forms import ObservationForm
from ..models import Exercise, ExerciseInject, Observation

COMMANDS = {"start": run.start, "pause": run.pause, "resume": run.resume, "finish": run.finish}


def _exercises():
    return Exercise.objects.select_related("organisation", "scenario", "log")


def _injects():
    return ExerciseInject.objects.select_related("exercise__organisation", "exercise__log")


@require_GET
def control(request, exercise):
    """The animator's console: every inject with its state and due time, the commands."""
    run.release_due(exercise)
    injects = [(inject, run.due_at(exercise, inject)) for inject in exercise.injects.all()]
    return render(request, "exercises/run/control.html", {"exercise": exercise, "injects": injects,
                                                           "State": ExerciseInject.State})


@require_POST
def command(request, exercise):
    action = COMMANDS.get(request.POST.get("command", ""))
    if action is None:
        messages.error(request, _("Unknown command."))
    else:
        try:
            action(exercise, request.user)
        except run.RunError as exc:
            messages.error(request, exc.messages[0])
    return redirect("exercises:run_control", uuid=exercise.uuid)


@require_POST
def inject_release(request, inject):
    try:
        run.release_by_hand(inject, request.user)
    except run.RunError as exc:
        messages.error(request, exc.messages[0])
    return redirect("exercises:run_control", uuid=inject.exercise.uuid)


@require_POST
def inject_hold(request, inject):
    try:
        run.hold(inject, held=request.POST.get("held", "1") != "0")
    except run.RunError as exc:
        messages.error(request, exc.messages[0])
    return redirect("exercises:run_control", uuid=inject.exercise.uuid)


def _screen(request, exercise):
    run.release_due(exercise)
    mine = run.participation(exercise, request.user)
    return {"exercise": exercise, "mine": mine, "injects": run.visible_injects(exercise, request.user),
            "observer": run.is_observer(exercise, request.user),
            "can_write_log": exercise.log_id is not None and can(request.user, "add", exercise.log)}


@require_GET
def play(request, exercise):
    """A participant's screen: the injects addressed to their role, refreshed without reloading."""
    return render(request, "exercises/run/play.html", _screen(request, exercise))


@require_GET
def feed(request, exercise):
    """The fragment the participant's screen polls every 2 s; releases what is due on the way."""
    return render(request, "exercises/run/_feed.html", _screen(request, exercise))


@get_or_post
def observe(request, inject):
    """An observer's grid for one inject: expected reactions seen or not, timing, comment."""
    exercise = inject.exercise
    allowed = run.is_observer(exercise, request.user) or run.is_animator(exercise, request.user)
    if not allowed:  # the grid is shown; only the exercise's observers and animators fill it
        if request.method == "POST":
            raise PermissionDenied
        return render(request, "exercises/run/observe.html", {"exercise": exercise, "inject": inject, "form": None})
    existing = Observation.objects.filter(inject=inject, observer=request.user).first()
    instance = existing or Observation(exercise=exercise, inject=inject, observer=request.user)
    form = ObservationForm(request.POST or None, instance=instance, inject=inject)
    if request.method == "POST" and form.is_valid():
        observation = form.save(commit=False)
        observation.reactions_seen = form.seen()
        observation.save()
        messages.success(request, _("Observation saved."))
        return redirect("exercises:run_play", uuid=exercise.uuid)
    return render(request, "exercises/run/observe.html", {"exercise": exercise, "inject": inject, "form": form})
