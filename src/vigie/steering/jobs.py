"""The steering jobs, each acting for the user who started it, checked again when it runs (roles may have
changed since): "steering.matrix_export" writes the matrix of a level as CSV or XLSX (the page's filter),
"steering.report" prints the yearly PDF report of a node, "steering.monitoring" writes the national
monitoring export of the establishments under it."""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import QueryDict
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext

from vigie.accounts.audit import record
from vigie.accounts.models import AuditEvent
from vigie.core.scoping import can, scoped
from vigie.core.jobs import JobResult, enqueue, handler
from vigie.core.registry import registry

from . import exports, matrix, monitoring, report
from .models import Summary
from .services import establishments

EXPORT = "steering.matrix_export"
REPORT = "steering.report"
MONITORING = "steering.monitoring"


def launch_matrix_export(user, node, query: QueryDict, fmt: str):
    params = {"query": query.urlencode(), "format": fmt, "language": translation.get_language() or "fr"}
    return enqueue(EXPORT, organisation=node, user=user, params=params)


def _allowed(job):
    node, user = job.organisation, job.created_by
    if user is None or not can(user, "export", node):
        raise PermissionDenied(gettext("The user who started this job may no longer export this organisation."))
    return node, user


def _record(node, user, **changes) -> None:
    record(AuditEvent.Action.EXPORT, obj=node, user=user, changes=changes, object_repr=node.name)


def _stamped(prefix: str, node, fmt: str) -> str:
    return f"{prefix}-{slugify(node.name) or node.uuid}-{timezone.localtime():%Y%m%d-%H%M}.{fmt}"


@handler(EXPORT)
def export_matrix(job, progress) -> JobResult:
    node, user = _allowed(job)
    fmt = job.params.get("format", "csv")
    with translation.override(job.params.get("language") or settings.LANGUAGE_CODE):
        columns = matrix.indicators()
        cells = [exports.row_cells(row) for row in exports.matrix_rows(user, node, job.params.get("query", ""),
                                                                       progress)]
        head = exports.header(columns)
        content = exports.as_xlsx(head, cells, gettext("Matrix")) if fmt == "xlsx" else exports.as_csv(head, cells)
    _record(node, user, rows=len(cells), format=fmt)
    return JobResult(_stamped("matrix", node, fmt), content)


@handler(REPORT)
def report_job(job, progress) -> JobResult:
    node, user = _allowed(job)
    year = int(job.params["year"])
    progress(5, gettext("Reading the indicators…"))
    with translation.override(job.params.get("language") or settings.LANGUAGE_CODE):
        content = report.pdf(node, user, year, progress)
    _record(node, user, report="steering", year=year, format="pdf")
    return JobResult(report.filename(node, year), content)


@handler(MONITORING)
def monitoring_job(job, progress) -> JobResult:
    node, user = _allowed(job)
    found = monitoring.catalogue()
    monitoring.check_indicators(found, set(registry.indicators))
    fmt = job.params.get("format", "csv")
    summaries = scoped(Summary.objects.filter(organisation__path__startswith=node.path), user, "view")
    table = monitoring.rows(found, scoped(establishments(node), user, "view"), summaries)
    progress(70, "")
    content = monitoring.as_xlsx(found, table) if fmt == "xlsx" else monitoring.as_csv(found, table)
    _record(node, user, export="monitoring", rows=len(table), format=fmt)
    return JobResult(_stamped("suivi-national", node, fmt), content)
