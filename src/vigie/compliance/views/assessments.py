"""Assessments: list, create, the requirement grid (HTMX save per row), review and approval.

Custom rather than core.generic: a workflow whose steps are services; the grid saves row by row.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from vigie.core import recent
from vigie.core.generic import get_or_post, is_htmx
from vigie.core.paging import page_of
from vigie.core.scoping import can

from .. import services
from ..filters import AssessmentFilter
from ..forms import AnswerForm, AssessmentCreateForm, ConditionsForm
from ..models import Answer


@require_GET
def assessment_list(request, assessments):
    filters = AssessmentFilter(request.GET, user=request.user)
    assessments = filters.filter_queryset(assessments.select_related("organisation", "version__framework"))
    return render(request, "compliance/assessment_list.html", {
        "assessments": (page := page_of(request, assessments)), "page_obj": page, "filters": filters,
    })


@get_or_post
def assessment_create(request):
    form = AssessmentCreateForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        assessment = services.create_assessment(user=request.user, **form.cleaned_data)
        messages.success(request, _("The assessment was created."))
        return redirect(assessment)
    return render(request, "compliance/assessment_form.html", {"form": form})


def _detail_context(request, assessment, **extra):
    rows = services.grid(assessment)
    return {
        "assessment": assessment, "rows": rows, "score": services.score_of(assessment, rows),
        "may_change": assessment.editable and can(request.user, "change", assessment),
        "may_approve": can(request.user, "approve", assessment),
        "may_review": can(request.user, "approve", assessment),  # the same role reviews rows
        "conditions_form": ConditionsForm(version=assessment.version, values=assessment.conditions),
        **extra,
    }


@require_GET
def assessment_detail(request, assessment):
    return render(request, "compliance/assessment_detail.html", _detail_context(request, assessment))


@require_POST
def assessment_conditions(request, assessment):
    form = ConditionsForm(request.POST, version=assessment.version, values=assessment.conditions)
    if form.is_valid():
        try:
            services.set_conditions(assessment, form.cleaned_data)
        except services.Refused as exc:
            messages.error(request, str(exc))
    return redirect(assessment)


def _row_response(request, answer, form=None, status=200):
    answer = Answer.objects.select_related("assessment__organisation", "assessment__version__framework",
                                           "requirement__version__framework", "reviewed_by").get(pk=answer.pk)
    assessment = answer.assessment
    context = {
        "row": services.row_for(answer), "assessment": assessment,
        "form": form or AnswerForm(instance=answer, initial={"evidence": list(answer.evidence.all())}),
        "may_change": assessment.editable and can(request.user, "change", answer),
        "may_review": can(request.user, "review", answer),
    }
    return render(request, "compliance/_answer_row.html", context, status=status)


@get_or_post
def answer_edit(request, answer):
    """One row of the grid: the HTMX fragment, saved on POST."""
    if request.method == "GET":
        return _row_response(request, answer) if is_htmx(request) else redirect(answer)
    form = AnswerForm(request.POST, instance=answer)
    if form.is_valid():
        try:
            services.save_answer(answer, user=request.user, **{"score": None, **form.cleaned_data})
        except services.Refused as exc:
            form.add_error(None, str(exc))
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
    if not is_htmx(request):
        for error in form.non_field_errors():
            messages.error(request, error)
        return redirect(answer)
    answer.refresh_from_db()
    return _row_response(request, answer, form if form.errors else None, 200)


@require_POST
def answer_review(request, answer):
    try:
        services.review_answer(answer, request.user)
    except services.Refused as exc:
        if not is_htmx(request):
            messages.error(request, str(exc))
    return _row_response(request, answer) if is_htmx(request) else redirect(answer)


def _step(request, assessment, step, done: str):
    """A workflow step without its own page: the service decides, the messages tell the outcome."""
    try:
        step(assessment)
    except services.Refused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, done)
    return redirect(assessment)


@require_POST
def assessment_submit(request, assessment):
    return _step(request, assessment, services.submit, _("The assessment was submitted for review."))


@require_POST
def assessment_send_back(request, assessment):
    return _step(request, assessment, services.send_back, _("The assessment is a draft again."))


@get_or_post
def assessment_approve(request, assessment):
    """Approval is sensitive: it freezes the assessment and raises the PAQ actions."""
    if request.method == "POST":
        if confirm := recent.confirm_first(request):
            return confirm
        try:
            raised = services.approve(assessment, request.user)
        except services.Refused as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("The assessment was approved; %(count)s action(s) were raised in the PAQ.")
                             % {"count": raised})
        return redirect(assessment)
    return render(request, "compliance/assessment_approve.html",
                  {"assessment": assessment, "score": services.score_of(assessment)})
