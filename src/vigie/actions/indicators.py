"""Steering indicators of the action plan and the CaRE deadlines, for establishments and their sites.

- `actions.overdue`: the actions open on the date (created by then, not closed by then) whose due date has
  passed: late when there is one; due soon when one falls due within the warning window; held when the
  establishment has actions and none is overdue. The count is done by the database (one grouped query).
- `actions.deadlines`: the CaRE deadlines that apply to the establishment (services.statuses_for, from the
  deadlines file): late when one is late, due soon when one is in its lead time, held otherwise. An
  establishment that recorded no completion at all reads "nothing recorded", with its late ones counted.
"""

import datetime
from decimal import Decimal

from django.db.models import Count, Min, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vigie.core.indicators import WARNING_DAYS, Indicator, Reading, State
from vigie.core.registry import registry

from .deadlines import DUE, LATE
from .models import ACTIVE, Action
from .services import statuses_for


def overdue(establishments, as_of: datetime.date) -> dict[int, Reading]:
    ids = {org.pk for org in establishments}
    end = timezone.make_aware(datetime.datetime.combine(as_of + datetime.timedelta(days=1), datetime.time()))
    is_open = (Q(closed_at__isnull=True, status__in=ACTIVE) | Q(closed_at__gte=end)) & Q(merged_into__isnull=True)
    late = is_open & Q(due__lt=as_of)
    soon = is_open & Q(due__gte=as_of, due__lte=as_of + datetime.timedelta(days=WARNING_DAYS))
    rows = (Action.objects.filter(Q(organisation__in=ids) | Q(organisation__parent__in=ids), created_at__lt=end)
            .values("organisation_id", "organisation__parent_id").order_by()
            .annotate(total=Count("id"), late=Count("id", filter=late), soon=Count("id", filter=soon),
                      oldest=Min("due", filter=late), next=Min("due", filter=soon)))
    totals: dict[int, dict] = {}
    for row in rows:
        pk = row["organisation_id"] if row["organisation_id"] in ids else row["organisation__parent_id"]
        mine = totals.setdefault(pk, {"total": 0, "late": 0, "soon": 0, "oldest": None, "next": None})
        for key in ("total", "late", "soon"):
            mine[key] += row[key]
        for key in ("oldest", "next"):
            if row[key] is not None and (mine[key] is None or row[key] < mine[key]):
                mine[key] = row[key]
    by_pk = {org.pk: org for org in establishments}
    found = {}
    for pk, counts in totals.items():
        url = reverse("actions:list") + f"?organisation={by_pk[pk].uuid}&overdue=on"
        detail = {"open_late": counts["late"], "due_soon": counts["soon"], "total": counts["total"]}
        if counts["late"]:
            found[pk] = Reading(State.LATE, Decimal(counts["late"]), counts["oldest"], counts["oldest"], detail, url)
        elif counts["soon"]:
            found[pk] = Reading(State.DUE, Decimal(0), None, counts["next"], detail, url)
        else:
            found[pk] = Reading(State.HELD, Decimal(0), None, None, detail, url)
    return found


def deadlines(establishments, as_of: datetime.date) -> dict[int, Reading]:
    found = {}
    for org, statuses in statuses_for(establishments, as_of):
        late = [status for status, _last in statuses if status.state == LATE]
        soon = [status for status, _last in statuses if status.state == DUE and status.soon(as_of)]
        recorded = [last for _status, last in statuses if last is not None]
        detail = {"late": [s.deadline.code for s in late], "soon": [s.deadline.code for s in soon],
                  "done": sum(1 for status, _last in statuses if status.state != LATE and status.last is not None)}
        url = reverse("actions:deadlines") + f"?organisation={org.uuid}"
        on = max((last.done_on for last in recorded), default=None)
        if not recorded:
            state = State.NEVER
        elif late:
            state = State.LATE
        elif soon:
            state = State.DUE
        else:
            state = State.HELD
        worst_due = min((s.due for s in late or soon), default=None)
        found[org.pk] = Reading(state, Decimal(len(late)), on, worst_due, detail, url)
    return found


def register() -> None:
    registry.indicator(Indicator(
        key="actions.overdue", title=_("Overdue actions of the plan (PAQ)"), short=_("Overdue"), order=90,
        compute=overdue, kind="count", target=Decimal(0), group="instruction", sources=("actions.Action",)))
    registry.indicator(Indicator(
        key="actions.deadlines", title=_("CaRE deadlines late"), short=_("Deadlines"), order=91,
        compute=deadlines, kind="count", target=Decimal(0), group="instruction",
        sources=("actions.DeadlineCompletion",)))
