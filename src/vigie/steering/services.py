"""Keep the steering summaries current, and what other apps may call about them.

`refresh()` asks every registered indicator (core.indicators) for its readings of the establishments,
in batches, stores them as `Summary` rows and counts, for every steering node, how many establishments
hold each indicator this month (`Trend`). `backfill()` does the counting for past months from readings
computed as of each month's last day, without touching the current summaries.

A fault in one indicator's compute (an exception) never wipes what is stored: that indicator's old
readings stay, the others are refreshed, and the fault is logged and returned (`Outcome.faults`) for the
job's message. A finding is never closed by a fault.
"""

import datetime
import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from vigie.core.indicators import Reading, State
from vigie.core.registry import registry
from vigie.organisations.models import PATH_SEGMENT, Kind, Organisation

from .models import Summary, Trend

logger = logging.getLogger(__name__)
BATCH = 500
HOLDING = (State.HELD, State.DUE)
LEVEL_KINDS = (Kind.NATIONAL, Kind.REGION, Kind.GHT)


def establishments(node: Organisation | None = None):
    """The establishments (legal entities) under a node, or all of them."""
    rows = Organisation.objects.filter(kind=Kind.LEGAL_ENTITY).select_related("parent")
    return rows.filter(path__startswith=node.path) if node is not None else rows


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def month_end(day: datetime.date) -> datetime.date:
    following = (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return following - datetime.timedelta(days=1)


def _batches(queryset) -> Iterable[list[Organisation]]:
    batch: list[Organisation] = []
    for org in queryset.order_by("path").iterator(chunk_size=BATCH):
        batch.append(org)
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


@dataclass
class Outcome:
    read: int = 0  # establishments read
    faults: dict[str, str] = field(default_factory=dict)  # indicator key → what went wrong


def readings(batch: list[Organisation], as_of: datetime.date,
             faults: dict[str, str] | None = None) -> dict[str, dict[int, Reading]]:
    """Every indicator's readings for a batch; an establishment an indicator says nothing of is NEVER.
    An indicator whose compute fails is left out (its fault noted in `faults`), never read as NEVER."""
    never = Reading(State.NEVER)
    found = {}
    for indicator in registry.ordered_indicators():
        try:
            computed = indicator.compute(batch, as_of)
        except Exception as exc:  # one module's fault must not stop the others, nor erase its old readings
            logger.exception("steering indicator %s failed as of %s", indicator.key, as_of)
            if faults is not None:
                faults[indicator.key] = f"{type(exc).__name__}: {exc}"[:200]
            continue
        found[indicator.key] = {org.pk: computed.get(org.pk, never) for org in batch}
    return found


def _store(batch: list[Organisation], found: dict[str, dict[int, Reading]], now) -> None:
    rows = [
        Summary(organisation=org, key=key, state=reading.state, value=reading.value, on=reading.on,
                due=reading.due, detail=_plain(reading.detail), url=reading.url, computed_at=now)
        for key, by_org in found.items() for org in batch for reading in (by_org[org.pk],)
    ]
    with transaction.atomic():
        # Readings of indicators no longer registered go; those of an indicator that failed stay.
        Summary.objects.filter(organisation__in=batch).exclude(key__in=list(registry.indicators)).delete()
        Summary.objects.bulk_create(
            rows, update_conflicts=True, unique_fields=["organisation", "key"],
            update_fields=["state", "value", "on", "due", "detail", "url", "computed_at"],
        )


def _plain(detail) -> dict:
    """The detail as JSON can store it: dates as ISO strings, decimals as strings."""
    def plain(value):
        if isinstance(value, datetime.date | Decimal):
            return str(value) if isinstance(value, Decimal) else value.isoformat()
        if isinstance(value, dict):
            return {str(k): plain(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [plain(v) for v in value]
        return value

    return plain(dict(detail))


def _level_paths(path: str) -> list[str]:
    """The national, region and GHT prefixes an establishment's path lies under."""
    return [path[: PATH_SEGMENT * depth] for depth in range(1, len(path) // PATH_SEGMENT)]


def _count(counts: dict, org: Organisation, found: dict[str, dict[int, Reading]]) -> None:
    for prefix in _level_paths(org.path):
        for key, by_org in found.items():
            held, total = counts[(prefix, key)]
            counts[(prefix, key)] = (held + (by_org[org.pk].state in HOLDING), total + 1)


def _store_trends(counts: dict, month: datetime.date, now, keys: Iterable[str] | None = None) -> None:
    """Replace the month's trend rows of `keys` (every indicator's by default) by `counts`."""
    keys = list(registry.indicators if keys is None else keys)
    nodes = dict(Organisation.objects.filter(kind__in=LEVEL_KINDS).values_list("path", "pk"))
    rows = [
        Trend(organisation_id=nodes[prefix], key=key, month=month, holding=held, total=total, computed_at=now)
        for (prefix, key), (held, total) in counts.items() if prefix in nodes and key in keys
    ]
    with transaction.atomic():
        Trend.objects.filter(month=month, key__in=keys).delete()
        Trend.objects.bulk_create(rows, batch_size=2000)


def refresh(node: Organisation | None = None, as_of: datetime.date | None = None) -> int:
    """Recompute the summaries of the establishments under `node` (all by default) and this month's
    trend counts. Returns how many establishments were read."""
    return refresh_establishments(establishments(node), as_of).read


def refresh_establishments(queryset, as_of: datetime.date | None = None) -> Outcome:
    """refresh() of the establishments of `queryset`, with the faults met."""
    as_of = as_of or timezone.localdate()
    now = timezone.now()
    outcome = Outcome()
    for batch in _batches(queryset):
        found = readings(batch, as_of, outcome.faults)
        _store(batch, found, now)
        outcome.read += len(batch)
    _recount(month_start(as_of), now)
    return outcome


def _recount(month: datetime.date, now) -> None:
    """The month's trend counts of every establishment, from the stored summaries (one pass over them)."""
    counts: dict = defaultdict(lambda: (0, 0))
    holding: set[tuple[int, str]] = set(
        Summary.objects.filter(state__in=HOLDING).values_list("organisation_id", "key").iterator(chunk_size=5000))
    keys = list(registry.indicators)
    for pk, path in establishments().values_list("pk", "path").iterator(chunk_size=5000):
        for prefix in _level_paths(path):
            for key in keys:
                held, total = counts[(prefix, key)]
                counts[(prefix, key)] = (held + ((pk, key) in holding), total + 1)
    _store_trends(counts, month, now)


def backfill(months: int = 24, today: datetime.date | None = None) -> int:
    """Trend counts for the `months` months before this one, from readings as of each month's end."""
    return backfill_outcome(months, today).read


def backfill_outcome(months: int = 24, today: datetime.date | None = None) -> Outcome:
    """backfill(), with the faults met; `read` counts the months written. A month an indicator failed
    keeps that indicator's earlier counts."""
    today = today or timezone.localdate()
    now = timezone.now()
    month = month_start(today)
    outcome = Outcome()
    for _ in range(months):
        month = month_start(month - datetime.timedelta(days=1))
        counts: dict = defaultdict(lambda: (0, 0))
        faults: dict[str, str] = {}
        for batch in _batches(establishments()):
            found = readings(batch, month_end(month), faults)
            for org in batch:
                _count(counts, org, found)
        _store_trends(counts, month, now, [key for key in registry.indicators if key not in faults])
        outcome.faults.update(faults)
        outcome.read += 1
    return outcome
