"""The coverage rule: for a candidate (a GHT, or a multi-site legal entity), the share of activity whose
evidence for a requirement is valid, against the threshold the framework file sets (66 % in Domain 2).

The units are the candidate's direct members that carry an activity share: the legal entities of a GHT,
the sites of a legal entity. A unit is covered when its evidence (its own files, those of its sites, and
the records providers hold for it) passes the requirement's freshness rules on the reference date, with
the framework's default condition answers.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from vigie.organisations.models import Kind

from . import rules
from .models import Evidence, FrameworkVersion
from .providers import providers
from .services import file_item

UNIT_KIND = {Kind.GHT: Kind.LEGAL_ENTITY, Kind.LEGAL_ENTITY: Kind.SITE}


@dataclass(slots=True)
class UnitCoverage:
    organisation: object
    share: Decimal | None
    verdict: rules.Verdict


@dataclass(slots=True)
class RequirementCoverage:
    requirement: object
    threshold: Decimal | None
    covered: Decimal
    declared: Decimal
    units: list[UnitCoverage] = field(default_factory=list)

    @property
    def met(self) -> bool | None:
        return None if self.threshold is None else self.covered >= self.threshold


def units_of(candidate):
    kind = UNIT_KIND.get(candidate.kind)
    if kind is None:
        return candidate.children.none()
    return candidate.children.filter(kind=kind).order_by("name")


def coverage(candidate, version: FrameworkVersion, as_of: date) -> list[RequirementCoverage]:
    units = list(units_of(candidate))
    requirements = list(version.requirements.filter(answerable=True).select_related("version__framework"))
    conditions = rules.condition_values(version, None)
    files: dict[tuple[str, str], list] = {}
    evidence = (Evidence.objects.filter(organisation__path__startswith=candidate.path,
                                        targets__framework_key=version.framework.key)
                .select_related("organisation").prefetch_related("targets").distinct())
    for item in evidence:
        for target in item.targets.all():
            if target.framework_key == version.framework.key:
                files.setdefault((item.organisation.path, target.code), []).append(item)
    results = []
    for requirement in requirements:
        active = rules.active_rules(requirement.freshness, conditions)
        threshold = requirement.coverage_threshold
        row = RequirementCoverage(requirement, Decimal(str(threshold)) if threshold is not None else None,
                                  Decimal("0"), Decimal("0"))
        with_provider = bool(providers.for_reference(requirement.reference))
        for unit in units:
            items = [file_item(e) for (path, code), found in files.items()
                     if code == requirement.code and path.startswith(unit.path) for e in found]
            if with_provider:
                items += [rules.Item(r.title, r.date, r.value, r.provider, r.url)
                          for r in providers.records(unit, requirement, as_of)]
            verdict = rules.check_set(items, active, as_of)
            share = unit.activity_share
            row.units.append(UnitCoverage(unit, share, verdict))
            row.declared += share or 0
            if verdict.valid:
                row.covered += share or 0
        results.append(row)
    return results
