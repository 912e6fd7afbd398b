"""The yearly steering report of a level (GHT, region, nation; or one establishment): totals, the share of
establishments holding each indicator at the year's end, its charts month by month (the same SVG as the
trend pages, with their stylesheet inside), the regions grid on the national node, and the list of
establishments with how many indicators each holds, is late on… Built as a PDF by WeasyPrint in a job.

The readings are computed as of the year's last day (today for the current year) by the indicators
themselves, so a past year's report says what held then, not what holds now.
"""

import datetime
import logging
from collections import Counter
from dataclasses import dataclass, replace

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify

from vigie.core.scoping import scoped
from vigie.core import charts
from vigie.core.pdf import html_to_pdf
from vigie.core.indicators import Indicator, State
from vigie.core.registry import registry
from vigie.organisations.models import Kind, Organisation

from . import trends
from .services import BATCH, HOLDING, LEVEL_KINDS, establishments, readings

logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
logging.getLogger("fontTools").setLevel(logging.WARNING)


@dataclass(frozen=True, slots=True)
class Row:
    org: Organisation
    counts: list[int]  # how many indicators the establishment is in each state, in State's order


@dataclass(frozen=True, slots=True)
class Total:
    indicator: Indicator
    holding: int
    total: int

    @property
    def text(self) -> str:
        return trends.percent(trends.share(self.holding, self.total))


def year_end(year: int, today: datetime.date) -> datetime.date:
    return min(datetime.date(year, 12, 31), today)


def context(node: Organisation, user, year: int, progress=lambda percent, message="": None) -> dict:
    today = timezone.localdate()
    as_of = year_end(year, today)
    indicators = registry.ordered_indicators()
    orgs = list(scoped(establishments(node), user, "view").order_by("path"))
    holding = Counter()
    rows = []
    holders_d1 = set()
    domain1 = trends.domain1_keys()
    for start in range(0, len(orgs), BATCH):
        batch = orgs[start:start + BATCH]
        found = readings(batch, as_of)
        for org in batch:
            states = {key: found[key][org.pk].state for key in found}
            by_state = Counter(states.values())
            rows.append(Row(org, [by_state[state] for state in State.values]))
            holding.update(key for key, state in states.items() if state in HOLDING)
            if domain1 and all(states.get(key) in HOLDING for key in domain1):
                holders_d1.add(org.path)
        progress(10 + int(60 * min(start + BATCH, len(orgs)) / max(len(orgs), 1)), "")
    months = [m for m in trends.months_back(12, datetime.date(year, 12, 1)) if m <= as_of]
    result = {
        "node": node, "year": year, "as_of": as_of, "generated": timezone.now(), "states": State.choices,
        "totals": [Total(i, holding[i.key], len(orgs)) for i in indicators], "rows": rows, "count": len(orgs),
        "trends": [], "regions": None, "levels": [],
    }
    if node.kind in LEVEL_KINDS:
        result["trends"] = [replace(t, svg=inline(t.svg)) for t in trends.indicator_trends(node, user, months)]
    else:
        result["levels"] = [replace(c, svg=inline(c.svg)) for c in
                                   trends.establishment_levels(node, user, datetime.date(year, 1, 1), as_of)]
    if node.kind == Kind.NATIONAL and domain1:
        regions = trends.region_rows(node, user, holders_d1)
        result["regions"] = regions
        result["regions_svg"] = inline(trends.regions_svg(node, regions, link=False))
    return result


def inline(svg: str) -> str:
    """A chart for the PDF: the page's SVG with the chart stylesheet inside (WeasyPrint draws SVG with the
    styles it carries)."""
    return charts.with_stylesheet(svg)


def pdf(node: Organisation, user, year: int, progress=lambda percent, message="": None) -> bytes:
    html = render_to_string("steering/report_document.html", context(node, user, year, progress))
    progress(80, "")
    return html_to_pdf(html)


def filename(node: Organisation, year: int) -> str:
    return f"pilotage-{slugify(node.name) or node.uuid}-{year}.pdf"
