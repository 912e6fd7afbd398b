"""An exercise's plan, participants, RETEX, lessons, validity, declaration and report.

Custom rather than core.generic: each page writes through the exercise's services with its own messages.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from vigie.accounts import audit
from vigie.accounts.models import AuditEvent
from vigie.core.generic import get_or_post
from vigie.core.paging import page_of
from vigie.core.scoping import can

from .. import retex, validity
from ..forms import (
    DeclarationForm,
    ExerciseForm,
    LessonForm,
    ParticipantForm,
    RetexForm,
)
from ..models import Exercise



def _exercises():
    return Exercise.objects.select_related("organisation", "scenario", "log")


@require_GET
def exercise_list(request, exercises):
    exercises = exercises.select_related("organisation", "scenario", "log")
    page = page_of(request, exercises)
    return render(request, "exercises/exercises/list.html", {"exercises": page, "page_obj": page})


@get_or_post
def exercise_create(request):
    form = ExerciseForm(request.POST or None, instance=Exercise(), user=request.user)
    if request.method == "POST" and form.is_valid():
        exercise = form.save(commit=False)
        exercise.created_by = request.user
        exercise.save()
        if not can(request.user, "change", exercise):
            raise Http404
        messages.success(request, _("The exercise was planned."))
        return redirect(exercise)
    return render(request, "exercises/exercises/form.html", {"form": form, "creating": True})


@require_GET
def exercise_detail(request, exercise):
    can_change = can(request.user, "change", exercise)
    return render(request, "exercises/exercises/detail.html", {
        "exercise": exercise, "can_change": can_change,
        "participants": exercise.participants.select_related("user"),
        "injects": exercise.injects.all() if exercise.injects.exists()
        else (exercise.scenario.injects.all() if exercise.scenario_id else []),
        "lessons": exercise.lessons.all(), "verdict": validity.check(exercise),
        "participant_form": ParticipantForm(exercise=exercise) if can_change else None,
        "retex_form": RetexForm(instance=exercise) if can_change else None,
        "lesson_form": LessonForm() if can_change else None,
        "declaration_form": DeclarationForm(initial={"declared_on": exercise.declared_on,
                                                     "reference": exercise.declaration_reference})
        if can_change else None,
    })


@get_or_post
def exercise_edit(request, exercise):
    form = ExerciseForm(request.POST or None, instance=exercise, user=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The exercise was saved."))
        return redirect(exercise)
    return render(request, "exercises/exercises/form.html", {"form": form, "creating": False, "exercise": exercise})


@require_POST
def participant_add(request, exercise):
    form = ParticipantForm(request.POST, exercise=exercise)
    if form.is_valid():
        form.save()
        messages.success(request, _("Participant added."))
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect(exercise.get_absolute_url() + "#participants")


@require_POST
def participant_delete(request, participant):
    exercise = participant.exercise
    participant.delete()
    messages.success(request, _("Participant removed."))
    return redirect(exercise.get_absolute_url() + "#participants")


@require_POST
def retex_save(request, exercise):
    form = RetexForm(request.POST, instance=exercise)
    if form.is_valid():
        done_before = Exercise.objects.filter(pk=exercise.pk).values_list("retex_done_on", flat=True).first()
        exercise = form.save()
        if exercise.retex_done_on and not done_before:
            retex.record_cold_retex(exercise, strengths=exercise.strengths, weaknesses=exercise.weaknesses,
                                    done_on=exercise.retex_done_on)
        messages.success(request, _("The RETEX was saved."))
    else:
        messages.error(request, _("Check the RETEX fields."))
    return redirect(exercise.get_absolute_url() + "#retex")


@require_POST
def lesson_add(request, exercise):
    form = LessonForm(request.POST)
    if form.is_valid():
        retex.add_lesson(exercise, form.cleaned_data["title"], form.cleaned_data["detail"],
                         form.cleaned_data["priority"], user=request.user)
        messages.success(request, _("The lesson was added to the action plan."))
    else:
        messages.error(request, _("Write the lesson first."))
    return redirect(exercise.get_absolute_url() + "#retex")


@require_POST
def declare(request, exercise):
    form = DeclarationForm(request.POST)
    if form.is_valid():
        try:
            validity.declare(exercise, declared_on=form.cleaned_data["declared_on"],
                             reference=form.cleaned_data["reference"], user=request.user)
        except ValidationError as exc:
            messages.error(request, "; ".join(exc.messages))
        else:
            if validity.check(exercise).valid:
                messages.success(request, _("The declaration was recorded; the exercise counts as the yearly one."))
            else:
                messages.warning(request, _("The declaration was recorded, but the exercise does not count yet: "
                                            "see the rules."))
    else:
        messages.error(request, _("Give the declaration date and reference."))
    return redirect(exercise.get_absolute_url() + "#validity")


@require_GET
def report(request, exercise):
    content = retex.report_pdf(exercise)
    audit.record(AuditEvent.Action.EXPORT, obj=exercise, user=request.user)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="exercise-{exercise.uuid}.pdf"'
    return response
