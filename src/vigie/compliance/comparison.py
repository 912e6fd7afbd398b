"""The yearly cyber-maturity self-assessment: history per organisation and an anonymised comparison.

Peers are the other organisations of the same legal status with a bed count in the same band (bands are
data in the framework file) that have an approved self-assessment of the same framework in the same
year. Only aggregates are computed, and only when at least PEER_MINIMUM peers exist; no query here reads
another organisation's name.
"""

import statistics
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q
from django.utils.translation import gettext as _

from .models import Assessment, FrameworkVersion

PEER_MINIMUM = 5


@dataclass(frozen=True, slots=True)
class Comparison:
    available: bool
    reason: str = ""
    peers: int = 0
    band: str = ""
    mean: Decimal | None = None
    median: Decimal | None = None
    lower_quartile: Decimal | None = None
    upper_quartile: Decimal | None = None
    own: Decimal | None = None


def self_assessment_versions():
    return FrameworkVersion.objects.filter(self_assessment=True).select_related("framework")


def history(organisation, framework_key: str):
    """Approved self-assessments of the organisation, newest first, with their kept score."""
    return (Assessment.objects.filter(organisation=organisation, version__framework__key=framework_key,
                                      status=Assessment.Status.APPROVED)
            .select_related("version").order_by("-assessed_on"))


def band_of(bed_count: int | None, bands: list[int]) -> tuple[int, int | None] | None:
    """The [low, high) band holding bed_count; bands are the upper limits, e.g. [100, 300, 800]."""
    if bed_count is None:
        return None
    low = 0
    for limit in sorted(bands):
        if bed_count < limit:
            return low, limit
        low = limit
    return low, None


def _band_label(band: tuple[int, int | None]) -> str:
    low, high = band
    if high is None:
        return _("%(low)s beds and places or more") % {"low": low}
    return _("%(low)s to %(high)s beds and places") % {"low": low, "high": high - 1}


def _decimal(value) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"))


def compare(organisation, version: FrameworkVersion, year: int) -> Comparison:
    status = organisation.effective_legal_status()
    if not status:
        return Comparison(False, _("The organisation has no legal status: no category to compare with."))
    bands = version.document.get("self_assessment", {}).get("bed_bands", [])
    band = band_of(organisation.bed_count, bands)
    if band is None:
        return Comparison(False, _("The organisation has no bed count: no size band to compare with."))
    low, high = band
    peers = Assessment.objects.filter(
        version__framework=version.framework, status=Assessment.Status.APPROVED, assessed_on__year=year,
        score__isnull=False, organisation__legal_status=status, organisation__bed_count__gte=low,
    ).exclude(organisation=organisation)
    if high is not None:
        peers = peers.filter(organisation__bed_count__lt=high)
    # One score per peer, its latest approved assessment of the year: one query, ids and scores only.
    latest: dict[int, float] = {}
    for peer, score in peers.order_by("assessed_on", "approved_at").values_list("organisation_id", "score"):
        latest[peer] = float(score)
    scores = list(latest.values())
    own = history(organisation, version.framework.key).filter(assessed_on__year=year).values_list("score", flat=True).first()
    label = _band_label(band)
    if len(scores) < PEER_MINIMUM:
        return Comparison(False, _("Only %(count)s comparable establishments this year; at least %(minimum)s are "
                                   "needed to show a comparison without revealing anyone.") % {
            "count": len(scores), "minimum": PEER_MINIMUM}, len(scores), label, own=own)
    quartiles = statistics.quantiles(scores, n=4, method="inclusive")
    return Comparison(True, "", len(scores), label, _decimal(statistics.fmean(scores)),
                      _decimal(statistics.median(scores)), _decimal(quartiles[0]), _decimal(quartiles[2]), own)


@dataclass(frozen=True, slots=True)
class PeerGroup:
    """Who an establishment is compared with: the same legal status, a bed count in the same band."""

    legal_status: str
    low: int
    high: int | None
    label: str

    def condition(self, prefix: str = "") -> Q:
        """The peers as a filter, on the organisation itself or through `prefix` (e.g. "organisation__")."""
        found = Q(**{f"{prefix}legal_status": self.legal_status, f"{prefix}bed_count__gte": self.low})
        return found & Q(**{f"{prefix}bed_count__lt": self.high}) if self.high is not None else found


def peer_group(organisation) -> tuple[PeerGroup | None, str]:
    """The comparison group of `organisation` (bands from the self-assessment framework), or None and the
    reason it has none."""
    status = organisation.effective_legal_status()
    if not status:
        return None, _("The organisation has no legal status: no category to compare with.")
    version = self_assessment_versions().order_by("-loaded_at").first()
    bands = version.document.get("self_assessment", {}).get("bed_bands", []) if version is not None else []
    band = band_of(organisation.bed_count, bands)
    if band is None:
        return None, _("The organisation has no bed count: no size band to compare with.")
    return PeerGroup(status, band[0], band[1], _band_label(band)), ""
