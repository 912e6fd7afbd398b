"""One action: its page and journal, creation, edition, status moves, notes, merging.

Custom rather than core.generic: every write goes through services (journal notes, status rules, merges).
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from vigie.core.generic import get_or_post, safe_next
from vigie.core.scoping import can

from .. import services
from ..forms import ActionForm, MergeForm, MoveForm, NoteForm
from ..models import Action



@require_GET
def detail(request, action):
    return render(request, "actions/detail.html", {
        "action": action, "notes": action.notes.select_related("author"), "merged": action.merged.all(),
        "can_change": can(request.user, "change", action), "note_form": NoteForm(), "today": timezone.localdate(),
    })


@get_or_post
def create(request):
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


@get_or_post
def edit(request, action):
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


@require_POST
def move(request, action):
    """A status change from the board or the detail page; HTMX swaps the board in place."""
    form = MoveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a status."))
    else:
        try:
            services.change_status(action, form.cleaned_data["status"], request.user)
        except services.Refused as exc:
            messages.error(request, str(exc))
    return redirect(safe_next(request, action.get_absolute_url()))


@require_POST
def note_add(request, action):
    form = NoteForm(request.POST)
    if form.is_valid():
        services.note(action, form.cleaned_data["text"], request.user)
        messages.success(request, _("Your note was added."))
    else:
        messages.error(request, _("A note cannot be empty."))
    return redirect(action)


@get_or_post
def merge(request, survivor):
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
