"""Pages of the BIA: the module's home, activities with their impact grids and degraded-mode procedures,
the dependency graph, and the BIA/PCRA coverage against the 66 % rule."""

import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from vigie.core import generic
from vigie.core.paging import page_of
from vigie.core.scoping import can, scoped
from vigie.organisations.models import Organisation

from .. import services
from ..forms import ActivityForm, ImpactForm, ProcedureForm
from ..models import Activity, Category, DegradedProcedure, Dimension, ImpactTable
from ..models.bia import WINDOW_LABELS
from . import create, edit


@require_GET
def index(request, activities):
    activities = list(activities.select_related("organisation"))
    coverages = services.coverages(services.coverage_candidates(request.user)[:20])
    return render(request, "continuity/index.html", {
        "activities": activities, "by_category": [(c, [a for a in activities if a.category == c]) for c in Category],
        "coverages": coverages, "may_add": generic.may_add(request.user, Activity),
    })


@require_GET
def activity_list(request, activities):
    activities = activities.select_related("organisation")
    category = request.GET.get("category")
    if category in Category.values:
        activities = activities.filter(category=category)
    chosen = request.GET.get("organisation", "")
    if len(chosen) == 36:
        org = scoped(Organisation.objects.all(), request.user, "view").filter(uuid=chosen).first()
        activities = activities.filter(organisation__path__startswith=org.path) if org else activities.none()
    return render(request, "continuity/activity_list.html", {
        "activities": activities, "categories": Category.choices, "category": category,
        "may_add": generic.may_add(request.user, Activity)})


@generic.get_or_post
def activity_create(request):
    return create(request, ActivityForm, title=_("New activity"), cancel=reverse("continuity:activity_list"))


@generic.get_or_post
def activity_edit(request, activity):
    return edit(request, activity, ActivityForm, title=_("Edit %(name)s") % {"name": activity.name},
                        user=request.user)


@generic.get_or_post
def activity_delete(request, activity):
    return generic.delete(request, activity, back=reverse("continuity:activity_list"),
                          cancel=activity.get_absolute_url())


def impact_rows(activity):
    tables = services.impact_tables(activity)
    return [(table, [(dimension, tables[table.value][dimension.value]) for dimension in Dimension])
            for table in ImpactTable]


@require_GET
def activity_detail(request, activity):
    components = services.components_needed(activity)
    statuses = [services.target_status(c) for c in components if c.holds_data]
    alerts = {services._key(s.target) for s in statuses if s.gaps}
    picture = services.dependency_graph([activity], _("What %(name)s needs") % {"name": activity.name}, alerts)
    tests = [t for s in statuses for p in s.plans for t in p.restore_tests.all()[:5]]
    return render(request, "continuity/activity_detail.html", {
        "activity": activity, "impacts": impact_rows(activity), "windows": list(WINDOW_LABELS.values()),
        "procedures": activity.procedures.all(), "applications": activity.applications.all(),
        "statuses": statuses, "graph": picture,
        "tests": sorted(tests, key=lambda t: t.tested_on, reverse=True),
        "can_change": can(request.user, "change", activity),
        "dmia": services.hours_label(activity.dmia_hours), "pdma": services.hours_label(activity.pdma_hours),
        "rto": services.hours_label(activity.rto_hours), "rpo": services.hours_label(activity.rpo_hours),
        "dmia_driver": Dimension(activity.dmia_driver).label if activity.dmia_driver else "",
        "pdma_driver": Dimension(activity.pdma_driver).label if activity.pdma_driver else "",
    })


@generic.get_or_post
def activity_impacts(request, activity):
    form = ImpactForm(request.POST or None, tables=services.impact_tables(activity))
    if request.method == "POST" and form.is_valid():
        try:
            derivation = services.save_impacts(activity, form.tables())
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Impacts saved: DMIA %(dmia)s, PDMA %(pdma)s.") % {
                "dmia": services.hours_label(derivation.dmia_hours), "pdma": services.hours_label(derivation.pdma_hours)})
            return redirect(activity)
    return render(request, "continuity/impacts.html", {"activity": activity, "form": form,
                                                       "windows": list(WINDOW_LABELS.values())})


@generic.get_or_post
def procedure_create(request, activity):
    return edit(request, DegradedProcedure(activity=activity), ProcedureForm, created=True,
                title=_("New degraded-mode procedure for %(name)s") % {"name": activity.name},
                cancel=activity.get_absolute_url(), back=activity.get_absolute_url())


@generic.get_or_post
def procedure_edit(request, procedure):
    return edit(request, procedure, ProcedureForm, title=_("Edit %(name)s") % {"name": procedure.title})


@generic.get_or_post
def procedure_delete(request, procedure):
    back = procedure.activity.get_absolute_url()
    return generic.delete(request, procedure, back=back, cancel=back)


@require_GET
def graph(request, activities):
    """The whole dependency graph of the activities the user may see, or of one organisation's."""
    activities = activities.select_related("organisation")
    organisations = scoped(Organisation.objects.all(), request.user, "view").order_by("path")
    chosen = request.GET.get("organisation")
    if chosen and len(chosen) == 36:
        org = get_object_or_404(organisations, uuid=chosen)
        activities = activities.filter(organisation__path__startswith=org.path)
    activities = list(activities[:200])
    picture = services.dependency_graph(activities, _("Dependencies"))
    return render(request, "continuity/graph.html", {"graph": picture, "organisations": organisations,
                                                     "chosen": chosen, "activities": activities})


@require_GET
def coverage(request, _activities):
    """Every candidate the user may see, or those of one node (`?organisation=`): a region or the nation
    lists its GHTs' coverage."""
    node = None
    chosen = request.GET.get("organisation")
    if chosen:
        node = get_object_or_404(scoped(Organisation.objects.exclude(kind="site"), request.user, "view"),
                                 uuid=_uuid_or_404(chosen))
    page = page_of(request, services.coverage_candidates(request.user, node))
    return render(request, "continuity/coverage.html", {
        "coverages": services.coverages(page.object_list), "page_obj": page,
        "threshold": services.COVERAGE_THRESHOLD, "node": node})


def _uuid_or_404(value: str):
    try:
        return uuid.UUID(value)
    except ValueError:
        raise Http404 from None
