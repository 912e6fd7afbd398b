"""Result types of an analysis: findings, rule metadata, the audit result."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

__all__ = ["AffectedObject", "AuditResult", "Finding", "RuleInfo"]


@dataclass(frozen=True, slots=True)
class AffectedObject:
    """One directory object a finding is about."""

    dn: str
    name: str
    detail: str = ""


@dataclass(frozen=True, slots=True)
class _Rule:
    """Our rule id, the ANSSI checkpoint id and level, texts in our own words."""

    rule_id: str
    anssi_id: str
    level: int
    title_fr: str
    title_en: str
    description: str
    recommendation: str

    @property
    def legacy_id(self) -> str:
        """The older ``vuln<level>_<name>`` spelling still used by other tools."""
        return f"vuln{self.level}_{self.anssi_id.removeprefix('vuln_')}"


@dataclass(frozen=True, slots=True)
class RuleInfo(_Rule):
    """Metadata of one rule, with its weight in the remediation priority."""

    weight: int = 10


@dataclass(frozen=True, slots=True)
class Finding(_Rule):
    """A failed check: which rule, and which objects."""

    affected: tuple[AffectedObject, ...] = ()
    weight: int = 10

    @property
    def score(self) -> int:
        """Remediation priority: lower levels first, then rule weight, then breadth."""
        return (6 - self.level) * 1000 + self.weight * 10 + min(len(self.affected), 9)


@dataclass(frozen=True, slots=True)
class AuditResult:
    """Outcome of ``analyse``: level 1–5, findings ordered by score, coverage."""

    domain: str
    domain_sid: str
    domain_functional_level: int | None
    forest_functional_level: int | None
    collected_at: datetime | None
    analysed_at: datetime
    level: int
    score: int
    findings: tuple[Finding, ...]
    next_level_blockers: tuple[Finding, ...]
    covered: tuple[RuleInfo, ...]
    not_computable: tuple[str, ...]
    counts: dict[str, int] = field(default_factory=dict)
