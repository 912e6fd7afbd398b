"""The export for the national monitoring platform: one row per establishment under a node, its columns
read from `data/monitoring.yaml` (headers, and which establishment field or indicator reading fills each).

The file is checked on load: a malformed one raises `MonitoringFileError` naming the file, the column and
the field. Values come from the stored summaries (one query for all establishments); the file's headers
are French, and so are the values (yes/no, states), whatever the language of whoever started the export.
"""

import datetime
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vigie.core.datafiles import DataFileError
from vigie.core.indicators import State
from vigie.organisations.models import PATH_SEGMENT, Kind, Organisation

from . import exports
from .services import HOLDING

DATA_FILE = Path(__file__).parent / "data" / "monitoring.yaml"
FIELDS = ("finess", "name", "region", "ght")
TAKES = ("held", "state", "value", "on", "due")
CONFIDENCE = ("C", "NC")
KEYS = ("header", "field", "indicator", "take", "confidence", "source")
EXPORT_LANGUAGE = "fr"
FIELD_LABELS = {"finess": gettext_lazy("FINESS number"), "name": gettext_lazy("name"),
                "region": gettext_lazy("region"), "ght": gettext_lazy("GHT")}
TAKE_LABELS = {"held": gettext_lazy("held (yes or no)"), "state": gettext_lazy("state"),
               "value": gettext_lazy("value"), "on": gettext_lazy("date recorded"), "due": gettext_lazy("due date")}


class MonitoringFileError(DataFileError):
    """The monitoring file is malformed; the message names the file, the column and the field."""

    @property
    def column(self) -> str:
        return self.entry


@dataclass(frozen=True, slots=True)
class Column:
    header: str
    field: str  # one of FIELDS, or ""
    indicator: str  # an indicator key, or ""
    take: str  # one of TAKES when `indicator`
    confidence: str
    source: str

    @property
    def confirmed(self) -> bool:
        return self.confidence == "C"


@dataclass(frozen=True, slots=True)
class Catalogue:
    version: str
    columns: tuple[Column, ...]

    def indicator_keys(self) -> list[str]:
        return sorted({c.indicator for c in self.columns if c.indicator})


def _text(entry: dict, key: str, file: str, where: str) -> str:
    value = entry.get(key)
    if not isinstance(value, str) or not value.strip():
        raise MonitoringFileError(file, where, key, "a non-empty text" + (
            ' (write "on" in quotes: unquoted, YAML reads it as true)' if value is True else ""))
    return value.strip()


def _column(entry, number: int, file: str) -> Column:
    where = f"column {number}"
    if not isinstance(entry, dict):
        raise MonitoringFileError(file, where, "-", "each column is a mapping (header:, field: or indicator:, …)")
    header = _text(entry, "header", file, where)
    where = f"column {number} ({header})"
    if unknown := sorted(set(entry) - set(KEYS)):
        raise MonitoringFileError(file, where, str(unknown[0]), f"unknown field; the fields are {', '.join(KEYS)}")
    if ("field" in entry) == ("indicator" in entry):
        raise MonitoringFileError(file, where, "field", "either field: or indicator:, not both or neither")
    field = indicator = take = ""
    if "field" in entry:
        field = _text(entry, "field", file, where)
        if field not in FIELDS:
            raise MonitoringFileError(file, where, "field", f"one of {', '.join(FIELDS)}, not {field!r}")
        if "take" in entry:
            raise MonitoringFileError(file, where, "take", "only for a column filled from an indicator")
    else:
        indicator = _text(entry, "indicator", file, where)
        take = _text(entry, "take", file, where)
        if take not in TAKES:
            raise MonitoringFileError(file, where, "take", f"one of {', '.join(TAKES)}, not {take!r}")
    confidence = _text(entry, "confidence", file, where)
    if confidence not in CONFIDENCE:
        raise MonitoringFileError(file, where, "confidence", f"one of {', '.join(CONFIDENCE)} (C confirmed, NC not "
                                                             f"confirmed), not {confidence!r}")
    return Column(header, field, indicator, take, confidence, _text(entry, "source", file, where))


def load(path: Path) -> Catalogue:
    """Read and check a monitoring file; MonitoringFileError names the first problem found."""
    file = path.name
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise MonitoringFileError(file, "-", "-", f"cannot be read: {exc}") from None
    if not isinstance(data, dict) or not isinstance(data.get("version"), str):
        raise MonitoringFileError(file, "-", "version", "the file starts with version: (a text) and columns:")
    if unknown := sorted(set(data) - {"version", "columns"}):
        raise MonitoringFileError(file, "-", str(unknown[0]), "unknown field; the file has version: and columns:")
    entries = data.get("columns")
    if not isinstance(entries, list) or not entries:
        raise MonitoringFileError(file, "-", "columns", "a non-empty list")
    columns = [_column(entry, number, file) for number, entry in enumerate(entries, start=1)]
    headers = [c.header for c in columns]
    for number, header in enumerate(headers, start=1):
        if header in headers[: number - 1]:
            raise MonitoringFileError(file, f"column {number} ({header})", "header",
                                      f"used twice (also column {headers.index(header) + 1})")
    return Catalogue(data["version"], tuple(columns))


@lru_cache(maxsize=1)
def catalogue() -> Catalogue:
    return load(DATA_FILE)


def filled_from(column: Column, indicators: dict) -> str:
    """What fills a column, in the reader's language: "the establishment's name", "Budget: value"…"""
    if column.field:
        return _("the establishment's %(field)s") % {"field": FIELD_LABELS[column.field]}
    indicator = indicators.get(column.indicator)
    title = indicator.title if indicator is not None else column.indicator
    return _("%(indicator)s: %(what)s") % {"indicator": title, "what": TAKE_LABELS[column.take]}


def check_indicators(found: Catalogue, known: set[str], file: str = DATA_FILE.name) -> None:
    """Every indicator the file names must be registered (asked at export time, once all apps are ready)."""
    for number, column in enumerate(found.columns, start=1):
        if column.indicator and column.indicator not in known:
            raise MonitoringFileError(file, f"column {number} ({column.header})", "indicator",
                                      f"no module registers the indicator {column.indicator!r}")


def _cell(column: Column, org: Organisation, names: dict[str, str], reading) -> object:
    if column.field == "finess":
        return org.finess or ""
    if column.field == "name":
        return org.name
    if column.field in ("region", "ght"):
        kind = Kind.REGION if column.field == "region" else Kind.GHT
        return names.get((kind, org.path[: PATH_SEGMENT * (2 if kind == Kind.REGION else 3)]), "")
    state, value, on, due = reading or (State.NEVER, None, None, None)
    if column.take == "held":
        return _("yes") if state in HOLDING else _("no")
    if column.take == "state":
        return str(State(state).label)
    if column.take == "value":
        return value
    day = on if column.take == "on" else due
    return day if isinstance(day, datetime.date) else ""


def rows(found: Catalogue, establishments, user_summaries) -> list[list]:
    """One row per establishment (ordered by the tree), cells in French. `user_summaries` is the scoped
    Summary queryset; establishments with no reading get "no" and blanks, never a missing row."""
    establishments = list(establishments.select_related(None).order_by("path").only("pk", "path", "name", "finess"))
    level_paths = {org.path[: PATH_SEGMENT * depth] for org in establishments for depth in (2, 3)}
    names = {(kind, path): name for kind, path, name in Organisation.objects.filter(
        path__in=level_paths, kind__in=(Kind.REGION, Kind.GHT)).values_list("kind", "path", "name")}
    readings = {(org_id, key): (state, value, on, due) for org_id, key, state, value, on, due in
                user_summaries.filter(key__in=found.indicator_keys()).values_list(
                    "organisation_id", "key", "state", "value", "on", "due")}
    with translation.override(EXPORT_LANGUAGE):
        return [[_cell(c, org, names, readings.get((org.pk, c.indicator))) for c in found.columns]
                for org in establishments]


def as_csv(found: Catalogue, table: list[list]) -> bytes:
    return exports.as_csv([c.header for c in found.columns], table)


def as_xlsx(found: Catalogue, table: list[list]) -> bytes:
    return exports.as_xlsx([c.header for c in found.columns], table, "Suivi")

