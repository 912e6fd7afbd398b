"""The yearly PDF report of a level and its national monitoring export: a form, then a background job
whose page offers the file. Both are bulk exports: they ask for a fresh second factor first."""

from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import get_language

from vigie.core import recent
from vigie.core.generic import get_or_post
from vigie.core.jobs import enqueue
from vigie.core.registry import registry
from vigie.organisations.models import Kind
from vigie.organisations.services import visible_ancestors

from .. import monitoring
from ..forms import MonitoringForm, ReportForm
from ..jobs import MONITORING, REPORT
from ..services import LEVEL_KINDS

REPORT_KINDS = (*LEVEL_KINDS, Kind.LEGAL_ENTITY)


def _launch(request, node, form_class, kind: str, template: str, params, **extra):
    if node.kind not in REPORT_KINDS:
        raise Http404
    form = form_class(request.POST or None)
    if request.method == "POST" and (confirm := recent.confirm_first(request)):
        return confirm
    if request.method == "POST" and form.is_valid():
        return redirect(enqueue(kind, organisation=node, user=request.user, params=params(form.cleaned_data)))
    return render(request, template, {"org": node, "ancestors": visible_ancestors(request.user, node), "form": form,
                                      **extra})


@get_or_post
def report(request, node):
    return _launch(request, node, ReportForm, REPORT, "steering/report_form.html",
                   lambda data: {"year": data["year"], "language": get_language()})


@get_or_post
def monitoring_export(request, node):
    return _launch(request, node, MonitoringForm, MONITORING, "steering/monitoring_form.html",
                   lambda data: {"format": data["format"]},
                   columns=[(c, monitoring.filled_from(c, registry.indicators)) for c in monitoring.catalogue().columns])
