"""Business impact analysis: from impact levels over time to DMIA, PDMA and the RTO/RPO targets.

The rule (also in docs/continuity.md), as data in `DerivationRule`:

- An activity is rated, for each dimension (patient safety, continuity of care, legal, financial,
  reputation), on a 0–4 scale (none, minor, significant, serious, critical) at each time window of
  `WINDOWS` (1 h, 4 h, 24 h, 72 h, 1 week), twice: for an *interruption* of that length, and for the
  *loss of data* covering that length of time.
- Impacts cannot decrease as time goes on: a longer interruption or a larger loss is never less serious.
  A row that decreases is refused (`NonMonotoneImpact`), naming the dimension and the window.
- A dimension becomes intolerable at its threshold (`DerivationRule.thresholds`: patient safety from
  "significant", reputation only at "critical", the others from "serious").
- **DMIA** (maximum tolerable interruption) is the longest window at which no dimension has reached its
  threshold in the interruption table; 0 when the very first window is already intolerable (the activity
  must switch to its degraded mode at once); the last window (1 week) when nothing becomes intolerable
  within it (`beyond_last_window` says so). **PDMA** (maximum tolerable data loss) is the same rule on the
  data-loss table.
- **RTO = DMIA × rto_ratio** and **RPO = PDMA × rpo_ratio**, rounded down to the quarter of an hour:
  the recovery target leaves a margin before the point where harm becomes intolerable (time to detect,
  decide, switch), and a backup run more often than the PDMA tolerates one failed run.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

__all__ = [
    "BIAError", "DIMENSIONS", "Derivation", "DerivationRule", "InvalidLevel", "NonMonotoneImpact", "WINDOWS",
    "derive", "tolerable_hours",
]

# Time windows of the analysis, in hours (1 h, 4 h, 24 h, 72 h, 1 week).
WINDOWS: tuple[int, ...] = (1, 4, 24, 72, 168)
DIMENSIONS: tuple[str, ...] = ("patient_safety", "continuity_of_care", "legal", "financial", "reputation")
MAX_LEVEL = 4


class BIAError(ValueError):
    """Root of the BIA errors.

    BIAError
    ├── InvalidLevel        a level outside 0–4, or a row of the wrong length (dimension, window)
    └── NonMonotoneImpact   a level lower than the one of the shorter window before it (dimension, window)
    """

    def __init__(self, message: str, *, table: str = "", dimension: str = "", window: int = 0) -> None:
        super().__init__(message)
        self.table = table
        self.dimension = dimension
        self.window = window


class InvalidLevel(BIAError):
    pass


class NonMonotoneImpact(BIAError):
    pass


def _default_thresholds() -> dict[str, int]:
    return {"patient_safety": 2, "continuity_of_care": 3, "legal": 3, "financial": 3, "reputation": 4}


@dataclass(frozen=True, slots=True)
class DerivationRule:
    thresholds: Mapping[str, int] = field(default_factory=_default_thresholds)
    rto_ratio: float = 0.75
    rpo_ratio: float = 0.5


@dataclass(frozen=True, slots=True)
class Derivation:
    dmia_hours: float
    pdma_hours: float
    rto_hours: float
    rpo_hours: float
    dmia_beyond_last_window: bool
    pdma_beyond_last_window: bool
    dmia_driver: str  # the dimension that first became intolerable ("" when none did)
    pdma_driver: str


Table = Mapping[str, tuple[int, ...]]  # dimension -> one level per window of WINDOWS


def _check(table: Table, name: str) -> None:
    for dimension, levels in table.items():
        if len(levels) != len(WINDOWS):
            raise InvalidLevel(f"{name}: {dimension} has {len(levels)} levels, expected {len(WINDOWS)}",
                               table=name, dimension=dimension)
        previous = 0
        for window, level in zip(WINDOWS, levels, strict=True):
            if not 0 <= level <= MAX_LEVEL:
                raise InvalidLevel(f"{name}: {dimension} at {window} h is {level}, outside 0–{MAX_LEVEL}",
                                   table=name, dimension=dimension, window=window)
            if level < previous:
                raise NonMonotoneImpact(
                    f"{name}: {dimension} falls from {previous} to {level} at {window} h; impacts cannot decrease",
                    table=name, dimension=dimension, window=window)
            previous = level


def tolerable_hours(table: Table, rule: DerivationRule, name: str = "interruption") -> tuple[float, bool, str]:
    """(hours tolerated, whether nothing became intolerable, the dimension that did first)."""
    _check(table, name)
    tolerated = 0.0
    for index, window in enumerate(WINDOWS):
        drivers = [d for d in DIMENSIONS if d in table and table[d][index] >= rule.thresholds.get(d, 3)]
        if drivers:
            return tolerated, False, drivers[0]
        tolerated = float(window)
    return tolerated, True, ""


def _round_down_quarter(hours: float) -> float:
    return math.floor(hours * 4) / 4


def derive(interruption: Table, data_loss: Table, rule: DerivationRule | None = None) -> Derivation:
    """DMIA, PDMA, RTO and RPO of one activity (see the module docstring for the rule)."""
    rule = rule or DerivationRule()
    dmia, dmia_beyond, dmia_driver = tolerable_hours(interruption, rule, "interruption")
    pdma, pdma_beyond, pdma_driver = tolerable_hours(data_loss, rule, "data_loss")
    return Derivation(
        dmia_hours=dmia, pdma_hours=pdma,
        rto_hours=_round_down_quarter(dmia * rule.rto_ratio), rpo_hours=_round_down_quarter(pdma * rule.rpo_ratio),
        dmia_beyond_last_window=dmia_beyond, pdma_beyond_last_window=pdma_beyond,
        dmia_driver=dmia_driver, pdma_driver=pdma_driver,
    )
