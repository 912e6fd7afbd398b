"""Trajectories (instruction DNS/2025/12, actions 6 and 7): HospiConnect targets and gaps, budget shares.

The yearly targets are not written here: they are the `target:` entries of the HospiConnect framework
file (metric, minimum, due date, source and confidence), read from its latest loaded version. The budget
target is in data/programme.yaml. Computations are plain functions over the stored counts.
"""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext_lazy as _

from .declarations import budget_target
from .library import ensure_bundled
from .models import BudgetDeclaration, FrameworkVersion, IdentityApplication, IdentityIndicators, localised

FRAMEWORK = "hospiconnect"
# metric of the framework file → (label, numerator field, denominator field) of IdentityIndicators
METRICS = {
    "mfa_doctors_nurses": (_("Doctors and nurses with two-factor sign-in"), "doctors_nurses_2fa", "doctors_nurses"),
    "mfa_all_users": (_("All users with two-factor sign-in"), "all_users_2fa", "all_users"),
    "dmp_consent_rate": (_("DMP consent or refusal collected"), "dmp_consents", "dmp_patients"),
    "dmp_consultation_rate": (_("Authorised users who consulted a DMP"), "dmp_consulting", "dmp_users"),
}
TENTH = Decimal("0.1")


def percent(part, whole) -> Decimal | None:
    """part / whole in percent, one decimal; None when unknown or the whole is zero."""
    if part is None or whole in (None, 0):
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(TENTH, rounding=ROUND_HALF_UP)


def gap_to(minimum: Decimal, measured: Decimal | None) -> Decimal | None:
    """Percentage points still missing to reach the target (0 when reached), None when not measured."""
    if measured is None:
        return None
    return max(Decimal("0"), Decimal(minimum) - measured).quantize(TENTH)


@dataclass(frozen=True, slots=True)
class Target:
    metric: str
    year: int
    minimum: Decimal
    code: str
    title: str
    confidence: str
    source: str

    @property
    def label(self) -> str:
        return str(METRICS[self.metric][0])


def targets(version: FrameworkVersion | None = None) -> list[Target]:
    """The yearly targets the HospiConnect file declares, by year then metric."""
    if version is None:
        ensure_bundled()
        version = FrameworkVersion.objects.filter(framework__key=FRAMEWORK).order_by("-loaded_at").first()
    if version is None:
        return []
    default_confidence = version.document.get("source", {}).get("confidence", "NC")
    found = []
    for requirement in version.requirements.all():
        target = requirement.data.get("target")
        due = requirement.data.get("due", "")
        if not target or target.get("metric") not in METRICS or not due:
            continue
        source = requirement.data.get("source", {})
        found.append(Target(
            metric=target["metric"], year=int(due[:4]), minimum=Decimal(str(target["minimum"])),
            code=requirement.code, title=localised(requirement.data.get("title")),
            confidence=source.get("confidence", default_confidence), source=source.get("reference", ""),
        ))
    order = list(METRICS)
    return sorted(found, key=lambda t: (t.year, order.index(t.metric)))


def measured(indicators: IdentityIndicators | None, metric: str) -> Decimal | None:
    if indicators is None:
        return None
    _label, part, whole = METRICS[metric]
    return percent(getattr(indicators, part), getattr(indicators, whole))


@dataclass(slots=True)
class Gap:
    target: Target
    indicators: IdentityIndicators | None
    value: Decimal | None
    gap: Decimal | None

    @property
    def met(self) -> bool | None:
        return None if self.gap is None else self.gap == 0

    @property
    def measured_in(self) -> int | None:
        return self.indicators.year if self.indicators is not None else None


@dataclass(slots=True)
class YearGaps:
    year: int
    gaps: list[Gap] = field(default_factory=list)


def gaps(organisation, version: FrameworkVersion | None = None) -> list[YearGaps]:
    """For each target year, each target against the measure of that year — or, before it exists, the
    latest measure taken earlier, so the gap shows how far the establishment still is."""
    measures = list(IdentityIndicators.objects.filter(organisation=organisation).order_by("year"))
    years: dict[int, YearGaps] = {}
    for target in targets(version):
        earlier = [m for m in measures if m.year <= target.year]
        indicators = earlier[-1] if earlier else None
        value = measured(indicators, target.metric)
        row = years.setdefault(target.year, YearGaps(target.year))
        row.gaps.append(Gap(target, indicators, value, gap_to(target.minimum, value)))
    return list(years.values())


@dataclass(slots=True)
class BudgetRow:
    declaration: BudgetDeclaration
    share: Decimal | None
    target: Decimal
    gap: Decimal | None

    @property
    def met(self) -> bool | None:
        return None if self.gap is None else self.gap == 0


def budget_row(declaration: BudgetDeclaration, target: Decimal | None = None) -> BudgetRow:
    target = budget_target()["share_percent"] if target is None else target
    share = declaration.share
    gap = None if share is None else max(Decimal("0"), target - share).quantize(Decimal("0.01"))
    return BudgetRow(declaration, share, target, gap)


def budget_history(organisation) -> list[BudgetRow]:
    target = budget_target()["share_percent"]
    return [budget_row(d, target) for d in BudgetDeclaration.objects.filter(organisation=organisation).order_by("-year")]


@dataclass(frozen=True, slots=True)
class MeansSummary:
    applications: int
    patient_record: int
    patient_record_strong: int
    pro_sante_connect: int
    homologated: int


def means_summary(organisation) -> MeansSummary:
    apps = list(IdentityApplication.objects.filter(organisation=organisation))
    dpi = [a for a in apps if a.patient_record]
    return MeansSummary(
        applications=len(apps), patient_record=len(dpi), patient_record_strong=sum(a.strong for a in dpi),
        pro_sante_connect=sum(a.pro_sante_connect for a in apps),
        homologated=sum(a.homologation in IdentityApplication.HOMOLOGATED for a in apps),
    )
