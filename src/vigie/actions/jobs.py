"""The action plan's export job: the list's filter applied for the user who started it, whose right to
export is checked again when it runs (roles may have changed since it was queued)."""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import QueryDict
from django.utils import timezone, translation
from django.utils.translation import gettext

from vigie.accounts.audit import record
from vigie.accounts.models import AuditEvent
from vigie.core.jobs import JobResult, enqueue, handler, output_path
from vigie.core.scoping import can, scoped
from vigie.organisations.models import Organisation

from . import exports

EXPORT = "actions.export"


def launch_export(user, query: QueryDict, fmt: str):
    """The job exporting the list as filtered by `query`, attached to the chosen organisation or else to
    the highest one the user may export (whose members follow the job)."""
    filters = exports.ActionFilter(query or None, user=user)
    chosen = filters.cleaned_data.get("organisation") if filters.is_bound and filters.is_valid() else None
    anchor = chosen or scoped(Organisation.objects.all(), user, "export").order_by("path").first()
    if anchor is None:
        raise PermissionDenied
    params = {"query": query.urlencode(), "format": fmt, "language": translation.get_language() or "fr"}
    return enqueue(EXPORT, organisation=anchor, user=user, params=params)


@handler(EXPORT)
def export_actions(job, progress) -> JobResult:
    user, fmt = job.created_by, job.params.get("format", "csv")
    if user is None or not user.is_active or not can(user, "export", job.organisation):
        raise PermissionDenied(gettext("The user who started this export may no longer export this organisation."))
    with translation.override(job.params.get("language") or settings.LANGUAGE_CODE):
        filters, actions = exports.filtered(user, QueryDict(job.params.get("query", "")), "export")
        total = actions.count()
        record(AuditEvent.Action.EXPORT, user=user, organisation=job.organisation,
               object_repr=gettext("Action plan (%(format)s)") % {"format": fmt.upper()},
               changes={"filters": filters.active_filters(), "rows": total})
        name = f"vigie-paq-{timezone.localtime():%Y%m%d-%H%M}.{fmt}"
        write = exports.write_xlsx if fmt == "xlsx" else exports.write_csv
        write(output_path(job, name), actions.in_order(), total, progress)
    return JobResult(name, written=True)
