"""Trend pages: the share of a level's establishments holding each indicator over 24 months (and on the
national node the regions grid), and one establishment's exposure and AD levels over time."""

from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from vigie.organisations.models import Kind
from vigie.organisations.services import visible_ancestors

from .. import trends


@require_GET
def level_trends(request, node):
    if node.kind == Kind.LEGAL_ENTITY:
        return redirect("steering:establishment_trends", uuid=node.uuid)
    if node.kind == Kind.SITE:
        return redirect("steering:establishment_trends", uuid=node.parent.uuid)
    months = trends.months_back(trends.MONTHS, timezone.localdate())
    context = {"org": node, "ancestors": visible_ancestors(request.user, node), "months": months,
               "trends": trends.indicator_trends(node, request.user, months)}
    if node.kind == Kind.NATIONAL:
        rows = trends.region_rows(node, request.user)
        context.update(regions=rows, regions_svg=trends.regions_svg(node, rows), domain1=trends.domain1_keys())
    return render(request, "steering/trends.html", context)


@require_GET
def establishment_trends(request, org):
    if org.kind != Kind.LEGAL_ENTITY:
        raise Http404
    months = trends.months_back(trends.MONTHS, timezone.localdate())
    charts = trends.establishment_levels(org, request.user, months[0], timezone.localdate())
    return render(request, "steering/establishment_trends.html", {
        "org": org, "ancestors": visible_ancestors(request.user, org), "charts": charts, "start": months[0]})

