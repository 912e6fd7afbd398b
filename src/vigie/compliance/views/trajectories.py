"""Trajectories pages: per organisation (HospiConnect gaps, identification means, budget history), and the
lists and forms of applications, yearly indicators and budget declarations."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from vigie.core.paging import page_of
from vigie.core.scoping import can, scoped
from vigie.organisations.models import Organisation

from .. import trajectories as service
from ..declarations import budget_target
from ..forms.trajectories import BudgetDeclarationForm, IdentityApplicationForm, IdentityIndicatorsForm
from ..models import BudgetDeclaration, IdentityApplication, IdentityIndicators
from .common import fetch

get_or_post = require_http_methods(["GET", "POST"])
ESTABLISHMENT_KINDS = ("ght", "legal_entity", "site")
KINDS = {
    "applications": (IdentityApplication, IdentityApplicationForm, gettext_lazy("Applications and identification means")),
    "indicators": (IdentityIndicators, IdentityIndicatorsForm, gettext_lazy("Identification indicators")),
    "budgets": (BudgetDeclaration, BudgetDeclarationForm, gettext_lazy("Budget declarations")),
}


@login_required
@require_GET
def trajectory_home(request):
    organisations = scoped(Organisation.objects.filter(kind__in=ESTABLISHMENT_KINDS), request.user, "view")
    page = page_of(request, organisations.order_by("path"))
    return render(request, "compliance/trajectories/home.html", {"organisations": page, "page_obj": page})


@login_required
@require_GET
def trajectory_detail(request, uuid):
    organisation = fetch(request, Organisation.objects.all(), uuid, "view")
    applications = scoped(IdentityApplication.objects.filter(organisation=organisation), request.user, "view")
    return render(request, "compliance/trajectories/detail.html", {
        "organisation": organisation, "years": service.gaps(organisation), "applications": applications,
        "summary": service.means_summary(organisation), "budgets": service.budget_history(organisation),
        "budget_target": budget_target(),
        "indicators": IdentityIndicators.objects.filter(organisation=organisation).order_by("-year"),
    })


def _list(request, kind: str):
    model, _form, title = KINDS[kind]
    page = page_of(request, scoped(model.objects.select_related("organisation"), request.user, "view"))
    rows = [service.budget_row(item) for item in page] if model is BudgetDeclaration else page
    return render(request, f"compliance/trajectories/{kind}.html", {
        "items": rows, "page_obj": page, "title": title, "kind": kind, "budget_target": budget_target()})


def _save(request, kind: str, instance=None):
    model, form_class, title = KINDS[kind]
    form = form_class(request.POST or None, instance=instance, user=request.user)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            obj = form.save(commit=False)
            if model is BudgetDeclaration:
                obj.declared_by = request.user
            obj.save()
            if not can(request.user, "change" if instance else "add", obj):
                raise Http404  # rolls back: outside what the user may write
        messages.success(request, _("Saved."))
        return redirect("compliance:trajectory_detail", obj.organisation.uuid)
    return render(request, "compliance/trajectories/form.html", {"form": form, "title": title, "kind": kind,
                                                                  "object": instance})


@login_required
@require_GET
def application_list(request):
    return _list(request, "applications")


@login_required
@get_or_post
def application_create(request):
    return _save(request, "applications")


@login_required
@get_or_post
def application_edit(request, uuid):
    return _save(request, "applications", fetch(request, IdentityApplication.objects.all(), uuid, "change"))


@login_required
@require_GET
def indicators_list(request):
    return _list(request, "indicators")


@login_required
@get_or_post
def indicators_create(request):
    return _save(request, "indicators")


@login_required
@get_or_post
def indicators_edit(request, uuid):
    return _save(request, "indicators", fetch(request, IdentityIndicators.objects.all(), uuid, "change"))


@login_required
@require_GET
def budget_list(request):
    return _list(request, "budgets")


@login_required
@get_or_post
def budget_create(request):
    return _save(request, "budgets")


@login_required
@get_or_post
def budget_edit(request, uuid):
    return _save(request, "budgets", fetch(request, BudgetDeclaration.objects.all(), uuid, "change"))
