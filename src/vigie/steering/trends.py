"""What the trend pages and the yearly report draw: per indicator, the share of a level's establishments
holding it month by month (from `Trend` rows), the regions of the nation coloured by the share of their
establishments holding every Domain 1 objective, and one establishment's exposure and AD levels over time
(asked of the exposure and directory apps). Each returns the SVG (core.charts) and the rows of the text
table shown beside it.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count
from django.db.models.functions import Substr
from django.urls import reverse
from django.utils.translation import gettext as _

from vigie.core.scoping import scoped
from vigie.core import charts
from vigie.core.indicators import Indicator
from vigie.core.registry import registry
from vigie.directory import services as directory_services
from vigie.exposure import services as exposure_services
from vigie.organisations.models import PATH_SEGMENT, Kind, Organisation

from .models import Summary, Trend
from .services import HOLDING, month_start

MONTHS = 24
DOMAIN1 = "domain1"
EXPOSURE_LEVELS = (1, 4)  # exposure audits: insufficient (1) to good (4)
AD_LEVELS = (1, 5)  # ANSSI Active Directory levels


def months_back(count: int, today: datetime.date) -> list[datetime.date]:
    """The first days of the `count` months ending with today's, oldest first."""
    months = [month_start(today)]
    while len(months) < count:
        months.append(month_start(months[-1] - datetime.timedelta(days=1)))
    return months[::-1]


def share(holding: int, total: int) -> float | None:
    return holding * 100 / total if total else None


def percent(value: float | None) -> str:
    return "—" if value is None else f"{round(value)} %"


@dataclass(frozen=True, slots=True)
class MonthRow:
    month: datetime.date
    holding: int | None  # None: no count stored for the month (a gap)
    total: int | None
    share: float | None

    @property
    def text(self) -> str:
        return percent(self.share)


@dataclass(frozen=True, slots=True)
class IndicatorTrend:
    indicator: Indicator
    rows: list[MonthRow]
    svg: str


def indicator_trends(node: Organisation, user, months: list[datetime.date]) -> list[IndicatorTrend]:
    """Every registered indicator's share month by month, in one query; months without a count are gaps."""
    stored = scoped(Trend.objects.filter(organisation=node, month__gte=months[0], month__lte=months[-1]), user, "view")
    counts = {(key, month): (held, total)
              for key, month, held, total in stored.values_list("key", "month", "holding", "total")}
    found = []
    for number, indicator in enumerate(registry.ordered_indicators()):
        rows = []
        for month in months:
            held, total = counts.get((indicator.key, month), (None, None))
            rows.append(MonthRow(month, held, total, share(held, total) if total is not None else None))
        svg = charts.line_chart(
            ident=f"trend-{number}", title=str(indicator.title),
            desc=_("Share of the establishments of %(node)s holding “%(indicator)s”, month by month; "
                   "months without a count are left blank.") % {"node": node.name, "indicator": indicator.title},
            labels=[f"{m:%m/%y}" for m in months],
            series=[charts.Series(str(indicator.short), tuple(r.share for r in rows), tuple(r.text for r in rows))],
        )
        found.append(IndicatorTrend(indicator, rows, svg))
    return found


def domain1_keys() -> list[str]:
    return [i.key for i in registry.ordered_indicators() if i.group == DOMAIN1]


def holding_all(paths_holding: dict[str, int], keys: list[str]) -> set[str]:
    return {path for path, held in paths_holding.items() if held == len(keys)}


@dataclass(frozen=True, slots=True)
class RegionRow:
    region: Organisation
    holding: int
    total: int

    @property
    def share(self) -> float | None:
        return share(self.holding, self.total)

    @property
    def text(self) -> str:
        return percent(self.share)


def region_rows(node: Organisation, user, holders: set[str] | None = None) -> list[RegionRow]:
    """The regions under the national node, each with how many of its establishments hold every Domain 1
    objective. `holders` (establishments' paths) comes from the stored summaries unless given (the report
    passes the readings of its year). Three queries."""
    keys = domain1_keys()
    regions = list(scoped(Organisation.objects.filter(parent=node, kind=Kind.REGION), user, "view").order_by("name"))
    width = len(node.path) + PATH_SEGMENT
    totals = dict(scoped(Organisation.objects.filter(kind=Kind.LEGAL_ENTITY, path__startswith=node.path), user, "view")
                  .annotate(prefix=Substr("path", 1, width)).values("prefix")
                  .annotate(n=Count("id")).values_list("prefix", "n"))
    if holders is None:
        held = (scoped(Summary.objects.filter(organisation__path__startswith=node.path, key__in=keys,
                                              state__in=HOLDING), user, "view")
                .values("organisation__path").annotate(n=Count("id")).values_list("organisation__path", "n"))
        holders = holding_all(dict(held), keys) if keys else set()
    per_region: dict[str, int] = defaultdict(int)
    for path in holders:
        per_region[path[:width]] += 1
    return [RegionRow(region, per_region.get(region.path, 0), totals.get(region.path, 0)) for region in regions]


def regions_svg(node: Organisation, rows: list[RegionRow], link: bool = True) -> str:
    return charts.tile_grid(
        ident="regions", title=_("Regions: share of establishments holding the Domain 1 objectives"),
        desc=_("One tile per region of %(node)s, darker as more of its establishments hold every Domain 1 "
               "objective.") % {"node": node.name},
        none_text=_("no establishment"),
        tiles=[charts.Tile(r.region.name, r.share, r.text if r.total else "",
                           reverse("steering:trends", args=[r.region.uuid]) if link else "") for r in rows],
    )


@dataclass(frozen=True, slots=True)
class LevelChart:
    title: str
    rows: list[tuple[str, datetime.date, int]]  # (what was audited, date, level)
    svg: str


def _quarter_ticks(start: datetime.date, end: datetime.date) -> list[tuple[datetime.date, str]]:
    ticks, month = [], start
    while month <= end:
        if month.month in (1, 4, 7, 10):
            ticks.append((month, f"{month:%m/%y}"))
        month = month_start(month + datetime.timedelta(days=32))
    return ticks


def level_chart(ident: str, title: str, desc: str, rows, bounds: tuple[int, int], start, end) -> LevelChart:
    by_source: dict[str, list[tuple[datetime.date, int]]] = defaultdict(list)
    for source, day, level in rows:
        by_source[source].append((day, level))
    svg = charts.step_chart(
        ident=ident, title=title, desc=desc, start=start, end=end, x_ticks=_quarter_ticks(start, end),
        series=[charts.Steps(source, tuple(points)) for source, points in by_source.items()],
        low=bounds[0], high=bounds[1],
    )
    return LevelChart(title, rows, svg)


def establishment_levels(org: Organisation, user, start: datetime.date, end: datetime.date) -> list[LevelChart]:
    """The exposure levels of the establishment and its sites, and the AD levels of their directories."""
    exposure = [r for r in exposure_services.level_history(org, user, start) if r[1] <= end]
    directory = [r for r in directory_services.level_history(org, user, start) if r[1] <= end]
    return [
        level_chart("exposure-levels", _("Internet exposure level"),
                    _("Level of each exposure audit of %(name)s and its sites, from 1 (insufficient) to 4 (good); "
                      "a level holds until the next audit.") % {"name": org.name},
                    exposure, EXPOSURE_LEVELS, start, end),
        level_chart("ad-levels", _("Active Directory level"),
                    _("Level of each Active Directory audit of %(name)s, from 1 to 5 (ANSSI); a level holds until "
                      "the next audit.") % {"name": org.name},
                    directory, AD_LEVELS, start, end),
    ]
