"""The "directory.audit" job: runs services.run_audit for the audit named in the job's parameters."""

from django.utils.translation import gettext as _

from vigie.core.jobs import JobResult, handler

from .models import Audit
from .services import JOB_KIND, run_audit


@handler(JOB_KIND)
def audit_job(job, progress):
    audit = Audit.of_job(job, _("The audit of this job no longer exists."), "directory", "organisation")
    run_audit(audit, progress)
    return JobResult(url=audit.get_absolute_url())
