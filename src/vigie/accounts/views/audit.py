"""The audit log, for administrators: what happened under the nodes they administer."""

from django.core.paginator import Paginator
from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from vigie.core import recent

from ..audit import record
from ..exports import audit_rows, csv_lines
from ..filters import AuditEventFilter
from ..models import AuditEvent
from .common import admin_required


def _filtered(request, events):
    filters = AuditEventFilter(request.GET or None, user=request.user)
    return filters, filters.filter_queryset(events.select_related("organisation"))


@admin_required
def audit_log(request, events):
    filters, events = _filtered(request, events)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(request, "accounts/audit_log.html", {"filters": filters, "page_obj": page})


@admin_required
def audit_export(request, events):
    """The filtered list as CSV; the export itself is recorded."""
    if confirm := recent.confirm_first(request):
        return confirm
    filters, events = _filtered(request, events)
    record(AuditEvent.Action.EXPORT, object_repr=_("Audit log (CSV)"),
           changes={"filters": filters.active_filters(), "rows": events.count()})
    header = [_("When"), _("User"), _("Action"), _("Object type"), _("Object"), _("Organisation"),
              _("Organisation path"), _("Address"), _("Changes")]
    response = StreamingHttpResponse(csv_lines(header, audit_rows(events)), content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="vigie-audit-{stamp}.csv"'
    return response
