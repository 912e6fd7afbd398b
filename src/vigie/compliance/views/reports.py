"""The yearly self-assessment (history and anonymised comparison) and the coverage of a candidate."""

from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from vigie.core.generic import visible
from vigie.core.paging import page_of
from vigie.organisations.models import Kind, Organisation

from .. import comparison
from ..coverage import coverage, units_of
from ..models import Assessment, FrameworkVersion


def _pick_version(request, queryset, *fallbacks):
    """The version chosen with ?version=<uuid>, else the latest of the first fallback that has one."""
    try:
        version = queryset.filter(uuid=request.GET["version"]).first()
    except (KeyError, ValidationError):  # none chosen, or not a UUID
        version = None
    for candidates in (*fallbacks, queryset):
        if version is not None:
            break
        version = candidates.order_by("-loaded_at").first()
    return version


@require_GET
def self_assessment_list(request, assessments):
    """Approved self-assessments the user may see, newest first."""
    assessments = (assessments.filter(version__self_assessment=True, status=Assessment.Status.APPROVED)
                   .select_related("organisation", "version__framework"))
    page = page_of(request, assessments)
    return render(request, "compliance/self_assessment_list.html", {"assessments": page, "page_obj": page})


@require_GET
def self_assessment_detail(request, organisation):
    versions = comparison.self_assessment_versions()
    version = _pick_version(request, versions)
    context = {"organisation": organisation, "versions": versions, "version": version}
    if version is not None:
        year_text = request.GET.get("year", "")
        year = int(year_text) if year_text.isdigit() else timezone.localdate().year
        history = comparison.history(organisation, version.framework.key)
        context.update(history=history, year=year, comparison=comparison.compare(organisation, version, year),
                       peer_minimum=comparison.PEER_MINIMUM)
    return render(request, "compliance/self_assessment_detail.html", context)


@require_GET
def coverage_detail(request, candidate):
    versions = FrameworkVersion.objects.select_related("framework")
    framework = request.GET.get("framework", "care-d2")
    version = _pick_version(request, versions, versions.filter(framework__key=framework))
    as_of = timezone.localdate()
    units = list(units_of(candidate))
    rows = coverage(candidate, version, as_of) if version is not None and units else []
    # The rule is a GHT's: a region or the nation leads to the coverage of each of its GHTs.
    ghts = (visible(request, Organisation.objects.filter(kind=Kind.GHT, path__startswith=candidate.path))
            .order_by("name") if candidate.kind in (Kind.NATIONAL, Kind.REGION) else None)
    return render(request, "compliance/coverage.html", {
        "candidate": candidate, "version": version, "versions": versions, "rows": rows, "units": units,
        "as_of": as_of, "ghts": ghts,
    })
