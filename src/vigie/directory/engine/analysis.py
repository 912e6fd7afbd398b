"""Run the catalogue on a snapshot and compute the ANSSI level and remediation score."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timezone

from . import rules as _rules  # noqa: F401  (fills CATALOGUE)
from .catalogue import CATALOGUE, NOT_COMPUTABLE
from .model import Directory, Snapshot
from .results import AuditResult, Finding

__all__ = ["analyse", "compute_level"]


def compute_level(findings: Iterable[Finding]) -> int:
    """ANSSI rule: level N is reached only if no check of levels 1..N-1 fails; 5 when nothing fails.

    Vigie's own checks (empty ``anssi_id``) are reported but do not move the level."""
    failing = {f.level for f in findings if f.anssi_id}
    for level in (1, 2, 3, 4):
        if level in failing:
            return level
    return 5


def analyse(snapshot: Snapshot, *, now: datetime | None = None) -> AuditResult:
    """Evaluate every registered rule on ``snapshot`` at time ``now`` (default: current UTC time)."""
    now = now or datetime.now(timezone.utc)
    directory = Directory(snapshot)
    findings: list[Finding] = []
    for rule in CATALOGUE.values():
        affected = tuple(sorted(set(rule.check(directory, now)), key=lambda a: a.dn.lower()))
        if affected:
            i = rule.info
            findings.append(Finding(i.rule_id, i.anssi_id, i.level, i.title_fr, i.title_en, i.description,
                                    i.recommendation, affected, i.weight))
    findings.sort(key=lambda f: (-f.score, f.rule_id))
    level = compute_level(findings)
    covered = tuple(sorted((r.info for r in CATALOGUE.values()), key=lambda i: (i.level, i.rule_id)))
    covered_ids = {i.anssi_id for i in covered}
    root = directory.domain_root
    forest = directory.config_object("CN=Partitions")
    return AuditResult(
        domain=snapshot.info.domain,
        domain_sid=snapshot.info.domain_sid,
        domain_functional_level=root.integer("msds-behavior-version") if root else None,
        forest_functional_level=forest.integer("msds-behavior-version") if forest else None,
        collected_at=snapshot.info.collected_at,
        analysed_at=now,
        level=level,
        score=sum(f.score for f in findings),
        findings=tuple(findings),
        next_level_blockers=tuple(f for f in findings if f.level == level and f.anssi_id),
        covered=covered,
        not_computable=tuple(x for x in NOT_COMPUTABLE if x not in covered_ids),
        counts={"users": len(directory.users), "computers": len(directory.computers),
                "groups": len(directory.groups), "objects": len(snapshot.objects)},
    )
