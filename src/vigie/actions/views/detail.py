"""One action: its page and journal, creation, edition, status moves, notes, merging."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from .. import services
from ..forms import ActionForm, MergeForm, MoveForm, NoteForm
from ..models import Action
from .common import get_action, may, require_add, safe_next

get_or_post = require_http_methods(["GET", "POST"])


@login_required
@require_GET
def detail(request, uuid):
    action = get_action(request, uuid)
    return render(request, "actions/detail.html", {
        "action": action, "notes": action.notes.select_related("author"), "merged": action.merged.all(),
        "can_change": may(request.user, "change", action), "note_form": NoteForm(), "today": timezone.localdate(),
    })


@login_required
@get_or_post
def create(request):
    require_add(request.user)
    initial = {"organisation": request.GET.get("organisation")} if request.GET.get("organisation") else None
    form = ActionForm(request.POST or None, instance=Action(), user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            action = services.save_action(form.instance, request.user, created=True)
        except PermissionError:
            raise Http404 from None
        messages.success(request, _("The action “%(title)s” was created.") % {"title": action.title})
        return redirect(action)
    return render(request, "actions/form.html", {"form": form, "creating": True})


@login_required
@get_or_post
def edit(request, uuid):
    action = get_action(request, uuid, "change")
    if action.merged_into_id:
        raise PermissionDenied
    old_status = action.get_status_display()
    form = ActionForm(request.POST or None, instance=action, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            action = services.save_action(form.instance, request.user, created=False)
        except PermissionError:
            raise Http404 from None
        if "status" in form.changed_data:
            services.note(action, _("Status: %(old)s → %(new)s.") % {
                "old": old_status, "new": action.get_status_display()}, request.user)
        messages.success(request, _("The action “%(title)s” was saved.") % {"title": action.title})
        return redirect(action)
    return render(request, "actions/form.html", {"form": form, "creating": False, "action": action})


@login_required
@require_POST
def move(request, uuid):
    """A status change from the board or the detail page; HTMX swaps the board in place."""
    action = get_action(request, uuid, "change")
    form = MoveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a status."))
    else:
        try:
            services.change_status(action, form.cleaned_data["status"], request.user)
        except services.Refused as exc:
            messages.error(request, str(exc))
    return redirect(safe_next(request, action.get_absolute_url()))


@login_required
@require_POST
def note_add(request, uuid):
    action = get_action(request, uuid, "change")
    form = NoteForm(request.POST)
    if form.is_valid():
        services.note(action, form.cleaned_data["text"], request.user)
        messages.success(request, _("Your note was added."))
    else:
        messages.error(request, _("A note cannot be empty."))
    return redirect(action)


@login_required
@get_or_post
def merge(request, uuid):
    survivor = get_action(request, uuid, "change")
    form = MergeForm(request.POST or None, survivor=survivor, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.merge_actions(survivor, list(form.cleaned_data["duplicates"]), request.user)
        except services.Refused as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The duplicates were merged into this action."))
            return redirect(survivor)
    return render(request, "actions/merge.html", {"action": survivor, "form": form})
