"""The matrix of a level (GHT, region, nation): its establishments × the registered indicators, from the
stored summaries, shared by the page, the export job and the API.

Each piece is a fixed number of queries: the establishments (filtered, sorted, counted and cut by the
database, see filters.py), the readings of one page of them, the totals of the level, its GHTs' coverage.
Establishments with no reading at all are rows like the others, marked "nothing recorded".
"""

import itertools
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Max, Min, Q, Sum
from django.core.paginator import Paginator
from django.utils import formats
from django.utils.functional import cached_property
from django.utils.html import format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from vigie.core.scoping import scoped
from vigie.core.indicators import Indicator, State
from vigie.core.registry import registry
from vigie.organisations.models import Kind, Organisation

from .models import Summary
from .services import HOLDING, LEVEL_KINDS, establishments

# CaRE Domain 2 asks a GHT to cover 66 % of its activity (care-facts: the 66 % rule); the indicators of
# that domain are the ones weighed by activity share per GHT on a region's or the nation's matrix.
COVERAGE_GROUP = "domain2"
COVERAGE_THRESHOLD = Decimal("66")
GROUPS = {
    "domain1": _("CaRE Domain 1"),
    "domain2": _("CaRE Domain 2"),
    "instruction": _("Instruction DNS/2025/12"),
    "funding": _("Funding"),
    "": _("Other"),
}


# What a row shows of an establishment: fewer columns make the grouping of the late count cheaper.
ROW_FIELDS = ("uuid", "name", "finess", "path", "parent__uuid", "parent__name", "parent__path")
CELL_FIELDS = ("organisation_id", "key", "state", "value", "on", "due", "url", "computed_at")


@dataclass(frozen=True, slots=True)
class Cell:
    indicator: Indicator
    state: str = State.NEVER
    value: Decimal | None = None
    on: date | None = None
    due: date | None = None
    url: str = ""
    computed_at: datetime | None = None

    @property
    def state_label(self) -> str:
        return State(self.state).label

    @property
    def kind(self) -> str:
        return self.indicator.kind

    @property
    def text(self) -> str:
        """The value as the indicator's kind reads it, then the date of the record behind it."""
        return value_text(self.kind, self.value, self.on)


def value_text(kind: str, value: Decimal | None, on: date | None) -> str:
    parts = []
    if value is not None and kind != "date":
        number = formats.number_format(value.to_integral() if value == value.to_integral() else value.normalize())
        if kind == "level":
            parts.append(gettext("level %(level)s") % {"level": number})
        elif kind == "percent":
            parts.append(f"{number} %")
        else:
            parts.append(number)
    if on is not None:
        parts.append(formats.date_format(on, "SHORT_DATE_FORMAT"))
    return " · ".join(parts)


@dataclass(slots=True)
class Row:
    establishment: Organisation
    cells: list[Cell]
    late: int = 0
    under: Organisation | None = None  # its GHT or region, when that lies under the matrix's node

    @property
    def nothing_recorded(self) -> bool:
        return all(cell.state == State.NEVER for cell in self.cells)

    def cells_html(self) -> str:
        """The row's cells, escaped, in one pass: a national page has 600 of them, and rendering each
        through the template engine was the page's largest cost."""
        return format_html_join("", '<td class="reading"><span class="badge state-{}">{}</span> <small>{}</small></td>',
                                ((c.state, c.state_label, c.text) for c in self.cells))


@dataclass(slots=True)
class Total:
    indicator: Indicator
    holding: int
    total: int

    @property
    def percent(self) -> Decimal:
        return (Decimal(self.holding * 100) / self.total).quantize(Decimal("0.1")) if self.total else Decimal(0)


def percent_text(share: Decimal) -> str:
    """65.94 → "65.9", 60.00 → "60" (as the floatformat:"-1" filter writes it), in the user's language."""
    rounded = share.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return formats.number_format(rounded, 0 if rounded == rounded.to_integral() else 1)


@dataclass(slots=True)
class GhtCoverage:
    ght: Organisation
    shares: list[tuple[Indicator, Decimal, bool]] = field(default_factory=list)  # covered share, threshold met

    def cells_html(self) -> str:
        """The line's share cells, escaped, in one pass: the nation's table has 135 GHTs (see Row)."""
        met, unmet = gettext("met"), gettext("not met")
        return format_html_join("", '<td class="{}">{} % — {}</td>', (
            ("met" if ok else "unmet", percent_text(share),
             met if ok else unmet) for _indicator, share, ok in self.shares))


class MatrixPaginator(Paginator):
    """Pages of the ordered establishments, counted on the filtered ones: the count needs no late-count
    grouping, which only the order does."""

    def __init__(self, ordered, filtered, per_page: int):
        super().__init__(ordered, per_page)
        self.filtered = filtered

    @cached_property
    def count(self) -> int:
        return self.filtered.count()


def indicators() -> list[Indicator]:
    return registry.ordered_indicators()


def column_groups(columns: list[Indicator]) -> list[tuple[str, int]]:
    """Consecutive columns of one group, as (label, how many) for the header's first row."""
    return [(str(GROUPS.get(group, group)), len(list(run))) for group, run in itertools.groupby(columns, lambda i: i.group)]


def visible_establishments(user, node: Organisation):
    """The establishments under `node` the user may see (a legal entity stands for itself)."""
    return scoped(establishments(node), user, "view")


def visible_levels(user):
    """The level nodes (national, region, GHT) the user may see: the way up from an establishment, what
    a matrix may be narrowed to. Built once per request and narrowed, so the user's roles are read once."""
    return scoped(Organisation.objects.filter(kind__in=LEVEL_KINDS), user, "view")


def rows(node: Organisation, page: list[Organisation], columns: list[Indicator]) -> list[Row]:
    """The matrix rows of a page of establishments (annotated with `late` by the filter, parents selected):
    one query. An establishment's parent is named only inside the node, which the user may see."""
    found = {
        (s.organisation_id, s.key): s
        for s in Summary.objects.filter(organisation__in=[o.pk for o in page], key__in=[i.key for i in columns])
        .only(*CELL_FIELDS).order_by()
    }
    result = []
    for org in page:
        cells = []
        for indicator in columns:
            s = found.get((org.pk, indicator.key))
            cells.append(Cell(indicator) if s is None else Cell(indicator, s.state, s.value, s.on, s.due, s.url,
                                                                 s.computed_at))
        parent = org.parent if org.parent_id and org.parent.path.startswith(node.path) else None
        result.append(Row(org, cells, getattr(org, "late", 0), parent))
    return result


@dataclass(slots=True)
class Totals:
    count: int
    by_indicator: list[Total]
    oldest: datetime | None
    newest: datetime | None


@dataclass(slots=True)
class LevelFigures:
    totals: Totals
    coverage: list[GhtCoverage]


def coverage_columns(columns: list[Indicator]) -> list[Indicator]:
    return [i for i in columns if i.group == COVERAGE_GROUP]


def level_figures(user, node: Organisation, visible, levels, columns: list[Indicator]) -> LevelFigures:
    """Above the table: how many of the level's visible establishments hold each indicator (held or due),
    out of how many, the freshness of the readings, and for a region or the nation each GHT's activity
    share holding each Domain 2 indicator against 66 %.

    The totals are grouped by indicator only (a dozen rows); the GHT shares read only the holding readings
    of the weighed indicators: with the count and the GHTs' names, four queries at most."""
    keys = [i.key for i in columns]
    count = visible.count()
    readings = scoped(Summary.objects.filter(organisation__path__startswith=node.path,
                                             organisation__kind=Kind.LEGAL_ENTITY, key__in=keys), user, "view")
    grouped = list(readings.order_by().values("key").annotate(
        holding=Count("pk", filter=Q(state__in=HOLDING)), oldest=Min("computed_at"), newest=Max("computed_at")))
    by_key = {row["key"]: row["holding"] for row in grouped}
    totals = Totals(count, [Total(i, by_key.get(i.key, 0), count) for i in columns],
                    min((row["oldest"] for row in grouped), default=None),
                    max((row["newest"] for row in grouped), default=None))
    weighed = coverage_columns(columns)
    if node.kind not in (Kind.NATIONAL, Kind.REGION) or not weighed:
        return LevelFigures(totals, [])
    # The GHTs' shares: only the holding readings of the weighed indicators, grouped by GHT.
    shares = {
        (row["organisation__parent_id"], row["key"]): row["share"] or Decimal(0)
        for row in readings.filter(key__in=[i.key for i in weighed], state__in=HOLDING).order_by()
        .values("organisation__parent_id", "key").annotate(share=Sum("organisation__activity_share"))
    }
    coverage = []
    for ght in levels.filter(kind=Kind.GHT, path__startswith=node.path).order_by("name", "pk"):
        line = GhtCoverage(ght)
        for indicator in weighed:
            share = shares.get((ght.pk, indicator.key), Decimal(0))
            line.shares.append((indicator, share, share >= COVERAGE_THRESHOLD))
        coverage.append(line)
    return LevelFigures(totals, coverage)


def is_level(org: Organisation) -> bool:
    return org.kind in LEVEL_KINDS
