"""The programme deadlines: loaded from `data/deadlines.yaml`, checked on load, and their status per
organisation computed from the completions recorded.

Rules:
- recurring (`every_months: N`, `anchor`): time is cut into periods of N months from the anchor. The
  deadline is **done** when a completion falls in the current period; **late** when the previous period
  (one that started on or after the anchor) has none and the current one has none yet; otherwise **due**,
  by the last day of the current period.
- fixed (`due`): **done** once any completion (on or after `from`, when given) is recorded, even late;
  **late** after the due date without one; **due** before it.

Pure Python apart from reading the organisation's kind: the page, the API, the ICS feed and the reminders
all call `status_of()`.
"""

import datetime
import re
from calendar import monthrange
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from vigie.core.datafiles import DataFileError

DATA_FILE = Path(__file__).parent / "data" / "deadlines.yaml"
KINDS = ("national", "region", "ght", "legal_entity", "site")
CONFIDENCE = ("C", "S", "NC")
CODE = re.compile(r"^[a-z0-9][a-z0-9-]{1,62}$")
DONE, DUE, LATE = "done", "due", "late"
STATE_LABELS = {DONE: _("Done"), DUE: _("Due"), LATE: _("Late")}


class CatalogueError(DataFileError):
    """The deadlines file is malformed; the message names the file, the deadline and the field."""

    entry_label = "deadline"

    @property
    def code(self) -> str:
        return self.entry


@dataclass(frozen=True, slots=True)
class Deadline:
    code: str
    titles: tuple[tuple[str, str], ...]
    descriptions: tuple[tuple[str, str], ...]
    applies_to: tuple[str, ...]
    candidate_only: bool
    every_months: int | None
    anchor: datetime.date | None
    due: datetime.date | None
    start: datetime.date | None
    lead_days: int
    confidence: str
    source: str

    @property
    def recurring(self) -> bool:
        return self.every_months is not None

    def title(self) -> str:
        return _pick(self.titles)

    def description(self) -> str:
        return _pick(self.descriptions)

    def applies(self, organisation) -> bool:
        """Whether this organisation answers for the deadline (its kind; for candidate-only deadlines, a
        legal entity inside a GHT does not: its GHT answers)."""
        if organisation.kind not in self.applies_to:
            return False
        if self.candidate_only and organisation.kind == "legal_entity":
            return organisation.parent is None or organisation.parent.kind != "ght"
        return True

    def period(self, day: datetime.date) -> tuple[datetime.date, datetime.date]:
        """[start, end) of the recurring period holding `day`."""
        months = (day.year - self.anchor.year) * 12 + day.month - self.anchor.month
        if day.day < self.anchor.day:
            months -= 1
        index = months // self.every_months
        return (add_months(self.anchor, index * self.every_months),
                add_months(self.anchor, (index + 1) * self.every_months))

    def status(self, today: datetime.date, done: list[datetime.date]) -> "DeadlineStatus":
        done = sorted(d for d in done if d <= today)
        last = done[-1] if done else None
        if self.recurring:
            start, end = self.period(today)
            if any(start <= d < end for d in done):
                return DeadlineStatus(self, DONE, end - datetime.timedelta(days=1), last, start)
            previous = add_months(start, -self.every_months)
            if previous >= self.anchor and not any(previous <= d < start for d in done):
                return DeadlineStatus(self, LATE, start - datetime.timedelta(days=1), last, previous)
            return DeadlineStatus(self, DUE, end - datetime.timedelta(days=1), last, start)
        relevant = [d for d in done if self.start is None or d >= self.start]
        if relevant:
            return DeadlineStatus(self, DONE, self.due, relevant[-1], self.start)
        return DeadlineStatus(self, LATE if today > self.due else DUE, self.due, last, self.start)


@dataclass(frozen=True, slots=True)
class DeadlineStatus:
    deadline: Deadline
    state: str  # done, due or late
    due: datetime.date  # the date it is expected by (for late: the one that was missed)
    last: datetime.date | None  # the last completion, if any
    period_start: datetime.date | None

    def days_left(self, today: datetime.date) -> int:
        return (self.due - today).days

    def soon(self, today: datetime.date) -> bool:
        return self.state == DUE and self.days_left(today) <= self.deadline.lead_days


def add_months(day: datetime.date, months: int) -> datetime.date:
    year, month = divmod(day.month - 1 + months, 12)
    year += day.year
    return datetime.date(year, month + 1, min(day.day, monthrange(year, month + 1)[1]))


def _pick(texts: tuple[tuple[str, str], ...]) -> str:
    by_language = dict(texts)
    language = (get_language() or "fr")[:2]
    return by_language.get(language) or by_language["fr"]


# --- loading and checking -------------------------------------------------------------------------------


def _date(value, file, code, field) -> datetime.date:
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError:
        raise CatalogueError(file, code, field, f"not a date (YYYY-MM-DD): {value!r}") from None


def _texts(entry, file, code, field) -> tuple[tuple[str, str], ...]:
    value = entry.get(field)
    if not isinstance(value, dict) or not isinstance(value.get("fr"), str) or not value["fr"].strip():
        raise CatalogueError(file, code, field, "needs a French text (fr:), and optionally en:")
    if any(not isinstance(k, str) or not isinstance(v, str) for k, v in value.items()):
        raise CatalogueError(file, code, field, "texts are language: text pairs")
    return tuple(sorted(value.items()))


def _deadline(entry, file: str) -> Deadline:
    if not isinstance(entry, dict):
        raise CatalogueError(file, "", "deadlines", "each deadline is a mapping")
    code = entry.get("code")
    if not isinstance(code, str) or not CODE.match(code):
        raise CatalogueError(file, str(code or ""), "code", "lower-case letters, digits and dashes")
    known = {"code", "title", "description", "applies_to", "candidate_only", "rule", "lead_days", "confidence",
             "source"}
    if unknown := sorted(set(entry) - known):
        raise CatalogueError(file, code, unknown[0], "unknown field")
    applies_to = entry.get("applies_to")
    if not isinstance(applies_to, list) or not applies_to or any(k not in KINDS for k in applies_to):
        raise CatalogueError(file, code, "applies_to", f"a non-empty list of kinds among {', '.join(KINDS)}")
    rule = entry.get("rule")
    if not isinstance(rule, dict) or (("every_months" in rule) == ("due" in rule)):
        raise CatalogueError(file, code, "rule", "either every_months with anchor, or due")
    if unknown := sorted(set(rule) - {"every_months", "anchor", "due", "from"}):
        raise CatalogueError(file, code, "rule." + unknown[0], "unknown field")
    every = rule.get("every_months")
    if every is not None and (not isinstance(every, int) or isinstance(every, bool) or not 1 <= every <= 60):
        raise CatalogueError(file, code, "rule.every_months", "a whole number of months from 1 to 60")
    if every is not None and "anchor" not in rule:
        raise CatalogueError(file, code, "rule.anchor", "a recurring rule needs its anchor date")
    lead = entry.get("lead_days", 30)
    if not isinstance(lead, int) or isinstance(lead, bool) or lead < 0:
        raise CatalogueError(file, code, "lead_days", "a whole number of days, 0 or more")
    if entry.get("confidence") not in CONFIDENCE:
        raise CatalogueError(file, code, "confidence", f"one of {', '.join(CONFIDENCE)}")
    source = entry.get("source")
    if not isinstance(source, str) or not source.strip():
        raise CatalogueError(file, code, "source", "every deadline names its source")
    return Deadline(
        code=code,
        titles=_texts(entry, file, code, "title"),
        descriptions=_texts(entry, file, code, "description"),
        applies_to=tuple(applies_to),
        candidate_only=bool(entry.get("candidate_only", False)),
        every_months=every,
        anchor=_date(rule["anchor"], file, code, "rule.anchor") if every is not None else None,
        due=_date(rule["due"], file, code, "rule.due") if every is None else None,
        start=_date(rule["from"], file, code, "rule.from") if "from" in rule else None,
        lead_days=lead,
        confidence=entry["confidence"],
        source=source.strip(),
    )


@dataclass(frozen=True, slots=True)
class Catalogue:
    version: str
    deadlines: tuple[Deadline, ...]

    def get(self, code: str) -> Deadline | None:
        return next((d for d in self.deadlines if d.code == code), None)

    def __iter__(self):
        return iter(self.deadlines)

    def kinds(self) -> set[str]:
        return {kind for d in self.deadlines for kind in d.applies_to}


def load(path: Path) -> Catalogue:
    """Read and check a deadlines file; CatalogueError names the first problem found."""
    file = path.name
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise CatalogueError(file, "", "-", f"cannot be read: {exc}") from None
    if not isinstance(data, dict) or not isinstance(data.get("version"), str):
        raise CatalogueError(file, "", "version", "the file starts with version: and deadlines:")
    entries = data.get("deadlines")
    if not isinstance(entries, list) or not entries:
        raise CatalogueError(file, "", "deadlines", "a non-empty list")
    deadlines = [_deadline(entry, file) for entry in entries]
    codes = [d.code for d in deadlines]
    if duplicate := next((c for c in codes if codes.count(c) > 1), None):
        raise CatalogueError(file, duplicate, "code", "used twice")
    return Catalogue(data["version"], tuple(deadlines))


@lru_cache(maxsize=1)
def catalogue() -> Catalogue:
    return load(DATA_FILE)
