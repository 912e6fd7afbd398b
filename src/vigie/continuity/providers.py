"""Evidence for CaRE Domain 2 from the continuity module (see docs/evidence-providers.md).

- `continuity.bia_pcra` → `care-d2:D2.O1.C`: one record when the organisation (and its sites) has, for each of
  the three categories, a critical activity with its BIA and a validated PCRA; the compliance coverage rule
  then weighs the establishments' activity shares against 66 %.
- `continuity.restore_tests` → `care-d2:D2.O4`: successful restores to production validated by a referent.
- `continuity.backup_plans` → `care-d2:D2.O2.B`, `care-d2:D2.O3.B`: backup plans (with an isolation
  procedure for D2.O3.B) of the components behind critical activities.
"""

import datetime

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vigie.compliance.providers import EvidenceRecord, register_provider

from .models import BackupPlan, RestoreTest
from .services import unit_activities, unit_status

LIMIT = 12


def bia_pcra(organisation, requirement, as_of: datetime.date):
    bia, pcra, _no_bia, _no_pcra = unit_status(organisation)
    if not (bia and pcra):
        return []
    dates = unit_activities(organisation).filter(pcra_validated_on__lte=as_of).order_by("-pcra_validated_on")
    latest = dates.values_list("pcra_validated_on", flat=True).first()
    if latest is None:
        return []
    count = dates.count()
    return [EvidenceRecord(
        title=_("BIA and PCRA of %(count)d critical activities") % {"count": count}, date=latest,
        url=reverse("continuity:activity_list") + f"?organisation={organisation.uuid}",
        detail=_("Care service, administrative process and technical platform each covered."))]


def restore_tests(organisation, requirement, as_of: datetime.date):
    tests = (RestoreTest.objects.filter(organisation=organisation, tested_on__lte=as_of, success=True,
                                        to_production=True, validated=True)
             .select_related("plan").order_by("-tested_on")[:LIMIT])
    return [EvidenceRecord(title=_("Restore test of %(plan)s") % {"plan": t.plan.name}, date=t.tested_on,
                           url=t.get_absolute_url(),
                           detail=_("%(minutes)d min, referent: %(referent)s") % {
                               "minutes": t.duration_minutes, "referent": t.referent})
            for t in tests]


def backup_plans(organisation, requirement, as_of: datetime.date):
    plans = BackupPlan.objects.filter(organisation=organisation, updated_at__date__lte=as_of)
    if getattr(requirement, "code", "") == "D2.O3.B":
        plans = plans.exclude(isolation_procedure="")
    return [EvidenceRecord(title=_("Backup plan %(plan)s") % {"plan": p.name}, date=p.updated_at.date(),
                           url=p.get_absolute_url())
            for p in plans.order_by("-updated_at")[:LIMIT]]


def register() -> None:
    register_provider("continuity.bia_pcra", ["care-d2:D2.O1.C"], bia_pcra,
                      label=gettext_lazy("BIA and PCRA of critical activities"))
    register_provider("continuity.restore_tests", ["care-d2:D2.O4"], restore_tests,
                      label=gettext_lazy("Restore tests to production"))
    register_provider("continuity.backup_plans", ["care-d2:D2.O2.B", "care-d2:D2.O3.B"], backup_plans,
                      label=gettext_lazy("Backup plans"))
