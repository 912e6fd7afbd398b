"""Keep the steering summaries current, and what other apps may call about them.

`refresh()` asks every registered indicator (core.indicators) for its readings of the establishments,
in batches, stores them as `Summary` rows and counts, for every steering node, how many establishments
hold each indicator this month (`Trend`). `backfill()` does the counting for past months from readings
computed as of each month's last day, without touching the current summaries.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from vigie.core.indicators import Reading, State
from vigie.core.registry import registry
from vigie.organisations.models import PATH_SEGMENT, Kind, Organisation

from .models import Summary, Trend

BATCH = 500
HOLDING = (State.HELD, State.DUE)
LEVEL_KINDS = (Kind.NATIONAL, Kind.REGION, Kind.GHT)


def establishments(node: Organisation | None = None):
    """The establishments (legal entities) under a node, or all of them."""
    rows = Organisation.objects.filter(kind=Kind.LEGAL_ENTITY)
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


def readings(batch: list[Organisation], as_of: datetime.date) -> dict[str, dict[int, Reading]]:
    """Every indicator's readings for a batch; an establishment an indicator says nothing of is NEVER."""
    never = Reading(State.NEVER)
    found = {}
    for indicator in registry.ordered_indicators():
        computed = indicator.compute(batch, as_of)
        found[indicator.key] = {org.pk: computed.get(org.pk, never) for org in batch}
    return found


def _store(batch: list[Organisation], found: dict[str, dict[int, Reading]], now) -> None:
    rows = [
        Summary(organisation=org, key=key, state=reading.state, value=reading.value, on=reading.on,
                due=reading.due, detail=dict(reading.detail), url=reading.url, computed_at=now)
        for key, by_org in found.items() for org in batch for reading in (by_org[org.pk],)
    ]
    with transaction.atomic():
        Summary.objects.filter(organisation__in=batch).exclude(key__in=list(found)).delete()
        Summary.objects.bulk_create(
            rows, update_conflicts=True, unique_fields=["organisation", "key"],
            update_fields=["state", "value", "on", "due", "detail", "url", "computed_at"],
        )


def _level_paths(path: str) -> list[str]:
    """The national, region and GHT prefixes an establishment's path lies under."""
    return [path[: PATH_SEGMENT * depth] for depth in range(1, len(path) // PATH_SEGMENT)]


def _count(counts: dict, org: Organisation, found: dict[str, dict[int, Reading]]) -> None:
    for prefix in _level_paths(org.path):
        for key, by_org in found.items():
            held, total = counts[(prefix, key)]
            counts[(prefix, key)] = (held + (by_org[org.pk].state in HOLDING), total + 1)


def _store_trends(counts: dict, month: datetime.date, now) -> None:
    nodes = dict(Organisation.objects.filter(kind__in=LEVEL_KINDS).values_list("path", "pk"))
    rows = [
        Trend(organisation_id=nodes[prefix], key=key, month=month, holding=held, total=total, computed_at=now)
        for (prefix, key), (held, total) in counts.items() if prefix in nodes
    ]
    with transaction.atomic():
        Trend.objects.filter(month=month).delete()
        Trend.objects.bulk_create(rows, batch_size=2000)


def refresh(node: Organisation | None = None, as_of: datetime.date | None = None) -> int:
    """Recompute the summaries of the establishments under `node` (all by default) and this month's
    trend counts. Returns how many establishments were read."""
    as_of = as_of or timezone.localdate()
    now = timezone.now()
    counts: dict = defaultdict(lambda: (0, 0))
    done = 0
    for batch in _batches(establishments(node)):
        found = readings(batch, as_of)
        _store(batch, found, now)
        done += len(batch)
    # Trends count every establishment, so they are rebuilt from the stored summaries of all of them.
    stored: dict[int, dict[str, Reading]] = defaultdict(dict)
    for org_id, key, state in Summary.objects.values_list("organisation_id", "key", "state").iterator(chunk_size=5000):
        stored[org_id][key] = Reading(state)
    keys = list(registry.indicators)
    for org in establishments().only("pk", "path"):
        mine = stored.get(org.pk, {})
        _count(counts, org, {key: {org.pk: mine.get(key, Reading(State.NEVER))} for key in keys})
    _store_trends(counts, month_start(as_of), now)
    return done


def backfill(months: int = 24, today: datetime.date | None = None) -> int:
    """Trend counts for the `months` months before this one, from readings as of each month's end."""
    today = today or timezone.localdate()
    now = timezone.now()
    month = month_start(today)
    written = 0
    for _ in range(months):
        month = month_start(month - datetime.timedelta(days=1))
        counts: dict = defaultdict(lambda: (0, 0))
        for batch in _batches(establishments()):
            found = readings(batch, month_end(month))
            for org in batch:
                _count(counts, org, found)
        _store_trends(counts, month, now)
        written += 1
    return written
