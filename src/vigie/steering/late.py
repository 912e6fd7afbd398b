""""What is late for me": for the subtree a user sees, the CaRE deadlines late or due soon, the PAQ actions
overdue and the indicator readings late or lapsing soon.

Built for a national user who sees 3,000 establishments: everything is counted by the database and grouped
(per deadline, per indicator and state), and only the few most urgent items are read one by one, so the
home page runs a fixed number of queries whatever the size of the subtree.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Count, F, Min, Q
from django.utils import timezone

from vigie.core.scoping import scoped
from vigie.actions import services as actions
from vigie.core.indicators import WARNING_DAYS, State
from vigie.core.registry import registry

from .models import Summary

TOP = 5  # items listed one by one in each section


@dataclass(frozen=True, slots=True)
class ReadingGroup:
    """How many establishments of the subtree are in `state` on one indicator, and the earliest due date."""

    key: str
    title: str
    state: str
    count: int
    due: datetime.date | None

    @property
    def late(self) -> bool:
        return self.state == State.LATE


def _title(key: str) -> str:
    indicator = registry.indicators.get(key)
    return indicator.title if indicator is not None else key


def late_readings(user, today: datetime.date, top: int = TOP) -> tuple[list[ReadingGroup], list[Summary]]:
    """The readings late or lapsing within the warning window, grouped per indicator and state (late
    first), and the `top` most urgent ones by due date: two queries."""
    readings = scoped(Summary.objects.filter(
        Q(state=State.LATE) | Q(state=State.DUE, due__lte=today + datetime.timedelta(days=WARNING_DAYS))),
        user, "view")
    rows = readings.values("key", "state").annotate(count=Count("id"), due=Min("due")).order_by()
    groups = sorted(
        (ReadingGroup(row["key"], _title(row["key"]), row["state"], row["count"], row["due"]) for row in rows),
        key=lambda g: (g.state != State.LATE, g.due or datetime.date.max, g.key))
    urgent = list(readings.select_related("organisation")
                  .order_by(F("due").asc(nulls_last=True), "organisation__name", "key")[:top])
    for reading in urgent:
        reading.title = _title(reading.key)
    return groups, urgent


def late_for(user, today: datetime.date | None = None, top: int = TOP) -> dict:
    """Everything the home page shows about what is late, for the user's subtree: six queries (and the
    user's roles, read by each scoped() call), whatever the size of the subtree."""
    today = today or timezone.localdate()
    overdue_count, overdue = actions.overdue_actions(user, today, top)
    groups, urgent = late_readings(user, today, top)
    deadlines = actions.deadline_counts(user, today, window_days=WARNING_DAYS)
    return {
        "today": today, "deadlines": deadlines, "overdue_count": overdue_count, "overdue": overdue,
        "reading_groups": groups, "urgent_readings": urgent,
        "nothing_late": not (deadlines or overdue_count or groups),
    }
