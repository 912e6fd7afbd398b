"""Backup evaluation: the 3-2-1-1-0 rule, the achievable RPO against the PDMA, restore throughput.

3-2-1-1-0, as CaRE D2.O3.C and the ANSSI backup guidance use it:

- **3** copies of the data, counting the production data itself (so at least two backup copies);
- on **2** different kinds of media (disk, tape, object storage, cloud…);
- **1** copy off-site (another building, a third-party host);
- **1** copy immutable (WORM, object lock) or offline (tape on a shelf, disconnected disk);
- **0** errors at the last *verified* restore. No verified restore yet is a failure of that rule, not a pass:
  a backup nobody restored is not known to work.

A component may have several plans (a nightly image and a continuous journal): copies, media and
locations add up across its plans, and the achievable RPO is the best (smallest) backup interval.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

__all__ = [
    "BackupError", "PlanFacts", "RuleStatus", "Evaluation", "RULES", "evaluate", "restore_hours", "throughput_gb_per_hour",
]

RULES: tuple[str, ...] = ("three_copies", "two_media", "one_offsite", "one_immutable", "zero_errors")


class BackupError(ValueError):
    """Root of the backup-evaluation errors (a negative count or interval, naming the field)."""

    def __init__(self, message: str, *, field: str = "") -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True, slots=True)
class PlanFacts:
    """What one backup plan declares. `backup_copies` excludes the production data."""

    backup_copies: int
    media: tuple[str, ...]
    offsite_copies: int
    immutable: bool
    offline: bool
    frequency_hours: float
    last_restore_errors: int | None = None  # errors at the last verified restore; None: never verified


@dataclass(frozen=True, slots=True)
class RuleStatus:
    rule: str
    ok: bool
    have: int
    need: int


@dataclass(frozen=True, slots=True)
class Evaluation:
    rules: tuple[RuleStatus, ...]
    achievable_rpo_hours: float | None  # None: no plan
    pdma_hours: float | None
    rpo_ok: bool | None  # None when there is no PDMA to compare with

    @property
    def compliant(self) -> bool:
        return all(r.ok for r in self.rules)

    @property
    def label(self) -> str:
        """e.g. "3-2-1-1-0" when all pass, "2-1-1-0-?" with what each rule actually has."""
        parts = []
        for status in self.rules:
            parts.append("?" if status.rule == "zero_errors" and status.have < 0 else str(status.have))
        return "-".join(parts)

    @property
    def failing(self) -> tuple[str, ...]:
        return tuple(r.rule for r in self.rules if not r.ok)


def _validate(plan: PlanFacts) -> None:
    for name in ("backup_copies", "offsite_copies"):
        if getattr(plan, name) < 0:
            raise BackupError(f"{name} cannot be negative", field=name)
    if plan.frequency_hours <= 0:
        raise BackupError("frequency_hours must be positive", field="frequency_hours")
    if plan.last_restore_errors is not None and plan.last_restore_errors < 0:
        raise BackupError("last_restore_errors cannot be negative", field="last_restore_errors")


def evaluate(plans: Iterable[PlanFacts], pdma_hours: float | None = None) -> Evaluation:
    """The 3-2-1-1-0 status of the plans protecting one component, and its achievable RPO vs the PDMA."""
    plans = tuple(plans)
    for plan in plans:
        _validate(plan)
    copies = 1 + sum(p.backup_copies for p in plans) if plans else 1  # the production data is a copy
    media = len({m.strip().lower() for p in plans for m in p.media if m.strip()})
    offsite = sum(p.offsite_copies for p in plans)
    immutable = sum(1 for p in plans if (p.immutable or p.offline) and p.backup_copies > 0)
    verified = [p.last_restore_errors for p in plans if p.last_restore_errors is not None]
    errors = min(verified) if verified else -1  # the best verified plan; -1: never verified
    rules = (
        RuleStatus("three_copies", copies >= 3, copies, 3),
        RuleStatus("two_media", media >= 2, media, 2),
        RuleStatus("one_offsite", offsite >= 1, offsite, 1),
        RuleStatus("one_immutable", immutable >= 1, immutable, 1),
        RuleStatus("zero_errors", errors == 0, errors, 0),
    )
    rpo = min((p.frequency_hours for p in plans), default=None)
    rpo_ok = None if pdma_hours is None or rpo is None else rpo <= pdma_hours
    if pdma_hours is not None and rpo is None:
        rpo_ok = False
    return Evaluation(rules, rpo, pdma_hours, rpo_ok)


def throughput_gb_per_hour(volume_gb: float, duration_hours: float) -> float | None:
    """Restore throughput measured by a test; None when the test did not measure both."""
    if volume_gb <= 0 or duration_hours <= 0:
        return None
    return volume_gb / duration_hours


def restore_hours(volume_gb: float, throughput: float | None, fallback_hours: float) -> float:
    """Predicted restore duration of `volume_gb` at a measured throughput, else the declared estimate."""
    if throughput is None or throughput <= 0 or volume_gb <= 0:
        return fallback_hours
    return volume_gb / throughput
