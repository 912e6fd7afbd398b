"""Pages of recovery: scenarios computed by the planner in a background job (predicted recovery of each
activity against its DMIA, the runbook), and the PCRA of an activity as DOCX or PDF."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from vigie.core import generic
from vigie.core.scoping import can

from .. import pcra, planning
from ..engine import documents
from ..forms import ScenarioForm
from ..models import Scenario
from . import create, edit

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@require_GET
def scenario_list(request, scenarios):
    scenarios = scenarios.select_related("organisation", "job")
    return render(request, "continuity/scenario_list.html", {
        "scenarios": scenarios, "may_add": generic.may_add(request.user, Scenario)})


@generic.get_or_post
def scenario_create(request):
    return create(request, ScenarioForm, title=_("New recovery scenario"),
                          cancel=reverse("continuity:scenario_list"))


@generic.get_or_post
def scenario_edit(request, scenario):
    return edit(request, scenario, ScenarioForm, title=_("Edit %(name)s") % {"name": scenario.name},
                        user=request.user, context={"delete_url": reverse("continuity:scenario_delete", args=[scenario.uuid])})


@generic.get_or_post
def scenario_delete(request, scenario):
    back = reverse("continuity:scenario_list")
    return generic.delete(request, scenario, back=back, cancel=scenario.get_absolute_url())


def hours(minutes):
    if minutes is None:
        return "—"
    return f"{minutes // 60} h {minutes % 60:02d}"


@require_GET
def scenario_detail(request, scenario):
    result = scenario.result or {}
    rows = [{**a, "recovery_h": hours(a["recovery"]), "dmia_h": hours(a["dmia"]),
             "gap_h": hours(a["gap"]) if a["gap"] > 0 else ""} for a in result.get("activities", [])]
    steps = [{**s, "start_h": hours(s["start"]), "end_h": hours(s["end"])} for s in result.get("steps", [])]
    return render(request, "continuity/scenario_detail.html", {
        "scenario": scenario, "result": result, "rows": rows, "steps": steps,
        "late": [r for r in rows if not r["within"]], "can_change": can(request.user, "change", scenario),
        "running": scenario.job is not None and not scenario.job.finished})


@require_POST
def scenario_run(request, scenario):
    job = planning.start(scenario, request.user)
    messages.success(request, _("The recovery plan is being computed."))
    return redirect(job)


@require_GET
def activity_pcra(request, activity):
    """?format=docx (default, editable) or pdf."""
    fmt = "pdf" if request.GET.get("format") == "pdf" else "docx"
    try:
        content = pcra.render(activity, fmt)
    except documents.DocumentError as exc:
        messages.error(request, _("The PCRA could not be generated: %(error)s") % {"error": exc})
        return redirect(activity)
    response = HttpResponse(content, content_type="application/pdf" if fmt == "pdf" else DOCX)
    response["Content-Disposition"] = f'attachment; filename="pcra-{activity.uuid}.{fmt}"'
    return response
