"""The steering jobs: "steering.report" prints the yearly PDF report of a node, "steering.monitoring" writes
the national monitoring export (CSV or XLSX) of the establishments under it. Both act for the user who
started them, checked again when they run (roles may have changed since)."""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext

from vigie.accounts.scoping import can, scoped
from vigie.core.jobs import JobResult, handler
from vigie.core.registry import registry

from . import monitoring, report
from .models import Summary
from .services import establishments

REPORT = "steering.report"
MONITORING = "steering.monitoring"


def _allowed(job):
    node, user = job.organisation, job.created_by
    if user is None or not can(user, "export", node):
        raise PermissionDenied(gettext("The user who started this job may no longer export this organisation."))
    return node, user


def _record(node, user, **changes) -> None:
    from vigie.accounts.audit import record
    from vigie.accounts.models import AuditEvent

    record(AuditEvent.Action.EXPORT, obj=node, user=user, changes=changes, object_repr=node.name)


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
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return JobResult(f"suivi-national-{slugify(node.name) or node.uuid}-{stamp}.{fmt}", content)
