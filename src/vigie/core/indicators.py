"""Steering indicators: what each module says about an establishment, for the views above it.

A module that holds the data of an indicator registers it from its AppConfig.ready():

    registry.indicator(Indicator(key="exposure.level", ..., compute=exposure_levels))

`compute(establishments, as_of)` receives many establishments at once (legal entities, each standing for
its own records and those of its sites) and must answer with a fixed number of queries whatever their
number: it returns a `Reading` per establishment id, and may leave out an establishment it has nothing on
(the steering app stores that as `State.NEVER`). The steering app (vigie.steering) stores the readings
and builds the matrix, trends, exports and "what is late" from them; no module reads another's readings.

Readings carry no sentence: `detail` holds structured values the pages render through gettext.
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _


class State(models.TextChoices):
    """How an establishment stands on one indicator, from best to worst; the order is the sort order."""

    HELD = "held", _("Held")
    DUE = "due", _("Due soon")  # held today, lapses within the warning window (30 days)
    PARTIAL = "partial", _("Partly held")  # something recorded, the objective not reached (not late yet)
    LATE = "late", _("Late")  # lapsed, broken or past its deadline
    NEVER = "never", _("Nothing recorded")


STATE_RANK = {state: rank for rank, state in enumerate(State.values)}
WARNING_DAYS = 30  # "due soon": the deadline or the lapse falls within this many days


@dataclass(frozen=True, slots=True)
class Reading:
    state: str
    value: Decimal | None = None  # the number shown and sorted on: a level, a score, a percentage
    on: date | None = None  # the date of the record behind it (last audit, exercise, assessment…)
    due: date | None = None  # when it lapses (or lapsed): "what is late" sorts on it
    detail: Mapping = field(default_factory=dict)  # structured facts for the page (ids, counts, codes)
    url: str = ""  # the page where it is seen and fixed


@dataclass(frozen=True, slots=True)
class Indicator:
    key: str  # "<module>.<what>", stable: stored in the database and in exports
    title: str  # lazy, shown in headers and legends
    short: str  # lazy, a column header of a few characters
    order: int
    compute: Callable[[Sequence, date], Mapping[int, Reading]]
    objective: str = ""  # the official code it evidences (D1.O2.B, DNS/2025/12 …), shown beside the title
    kind: str = "state"  # how `value` reads: state, level, percent, score, date
    target: Decimal | None = None  # the threshold `value` is judged against, where there is one
    group: str = ""  # domain1, domain2, instruction, funding: the matrix's column groups
    # The models ("app.Model", with an `organisation` foreign key or an owning_organisation()) whose changes
    # change the readings: the steering app marks the establishment stale when one is saved or deleted.
    sources: tuple[str, ...] = ()


def freshness(due: date, as_of: date) -> str:
    """The state of something held until `due`: late once lapsed, due soon within the warning window."""
    if due < as_of:
        return State.LATE
    return State.DUE if due <= as_of + timedelta(days=WARNING_DAYS) else State.HELD


def by_unit(grouped: Mapping[int, list], unit: Callable, read: Callable[[int, list], Reading]) -> dict[int, Reading]:
    """For each establishment's records (newest first) split by `unit` (its own and each site's, each
    directory's…), `read(establishment pk, a unit's records)`, the worst of them; no records, no reading."""
    found = {}
    for pk, records in grouped.items():
        units: dict = {}
        for record in records:
            units.setdefault(unit(record), []).append(record)
        combined = worst([read(pk, rows) for rows in units.values()])
        if combined is not None:
            found[pk] = combined
    return found


def worst(readings: Sequence[Reading]) -> Reading | None:
    """The reading furthest from the objective, e.g. of an establishment's sites: the worst state, and of
    equal states the lowest value (a level, a share)."""
    recorded = [r for r in readings if r.state != State.NEVER]
    return max(recorded, key=lambda r: (STATE_RANK[r.state], r.value is None, -(r.value or 0))) if recorded else None
