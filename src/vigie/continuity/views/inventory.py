"""Pages of the inventory: applications, infrastructure components, suppliers and SaaS, teams."""

from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from vigie.core import generic
from vigie.core.scoping import can

from .. import services
from ..forms import ApplicationForm, ComponentForm, SupplierForm, TeamForm
from . import create, edit


@require_GET
def application_list(request, applications):
    return generic.object_list(request, applications, template="continuity/application_list.html")


@generic.get_or_post
def application_create(request):
    return create(request, ApplicationForm, title=_("New application"),
                          cancel=reverse("continuity:application_list"))


@require_GET
def application_detail(request, application):
    picture = services.dependency_graph([application], _("What %(name)s needs") % {"name": application.name})
    return render(request, "continuity/application_detail.html", {
        "application": application, "graph": picture, "activities": services.activities_needing(application),
        "can_change": can(request.user, "change", application), "plans": application.backup_plans.all()})


@generic.get_or_post
def application_edit(request, application):
    return edit(request, application, ApplicationForm, title=_("Edit %(name)s") % {"name": application.name},
                        user=request.user)


@generic.get_or_post
def application_delete(request, application):
    return generic.delete(request, application, back=reverse("continuity:application_list"),
                          cancel=application.get_absolute_url())


@require_GET
def component_list(request, components):
    return generic.object_list(request, components, template="continuity/component_list.html",
                               related=("organisation", "team"))


@generic.get_or_post
def component_create(request):
    return create(request, ComponentForm, title=_("New infrastructure component"),
                          cancel=reverse("continuity:component_list"))


@require_GET
def component_detail(request, component):
    status = services.target_status(component) if component.holds_data else None
    picture = services.dependency_graph([component], _("What %(name)s needs") % {"name": component.name})
    return render(request, "continuity/component_detail.html", {
        "component": component, "status": status, "graph": picture,
        "activities": services.activities_needing(component), "can_change": can(request.user, "change", component),
        "rule_labels": {k: v() for k, v in services.RULE_LABELS.items()},
        "restore_hours": services.hours_label(round(services.predicted_restore_hours(component), 2)),
        "throughput": services.throughput(component)})


@generic.get_or_post
def component_edit(request, component):
    return edit(request, component, ComponentForm, title=_("Edit %(name)s") % {"name": component.name},
                        user=request.user)


@generic.get_or_post
def component_delete(request, component):
    return generic.delete(request, component, back=reverse("continuity:component_list"),
                          cancel=component.get_absolute_url())


@require_GET
def supplier_list(request, suppliers):
    return generic.object_list(request, suppliers, template="continuity/supplier_list.html")


@generic.get_or_post
def supplier_create(request):
    return create(request, SupplierForm, title=_("New supplier"), cancel=reverse("continuity:supplier_list"))


@generic.get_or_post
def supplier_edit(request, supplier):
    return edit(request, supplier, SupplierForm, title=_("Edit %(name)s") % {"name": supplier.name},
                        user=request.user, context={"delete_url": reverse("continuity:supplier_delete", args=[supplier.uuid])})


@generic.get_or_post
def supplier_delete(request, supplier):
    back = reverse("continuity:supplier_list")
    return generic.delete(request, supplier, back=back, cancel=back)


@require_GET
def team_list(request, teams):
    return generic.object_list(request, teams, template="continuity/team_list.html")


@generic.get_or_post
def team_create(request):
    return create(request, TeamForm, title=_("New team"), cancel=reverse("continuity:team_list"))


@generic.get_or_post
def team_edit(request, team):
    return edit(request, team, TeamForm, title=_("Edit %(name)s") % {"name": team.name}, user=request.user,
                        context={"delete_url": reverse("continuity:team_delete", args=[team.uuid])})


@generic.get_or_post
def team_delete(request, team):
    back = reverse("continuity:team_list")
    return generic.delete(request, team, back=back, cancel=back)
