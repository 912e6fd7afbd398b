"""The exposure jobs: "exposure.scan" runs services.run_scan for the scan named in the job's parameters
(a full scan or a retest); "exposure.report" builds the PDF report of an organisation."""

from django.utils.translation import gettext as _

from vigie.core.jobs import JobResult, handler

from .models import Scan
from .report import pdf_filename, report_pdf
from .services import JOB_REPORT, JOB_SCAN, run_scan


@handler(JOB_SCAN)
def scan_job(job, progress):
    scan = Scan.objects.select_related("organisation", "finding").filter(
        uuid=job.params.get("scan"), organisation=job.organisation).first()
    if scan is None:
        raise LookupError(_("The scan of this job no longer exists."))
    run_scan(scan, progress)
    url = scan.finding.get_absolute_url() if scan.kind == Scan.Kind.RETEST and scan.finding else scan.get_absolute_url()
    return JobResult(url=url)


@handler(JOB_REPORT)
def report_job(job, progress):
    progress(10, _("Building the report…"))
    return JobResult(filename=pdf_filename(job.organisation), content=report_pdf(job.organisation))
