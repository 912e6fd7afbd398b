"""Trajectories pages: per organisation (HospiConnect gaps, identification means, budget history), and the
lists and forms of applications, yearly indicators and budget declarations.

Custom rather than core.generic: one form view serves three models and returns to the organisation's page.
"""

from django.contrib import messages
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from vigie.core.generic import get_or_post, visible
from vigie.core.paging import page_of
from vigie.core.scoping import can

from .. import trajectories as service
from ..declarations import budget_target
from ..forms.trajectories import BudgetDeclarationForm, IdentityApplicationForm, IdentityIndicatorsForm
from ..models import BudgetDeclaration, IdentityApplication, IdentityIndicators

ESTABLISHMENT_KINDS = ("ght", "legal_entity", "site")
KINDS = {
    "applications": (IdentityApplication, IdentityApplicationForm, gettext_lazy("Applications and identification means")),
    "indicators": (IdentityIndicators, IdentityIndicatorsForm, gettext_lazy("Identification indicators")),
    "budgets": (BudgetDeclaration, BudgetDeclarationForm, gettext_lazy("Budget declarations")),
}


@require_GET
def trajectory_home(request, organisations):
    organisations = organisations.filter(kind__in=ESTABLISHMENT_KINDS)
    page = page_of(request, organisations.order_by("path"))
    return render(request, "compliance/trajectories/home.html", {"organisations": page, "page_obj": page})


@require_GET
def trajectory_detail(request, organisation):
    applications = visible(request, IdentityApplication.objects.filter(organisation=organisation))
    return render(request, "compliance/trajectories/detail.html", {
        "organisation": organisation, "years": service.gaps(organisation), "applications": applications,
        "summary": service.means_summary(organisation), "budgets": service.budget_history(organisation),
        "budget_target": budget_target(),
        "indicators": IdentityIndicators.objects.filter(organisation=organisation).order_by("-year"),
    })


def _list(request, kind: str, items):
    model, _form, title = KINDS[kind]
    page = page_of(request, items.select_related("organisation"))
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


@require_GET
def application_list(request, items):
    return _list(request, "applications", items)


@get_or_post
def application_create(request):
    return _save(request, "applications")


@get_or_post
def application_edit(request, application):
    return _save(request, "applications", application)


@require_GET
def indicators_list(request, items):
    return _list(request, "indicators", items)


@get_or_post
def indicators_create(request):
    return _save(request, "indicators")


@get_or_post
def indicators_edit(request, indicators):
    return _save(request, "indicators", indicators)


@require_GET
def budget_list(request, items):
    return _list(request, "budgets", items)


@get_or_post
def budget_create(request):
    return _save(request, "budgets")


@get_or_post
def budget_edit(request, budget):
    return _save(request, "budgets", budget)
