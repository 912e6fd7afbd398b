"""Pages of the inventory: applications, infrastructure components, suppliers and SaaS, teams."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from vigie.core.paging import page_of
from vigie.core.scoping import can

from .. import services
from ..forms import ApplicationForm, ComponentForm, SupplierForm, TeamForm
from ..models import Application, Component, Supplier, Team
from . import generic


def _list(request, model, template, related=("organisation",), **extra):
    """A page of the visible objects (every one was listed at once: 2,000 applications for a nation)."""
    page = page_of(request, generic.visible(request, model.objects.select_related(*related)))
    return render(request, template, {"objects": page, "page_obj": page,
                                      "may_add": generic.may_add(request.user, model), **extra})


@login_required
@require_GET
def application_list(request):
    return _list(request, Application, "continuity/application_list.html")


@login_required
@generic.get_or_post
def application_create(request):
    return generic.create(request, ApplicationForm, title=_("New application"),
                          cancel=reverse("continuity:application_list"))


@login_required
@require_GET
def application_detail(request, uuid):
    application = generic.fetch(request, Application.objects.select_related("organisation"), uuid)
    picture = services.dependency_graph([application], _("What %(name)s needs") % {"name": application.name})
    return render(request, "continuity/application_detail.html", {
        "application": application, "graph": picture, "activities": services.activities_needing(application),
        "can_change": can(request.user, "change", application), "plans": application.backup_plans.all()})


@login_required
@generic.get_or_post
def application_edit(request, uuid):
    application = generic.fetch(request, Application.objects.all(), uuid, "change")
    return generic.edit(request, application, ApplicationForm, title=_("Edit %(name)s") % {"name": application.name},
                        user=request.user)


@login_required
@generic.get_or_post
def application_delete(request, uuid):
    application = generic.fetch(request, Application.objects.all(), uuid, "delete")
    return generic.delete(request, application, back=reverse("continuity:application_list"),
                          cancel=application.get_absolute_url())


@login_required
@require_GET
def component_list(request):
    return _list(request, Component, "continuity/component_list.html", related=("organisation", "team"))


@login_required
@generic.get_or_post
def component_create(request):
    return generic.create(request, ComponentForm, title=_("New infrastructure component"),
                          cancel=reverse("continuity:component_list"))


@login_required
@require_GET
def component_detail(request, uuid):
    component = generic.fetch(request, Component.objects.select_related("organisation", "team"), uuid)
    status = services.target_status(component) if component.holds_data else None
    picture = services.dependency_graph([component], _("What %(name)s needs") % {"name": component.name})
    return render(request, "continuity/component_detail.html", {
        "component": component, "status": status, "graph": picture,
        "activities": services.activities_needing(component), "can_change": can(request.user, "change", component),
        "rule_labels": {k: v() for k, v in services.RULE_LABELS.items()},
        "restore_hours": services.hours_label(round(services.predicted_restore_hours(component), 2)),
        "throughput": services.throughput(component)})


@login_required
@generic.get_or_post
def component_edit(request, uuid):
    component = generic.fetch(request, Component.objects.all(), uuid, "change")
    return generic.edit(request, component, ComponentForm, title=_("Edit %(name)s") % {"name": component.name},
                        user=request.user)


@login_required
@generic.get_or_post
def component_delete(request, uuid):
    component = generic.fetch(request, Component.objects.all(), uuid, "delete")
    return generic.delete(request, component, back=reverse("continuity:component_list"),
                          cancel=component.get_absolute_url())


@login_required
@require_GET
def supplier_list(request):
    return _list(request, Supplier, "continuity/supplier_list.html")


@login_required
@generic.get_or_post
def supplier_create(request):
    return generic.create(request, SupplierForm, title=_("New supplier"), cancel=reverse("continuity:supplier_list"))


@login_required
@generic.get_or_post
def supplier_edit(request, uuid):
    supplier = generic.fetch(request, Supplier.objects.all(), uuid, "change")
    return generic.edit(request, supplier, SupplierForm, title=_("Edit %(name)s") % {"name": supplier.name},
                        user=request.user, extra={"delete_url": reverse("continuity:supplier_delete", args=[supplier.uuid])})


@login_required
@generic.get_or_post
def supplier_delete(request, uuid):
    supplier = generic.fetch(request, Supplier.objects.all(), uuid, "delete")
    back = reverse("continuity:supplier_list")
    return generic.delete(request, supplier, back=back, cancel=back)


@login_required
@require_GET
def team_list(request):
    return _list(request, Team, "continuity/team_list.html")


@login_required
@generic.get_or_post
def team_create(request):
    return generic.create(request, TeamForm, title=_("New team"), cancel=reverse("continuity:team_list"))


@login_required
@generic.get_or_post
def team_edit(request, uuid):
    team = generic.fetch(request, Team.objects.all(), uuid, "change")
    return generic.edit(request, team, TeamForm, title=_("Edit %(name)s") % {"name": team.name}, user=request.user,
                        extra={"delete_url": reverse("continuity:team_delete", args=[team.uuid])})


@login_required
@generic.get_or_post
def team_delete(request, uuid):
    team = generic.fetch(request, Team.objects.all(), uuid, "delete")
    back = reverse("continuity:team_list")
    return generic.delete(request, team, back=back, cancel=back)
