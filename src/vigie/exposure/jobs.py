"""The exposure jobs: "exposure.scan" runs services.run_scan for the scan named in the job's parameters
(a full scan or a retest); "exposure.report" builds the PDF report of an organisation; "exposure.export"
writes the bulk export of findings (CSV for the page, JSON for the API) for the user who started it, whose
right to export is checked again when it runs."""

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _

from vigie.core.jobs import JobResult, handler, output_path
from vigie.core.scoping import can

from . import exports
from .api import FindingOut
from .models import Scan
from .report import pdf_filename, report_pdf
from .services import JOB_REPORT, JOB_SCAN, record_findings_export, run_scan


@handler(JOB_SCAN)
def scan_job(job, progress):
    scan = Scan.of_job(job, _("The scan of this job no longer exists."), "organisation", "finding")
    run_scan(scan, progress)
    url = scan.finding.get_absolute_url() if scan.kind == Scan.Kind.RETEST and scan.finding else scan.get_absolute_url()
    return JobResult(url=url)


@handler(JOB_REPORT)
def report_job(job, progress):
    progress(10, _("Building the report…"))
    return JobResult(filename=pdf_filename(job.organisation), content=report_pdf(job.organisation))


@handler(exports.JOB_EXPORT)
def export_job(job, progress):
    user, fmt, filters = job.created_by, job.params.get("format", "csv"), job.params.get("filters", {})
    if user is None or not user.is_active or not can(user, "export", job.organisation):
        raise PermissionDenied(_("The user who started this export may no longer export this organisation."))
    rows = exports.findings(user, filters)
    total = rows.count()
    named = job.organisation if filters.get("organisation") else None  # the job is kept on the chosen one
    record_findings_export(user, rows=total, format=fmt, organisation=named, filters=filters)
    name = f"findings-{named.pk if named else job.organisation.pk}-{timezone.localdate():%Y%m%d}.{fmt}"
    if fmt == "json":
        exports.write_json(output_path(job, name), rows, total, progress, FindingOut)
    else:
        exports.write_csv(output_path(job, name), rows, total, progress)
    return JobResult(name, written=True)
