"""Ways of looking at the action plan: list, board, calendar, and its exports."""

import calendar
import datetime
from collections import defaultdict

from django.core.paginator import Paginator
from django.db.models import Count, F, Window
from django.db.models.functions import RowNumber
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from vigie.core import generic, recent

from .. import jobs
from ..models import PRIORITY_RANK, Action, Status
from .common import PER_PAGE, filtered

BOARD_LIMIT = 25  # cards a column shows; the list pages through all of them
CALENDAR_PER_DAY = 5


@require_GET
def action_list(request, _actions):
    filters, actions = filtered(request)
    page = Paginator(actions.in_order(), PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "actions/list.html", {
        "filters": filters, "page_obj": page, "today": timezone.localdate(), "can_add": generic.may_add(request.user, Action)})


@require_GET
def board(request, _actions):
    filters, actions = filtered(request)
    counts = dict(actions.order_by().values_list("status").annotate(n=Count("id")))  # one pass, not one a column
    columns = [{"status": status, "cards": actions.filter(status=status).in_order()[:BOARD_LIMIT],
                "count": counts.get(status.value, 0)} for status in Status]
    return render(request, "actions/board.html", {
        "filters": filters, "columns": columns, "today": timezone.localdate(), "limit": BOARD_LIMIT})


def _month(value: str | None) -> datetime.date:
    today = timezone.localdate()
    try:
        year, month = (int(part) for part in (value or "").split("-"))
        return datetime.date(year, month, 1)
    except ValueError:
        return today.replace(day=1)


@require_GET
def month(request, _actions):
    filters, actions = filtered(request)
    first = _month(request.GET.get("month"))
    weeks = calendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month)
    shown = actions.filter(due__gte=weeks[0][0], due__lte=weeks[-1][-1])
    # A national month holds thousands of actions: each day shows its first few, in list order, and how
    # many more there are (the list shows them all).
    totals = dict(shown.order_by().values_list("due").annotate(n=Count("id")))
    by_day = defaultdict(list)
    first_of_day = shown.annotate(day_rank=Window(RowNumber(), partition_by=F("due"), order_by=[PRIORITY_RANK, "id"]))
    for action in first_of_day.filter(day_rank__lte=CALENDAR_PER_DAY).in_order():
        by_day[action.due].append(action)
    previous = (first - datetime.timedelta(days=1)).replace(day=1)
    following = (first + datetime.timedelta(days=32)).replace(day=1)
    return render(request, "actions/calendar.html", {
        "filters": filters, "first": first, "today": timezone.localdate(),
        "weeks": [[(day, by_day.get(day, []), totals.get(day, 0) - len(by_day.get(day, []))) for day in week]
                  for week in weeks],
        "previous": previous.strftime("%Y-%m"), "following": following.strftime("%Y-%m"),
    })


@require_GET
def export(request, _actions):
    """Start the export job of the filtered list as CSV (default) or XLSX (?format=xlsx) and follow it; the
    job writes the file and records the export in the audit log."""
    if confirm := recent.confirm_first(request):
        return confirm
    kind = "xlsx" if request.GET.get("format") == "xlsx" else "csv"
    return redirect(jobs.launch_export(request.user, request.GET, kind))
