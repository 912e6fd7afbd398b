"""Crisis log pages: list, the live log (HTMX polling for entries after the last number), append, PDF
export, and "raise an action" from an entry. Each route's declaration fetches the log through scoped().

Custom rather than core.generic: the log is append-only, written by its service, polled by HTMX."""

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from vigie.core.generic import is_htmx
from vigie.core.paging import page_of
from vigie.core.scoping import can

from .. import incidents as incident_services
from .. import log as services
from ..filters import CrisisLogFilter
from ..models import CrisisLog, LogEntry

POLL_SECONDS = 2


class EntryForm(forms.Form):
    category = forms.ChoiceField(label=_("Category"), choices=LogEntry.Category.choices)
    text = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 2}), max_length=services.MAX_TEXT)
    corrects = forms.IntegerField(label=_("Corrects entry no."), required=False, min_value=1)


def _after(request) -> int:
    try:
        return max(0, int(request.GET.get("after") or request.POST.get("after") or 0))
    except ValueError:
        return 0


@require_GET
def log_list(request, logs):
    filters = CrisisLogFilter(request.GET, user=request.user)
    page = page_of(request, filters.filter_queryset(logs.select_related("organisation")))
    return render(request, "exercises/log/list.html", {"logs": page, "page_obj": page, "filters": filters,
                                                       "kind": filters.data.get("kind"), "kinds": CrisisLog.Kind})


@require_GET
def log_detail(request, log):
    rows = list(services.entries(log))
    return render(request, "exercises/log/detail.html", {
        "log": log, "entries": rows, "last_seq": rows[-1].seq if rows else 0, "poll_seconds": POLL_SECONDS,
        "form": EntryForm(), "can_add": log.is_open and can(request.user, "add", log),
        "can_raise": can(request.user, "add", log),
    })


def _fragment(request, log, after: int):
    """New entries (appended out of band to the list), entries they correct (replaced, struck) and the
    poller asking for what comes after them."""
    rows = list(services.entries(log, after))
    corrected = {row.corrects for row in rows if row.corrects_id and row.corrects.seq <= after}
    last = rows[-1].seq if rows else after
    return render(request, "exercises/log/_fragment.html", {
        "log": log, "entries": rows, "corrected": corrected, "last_seq": last, "poll_seconds": POLL_SECONDS,
        "can_raise": can(request.user, "add", log),
    })


@require_GET
def log_entries(request, log):
    """The live view's poll: entries numbered after `?after=`, nothing else."""
    return _fragment(request, log, _after(request))


@require_POST
def log_append(request, log):
    """Append an entry. With HTMX, answers the form (empty again, or with its errors) and tells the live
    view to fetch what is new at once; without, redirects to the log."""
    form = EntryForm(request.POST)
    if form.is_valid():
        corrects = None
        if form.cleaned_data["corrects"]:
            corrects = LogEntry.objects.filter(log=log, seq=form.cleaned_data["corrects"]).first()
            if corrects is None:
                form.add_error("corrects", _("No entry with this number in this log."))
        if form.is_valid():
            try:
                services.append_entry(log, author=request.user, category=form.cleaned_data["category"],
                                      text=form.cleaned_data["text"], corrects=corrects)
            except ValidationError as exc:
                for message in exc.messages:
                    form.add_error(None, message)
    ok = form.is_valid()
    if is_htmx(request):
        response = render(request, "exercises/log/_form.html", {"log": log, "form": EntryForm() if ok else form})
        if ok:
            response["HX-Trigger"] = "vigie-log-changed"
        return response
    if ok:
        return redirect(log.get_absolute_url())
    rows = list(services.entries(log))
    return render(request, "exercises/log/detail.html", {
        "log": log, "entries": rows, "last_seq": rows[-1].seq if rows else 0, "poll_seconds": POLL_SECONDS,
        "form": form, "can_add": log.is_open, "can_raise": True,
    }, status=422)


@require_GET
def log_pdf(request, log):
    response = HttpResponse(services.export_pdf(log, request.user), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="main-courante-{log.uuid}.pdf"'
    return response


@require_POST
def entry_raise_action(request, entry):
    """An action-plan item for this entry (the same one if raised again)."""
    action, _created = incident_services.raise_action_from_entry(entry, request.user)
    return redirect(action.get_absolute_url())
