"""The trend of a directory's audits as a picture: its level held from one audit to the next (steps, 1 to 5)
over its failing checks (bars), drawn by core.charts so it runs under the pages' Content-Security-Policy."""

import datetime
import math

from django.utils import timezone
from django.utils.translation import gettext as _

from vigie.core import charts

MAX_TICKS = 6
MIN_DAYS = 30  # a single audit, or audits a few days apart, still get a readable month axis


def _month_ticks(start: datetime.date, end: datetime.date) -> list[tuple[datetime.date, str]]:
    """The first day of every month (or every second, third… month) between start and end, as MM/YY."""
    months = (end.year - start.year) * 12 + end.month - start.month + 1
    every = max(1, math.ceil(months / MAX_TICKS))
    ticks, year, month = [], start.year, start.month
    for index in range(months + 1):
        day = datetime.date(year, month, 1)
        if start <= day <= end and index % every == 0:
            ticks.append((day, f"{day:%m/%y}"))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return ticks


def trend_chart(directory, audits, today: datetime.date | None = None, width: int = 640) -> str:
    """The SVG of the finished audits (oldest first), or "" when there is none."""
    dated = [(timezone.localdate(a.finished_at), a) for a in audits if a.finished_at and a.level]
    if not dated:
        return ""
    first, last = dated[0][0], dated[-1][0]
    end = max(today or timezone.localdate(), last)
    start = first - datetime.timedelta(days=max((end - first).days, MIN_DAYS) // 12)  # the first bar off the axis
    return charts.step_chart(
        ident="ad-trend", title=_("Level and failing checks across audits"),
        desc=_("Level of each audit of %(domain)s, from 1 to 5 (ANSSI), held until the next audit (steps), and its "
               "number of failing checks (bars).") % {"domain": directory.domain},
        start=start, end=end, x_ticks=_month_ticks(start, end),
        series=[charts.Steps(_("Level"), tuple((day, a.level) for day, a in dated))],
        bars=charts.Bars(_("Failing checks"), tuple((day, a.failing_count) for day, a in dated)), width=width,
    )


def trend_for_pdf(directory, audits) -> str:
    """The same picture for the management report's PDF: its stylesheet inside (WeasyPrint cannot fetch it),
    narrow enough for the A4 text width."""
    svg = trend_chart(directory, audits, width=560)
    return charts.with_stylesheet(svg) if svg else ""
