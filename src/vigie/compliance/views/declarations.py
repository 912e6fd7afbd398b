"""Funding declarations: list, prepare, detail with its workflow, edit, steps, evidence pack; funding calls.

A dossier is found with "view" (members of a GHT see their group's dossier); what the user may do with it
is decided by the service (declarations.py), which answers with a message, never by hiding the page.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from vigie.core import recent
from vigie.core.generic import get_or_post
from vigie.core.paging import page_of
from vigie.core.scoping import can

from .. import declarations as service
from ..evidence_pack import launch
from ..filters import DeclarationFilter
from ..forms.declarations import (CallDateForm, CommentForm, DeclarationCreateForm, DeclarationEditForm,
                                  TransitionForm)
from ..models import CallDate


@require_GET
def declaration_list(request, items):
    filters = DeclarationFilter(request.GET, user=request.user)
    items = filters.filter_queryset(items.select_related("organisation", "call", "version__framework"))
    return render(request, "compliance/declarations/list.html", {
        "declarations": (page := page_of(request, items)), "page_obj": page, "filters": filters,
        "calls": service.calls(),
    })


@get_or_post
def declaration_create(request):
    form = DeclarationCreateForm(request.POST or None, user=request.user, initial={"call": request.GET.get("call")})
    if request.method == "POST" and form.is_valid():
        try:
            declaration = service.prepare(user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        except service.Refused as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The dossier was prepared."))
            return redirect(declaration)
    return render(request, "compliance/declarations/form.html", {"form": form, "title": _("New funding dossier")})


@require_GET
def declaration_detail(request, declaration):
    return render(request, "compliance/declarations/detail.html", {
        "declaration": declaration, "steps": service.allowed_steps(declaration, request.user),
        "may_comment": service.on_a_side(declaration, request.user), "comment_form": CommentForm(),
        "next_step": service.next_step(declaration), "transition_form": TransitionForm(),
        "history": declaration.transitions.select_related("actor"),
        "warnings": service.warnings(declaration, timezone.localdate()),
        "may_edit": service.may_edit(declaration, request.user),
        "may_export": can(request.user, "export", declaration),
    })


@get_or_post
def declaration_edit(request, declaration):
    try:
        service.check_editable(declaration, request.user)
    except service.Refused as exc:
        messages.error(request, str(exc))
        return redirect(declaration)
    form = DeclarationEditForm(request.POST or None, instance=declaration)
    if request.method == "POST" and form.is_valid():
        try:
            service.update(declaration, request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The dossier was saved."))
            return redirect(declaration)
    return render(request, "compliance/declarations/form.html", {
        "form": form, "declaration": declaration, "title": _("Edit the dossier")})


def _require_side(request, declaration) -> None:
    """A workflow route's dossier is found with "view" by its declaration; then 403 for a mere reader."""
    try:
        service.require_side(declaration, request.user)
    except service.NotAllowed as exc:
        raise PermissionDenied(str(exc)) from None


@require_POST
def declaration_transition(request, declaration):
    _require_side(request, declaration)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a step."))
        return redirect(declaration)
    data = form.cleaned_data
    options = {"amount_paid": data["amount_paid"]} if data["step"] == "pay" else {}
    try:
        service.take(declaration, data["step"], request.user, data["comment"], **options)
    except service.NotAllowed as exc:
        raise PermissionDenied(str(exc)) from None
    except service.Refused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The dossier is now: %(status)s.") % {"status": declaration.get_status_display()})
    return redirect(declaration)


@require_POST
def declaration_comment(request, declaration):
    _require_side(request, declaration)
    form = CommentForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Comment: %(errors)s") % {"errors": " ".join(form.errors.get("comment", []))})
        return redirect(declaration)
    try:
        service.comment_on(declaration, request.user, form.cleaned_data["comment"])
    except service.Refused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Your comment was added to the dossier's history."))
    return redirect(declaration)


@get_or_post
def declaration_evidence_pack(request, declaration):
    if request.method == "POST":  # the declaration checked "export"
        if confirm := recent.confirm_first(request):
            return confirm
        return redirect(launch(declaration, request.user))
    return render(request, "compliance/declarations/evidence_pack.html", {
        "declaration": declaration, "may_export": can(request.user, "export", declaration)})


# --- funding calls (reference data) -----------------------------------------------------------------------


@login_required
@require_GET
def funding_call_list(request):
    return render(request, "compliance/declarations/call_list.html", {
        "calls": service.calls(), "may_edit": service.may_edit_dates(request.user)})


@login_required
@require_GET
def funding_call_detail(request, uuid):
    call = get_object_or_404(service.calls(), uuid=uuid)
    return render(request, "compliance/declarations/call_detail.html", {
        "call": call, "may_edit": service.may_edit_dates(request.user)})


@login_required
@get_or_post
def call_date_edit(request, uuid):
    row = get_object_or_404(CallDate.objects.select_related("call"), uuid=uuid)
    if not service.may_edit_dates(request.user):
        raise PermissionDenied(_("Only platform administrators may change the programme's dates."))
    form = CallDateForm(request.POST or None, instance=row)
    if request.method == "POST" and form.is_valid():
        try:
            service.edit_date(row, request.user, value=form.cleaned_data["date"], source=form.cleaned_data["source"])
        except service.Refused as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The date was saved."))
            return redirect(row.call)
    return render(request, "compliance/declarations/form.html", {"form": form, "title": str(row)})
