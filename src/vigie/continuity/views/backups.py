"""Pages of backups: the evaluation (3-2-1-1-0, RPO vs PDMA), policies, plans, restore tests, and the
button that turns the gaps into action-plan items."""

from django.contrib import messages
from django.db.models import Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from vigie.core import generic
from vigie.core.paging import page_of
from vigie.core.scoping import can, scoped
from vigie.organisations.models import Organisation

from .. import services
from ..forms import PlanForm, PolicyForm, RestoreTestForm
from ..models import Application, BackupPlan, BackupPolicy, Component, RestoreTest
from . import create, edit


def _rule_labels():
    return {k: v() for k, v in services.RULE_LABELS.items()}


@require_GET
def backup_list(request, plans):
    """Every protected component or application the user may see, with its 3-2-1-1-0 status and gaps."""
    organisations = generic.visible(request, Organisation.objects.all())
    page = page_of(request, services.BackupTargets(organisations))
    statuses = services.target_statuses(page.object_list)
    # The policies and plans of what this page shows: a national page would otherwise list thousands
    # (every policy has its own paged list).
    policies = generic.visible(request, BackupPolicy.objects.select_related("organisation")
                               .filter(organisation__in={target.organisation_id for target in page.object_list}))
    plans = plans.select_related("organisation", "component", "application").filter(
        Q(component__in=[t for t in page.object_list if isinstance(t, Component)])
        | Q(application__in=[t for t in page.object_list if isinstance(t, Application)]))
    first = organisations.filter(kind__in=["legal_entity", "ght", "site"]).order_by("path")[:50]
    # which of them the user may change, in one query (can() on each read two)
    sync_targets = list(scoped(Organisation.objects.filter(pk__in=first.values("pk")), request.user,
                               "change").order_by("path"))
    return render(request, "continuity/backup_list.html", {
        "statuses": statuses, "page_obj": page, "policies": policies, "plans": plans, "rule_labels": _rule_labels(),
        "may_add": generic.may_add(request.user, BackupPlan), "sync_targets": sync_targets})


@require_POST
def backup_sync(request, organisation):
    """Raise (or close) the action-plan items of the organisation's backup gaps; idempotent."""
    raised, closed = services.sync_backup_actions(organisation, request.user)
    messages.success(request, _("Action plan updated for %(org)s: %(raised)d gaps open, %(closed)d closed.") % {
        "org": organisation.name, "raised": raised, "closed": closed})
    return redirect("continuity:backup_list")


@require_GET
def policy_list(request, policies):
    policies = policies.select_related("organisation").order_by("organisation__path", "title")
    return render(request, "continuity/policy_list.html", {
        "page_obj": page_of(request, policies), "may_add": generic.may_add(request.user, BackupPolicy)})


@generic.get_or_post
def policy_create(request):
    return create(request, PolicyForm, title=_("New backup policy"), cancel=reverse("continuity:backup_list"))


@generic.get_or_post
def policy_edit(request, policy):
    return edit(request, policy, PolicyForm, title=_("Edit %(name)s") % {"name": policy.title},
                        user=request.user, context={"delete_url": reverse("continuity:policy_delete", args=[policy.uuid])})


@generic.get_or_post
def policy_delete(request, policy):
    back = reverse("continuity:backup_list")
    return generic.delete(request, policy, back=back, cancel=back)


@generic.get_or_post
def plan_create(request):
    return create(request, PlanForm, title=_("New backup plan"), cancel=reverse("continuity:backup_list"))


@require_GET
def plan_detail(request, plan):
    return render(request, "continuity/plan_detail.html", {
        "plan": plan, "status": services.target_status(plan.target), "tests": plan.restore_tests.all(),
        "rule_labels": _rule_labels(), "can_change": can(request.user, "change", plan)})


@generic.get_or_post
def plan_edit(request, plan):
    return edit(request, plan, PlanForm, title=_("Edit %(name)s") % {"name": plan.name}, user=request.user)


@generic.get_or_post
def plan_delete(request, plan):
    return generic.delete(request, plan, back=reverse("continuity:backup_list"), cancel=plan.get_absolute_url())


@require_GET
def test_list(request, tests):
    tests = tests.select_related("organisation", "plan__component", "plan__application")
    page = page_of(request, tests)
    on_page = list(page.object_list)
    services.comparisons(on_page)
    return render(request, "continuity/test_list.html", {
        "rows": [(t, t.comparison) for t in on_page], "page_obj": page})


@generic.get_or_post
def test_create(request, plan):
    return edit(request, RestoreTest(plan=plan, organisation=plan.organisation), RestoreTestForm, created=True,
                title=_("New restore test of %(name)s") % {"name": plan.name}, cancel=plan.get_absolute_url(),
                initial={"tested_on": services.timezone.localdate()})


@require_GET
def test_detail(request, test):
    return render(request, "continuity/test_detail.html", {
        "test": test, "comparison": services.compare_with_targets(test),
        "can_change": can(request.user, "change", test)})


@generic.get_or_post
def test_edit(request, test):
    return edit(request, test, RestoreTestForm, title=_("Edit %(name)s") % {"name": test})


@generic.get_or_post
def test_delete(request, test):
    back = test.plan.get_absolute_url()
    return generic.delete(request, test, back=back, cancel=test.get_absolute_url())
