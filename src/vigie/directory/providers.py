"""Evidence for CaRE: the AD audits of an organisation, with the ADS level reached as `value`.

- `care-d1:D1.ADS` (ADS audit carried out): the organisation's finished audits.
- `care-d2:D2.O3.A` (dedicated backup directory at level ≥ 3 in an audit < 60 days old): the audits of the
  directories flagged "dedicated backup directory" (all directories when none is flagged); the framework's
  freshness rules (max_age_days 60, min_value 3) decide validity.
"""

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vigie.compliance.providers import EvidenceRecord, register_provider

from .models import Audit

PROVIDER_KEY = "directory.audits"
REFERENCES = ["care-d1:D1.ADS", "care-d2:D2.O3.A"]
LIMIT = 12


def directory_audits(organisation, requirement, as_of: datetime.date):
    end = timezone.make_aware(datetime.datetime.combine(as_of + datetime.timedelta(days=1), datetime.time()))
    audits = Audit.objects.filter(organisation=organisation, status=Audit.Status.DONE, finished_at__lt=end)
    if getattr(requirement, "code", "") == "D2.O3.A" and audits.filter(directory__dedicated_backup=True).exists():
        audits = audits.filter(directory__dedicated_backup=True)
    records = []
    for audit in audits.select_related("directory").order_by("-finished_at")[:LIMIT]:
        records.append(EvidenceRecord(
            title=_("AD audit of %(directory)s: level %(level)d") % {"directory": audit.directory.name,
                                                                    "level": audit.level or 0},
            date=timezone.localtime(audit.finished_at).date(), url=audit.get_absolute_url(),
            value=float(audit.level or 0),
            detail=_("%(count)d failing checks; snapshot SHA-256 %(sha)s") % {
                "count": audit.failing_count, "sha": audit.snapshot_sha256[:16]},
        ))
    return records


def register() -> None:
    register_provider(PROVIDER_KEY, REFERENCES, directory_audits, label=gettext_lazy("Active Directory audits"))
