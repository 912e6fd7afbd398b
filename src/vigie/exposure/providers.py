"""Evidence for CaRE D1.O2.B (minimum exposure level held: two audits 45 to 60 days apart).

The provider returns the organisation's exposure audits up to the reference date that reached the minimum
level (audits.MIN_LEVEL), with the level as `value`; the framework's interval rule then finds the pair.
The pair `audits.care_pair()` picks is named in each record's detail, so the coverage page shows which two
audits prove it. Audits below the minimum level are not evidence that the level held, so they are left out,
and so are the audits before the last one below it (the level was not held across it).
"""

import datetime

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vigie.compliance.providers import EvidenceRecord, register_provider

from .audits import audits_holding, care_pair, level_label

PROVIDER_KEY = "exposure.audits"
REFERENCES = ["care-d1:D1.O2.B"]
LIMIT = 12


def exposure_audits(organisation, requirement, as_of: datetime.date):
    pair = care_pair(organisation, as_of)
    paired = {pair.first.pk, pair.second.pk} if pair else set()
    audits = audits_holding(organisation, as_of)[:LIMIT]
    records = []
    for audit in audits:
        detail = _("%(critical)s critical, %(high)s high findings; %(dangerous)s dangerous services") % {
            "critical": audit.counts.get("critical", 0), "high": audit.counts.get("high", 0),
            "dangerous": len(audit.dangerous_services)}
        if audit.pk in paired:
            detail += " · " + _("pair held over %(days)s days") % {"days": pair.days}
        records.append(EvidenceRecord(
            title=_("%(title)s: level %(level)s (%(label)s)") % {"title": audit.title, "level": audit.level,
                                                                "label": level_label(audit.level)},
            date=audit.performed_on, url=audit.get_absolute_url(), value=float(audit.level), detail=detail))
    return records


def register() -> None:
    register_provider(PROVIDER_KEY, REFERENCES, exposure_audits, label=gettext_lazy("Internet-exposure audits"))
