"""Incidents (real crises): creation with their crisis log, the significance categories (data), the
detection → declaration delay, and an action-plan item raised from a log entry.

The categories and the delay threshold are data (data/cert_sante.yaml, care-facts §10), validated on load.
"""

import datetime
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml
from django.db import transaction
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from vigie.accounts import audit
from vigie.actions.models import Priority, Source
from vigie.actions.services import raise_action
from vigie.core.registry import Module, registry

from .log import open_log
from .models import CrisisLog, Incident, LogEntry

DATA = Path(__file__).parent / "data" / "cert_sante.yaml"
KINDS = ("significant", "serious")
CONFIDENCE = ("C", "S", "NC")


class CatalogueError(ValueError):
    """The CERT Santé data file is malformed."""


@dataclass(frozen=True, slots=True)
class Category:
    code: str
    kind: str
    title_fr: str
    title_en: str
    confidence: str
    source: str

    @property
    def title(self) -> str:
        return self.title_en if (get_language() or "fr").startswith("en") else self.title_fr


@dataclass(frozen=True, slots=True)
class Catalogue:
    version: str
    source: str
    portal: str
    threshold: datetime.timedelta
    threshold_confidence: str
    threshold_source: str
    categories: tuple[Category, ...]

    def get(self, code: str) -> Category | None:
        return next((c for c in self.categories if c.code == code), None)


def load(path: Path = DATA) -> Catalogue:
    """Read and validate the data file; a CatalogueError names the file and the faulty entry."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        delay = data["delay"]
        hours = delay["threshold_hours"]
        if not isinstance(hours, (int, float)) or hours <= 0:
            raise CatalogueError(f"{path}: delay.threshold_hours must be a positive number")
        if delay["confidence"] not in CONFIDENCE:
            raise CatalogueError(f"{path}: delay.confidence must be one of {CONFIDENCE}")
        categories = []
        for index, item in enumerate(data["categories"]):
            where = f"{path}: categories[{index}]"
            if item["kind"] not in KINDS:
                raise CatalogueError(f"{where}: kind must be one of {KINDS}")
            if item["confidence"] not in CONFIDENCE:
                raise CatalogueError(f"{where}: confidence must be one of {CONFIDENCE}")
            if not item.get("source"):
                raise CatalogueError(f"{where}: a source is required")
            categories.append(Category(str(item["code"]), item["kind"], item["title"]["fr"], item["title"]["en"],
                                       item["confidence"], item["source"]))
        codes = [c.code for c in categories]
        if len(set(codes)) != len(codes):
            raise CatalogueError(f"{path}: category codes must be unique")
        return Catalogue(str(data["version"]), data["source"], data["portal"],
                         datetime.timedelta(hours=hours), delay["confidence"], delay["source"], tuple(categories))
    except (KeyError, TypeError) as exc:
        raise CatalogueError(f"{path}: missing or malformed field {exc}") from None


@cache
def catalogue() -> Catalogue:
    return load()


def category_codes() -> set[str]:
    return {c.code for c in catalogue().categories}


# --- creation --------------------------------------------------------------------------------------------


def create_incident(*, organisation, title: str, detected_at: datetime.datetime, user=None, **fields) -> Incident:
    """A new incident with its crisis log; block 1 is prefilled from the organisation and the user."""
    with transaction.atomic():
        log = open_log(organisation=organisation, title=title, kind=CrisisLog.Kind.INCIDENT, user=user)
        incident = Incident(organisation=organisation, title=title, detected_at=detected_at, log=log,
                            created_by=user, **fields)
        incident.structure_name = incident.structure_name or organisation.name
        incident.structure_finess = incident.structure_finess or (getattr(organisation, "finess", "") or "")
        if user is not None:
            incident.declarant_name = incident.declarant_name or (user.get_full_name() or user.username)
            incident.declarant_email = incident.declarant_email or user.email
        if incident.discovered_at is None:
            incident.discovered_at = detected_at
        incident.full_clean()
        incident.save()
    return incident


# --- significance and delay ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Significance:
    to_declare: bool
    level: str  # "significant", "serious" or "" when no category applies
    reasons: tuple[Category, ...]


def significance(incident: Incident) -> Significance:
    """Whether the incident is significant or serious (to be declared), and the categories that say so."""
    known = catalogue()
    reasons = tuple(c for c in known.categories if c.code in set(incident.categories or ()))
    if not reasons:
        return Significance(False, "", ())
    level = "significant" if any(c.kind == "significant" for c in reasons) else "serious"
    return Significance(True, level, reasons)


@dataclass(frozen=True, slots=True)
class Delay:
    elapsed: datetime.timedelta
    declared: bool
    threshold: datetime.timedelta
    over: bool

    @property
    def hours(self) -> float:
        return round(self.elapsed.total_seconds() / 3600, 1)

    @property
    def threshold_hours(self) -> float:
        return round(self.threshold.total_seconds() / 3600, 1)


def declaration_delay(incident: Incident, now: datetime.datetime | None = None) -> Delay:
    """Time from detection to declaration (or to now when not declared yet), against the data's threshold."""
    end = incident.declared_at or now or timezone.now()
    elapsed = max(end - incident.detected_at, datetime.timedelta(0))
    threshold = catalogue().threshold
    return Delay(elapsed, incident.declared_at is not None, threshold, elapsed > threshold)


# --- the action plan -------------------------------------------------------------------------------------


def raise_action_from_entry(entry: LogEntry, user=None):
    """An action-plan item for a log entry (idempotent per entry): (action, created)."""
    log = entry.log
    title = entry.text.splitlines()[0][:200] if entry.text else str(entry)
    description = f"{log.title} — #{entry.seq} ({entry.get_category_display()}, {entry.recorded_at:%Y-%m-%d %H:%M})\n\n{entry.text}"
    return raise_action(organisation=log.organisation, source=Source.MANUAL,
                        source_key=f"exercises:log-entry:{entry.uuid}", title=title, description=description,
                        priority=Priority.HIGH, user=user)


# --- start-up --------------------------------------------------------------------------------------------


def register_crisis() -> None:
    """Called by the app's ready(): check the data file, audit changes, declare the home-page module."""
    catalogue()  # a malformed cert_sante.yaml stops Vigie at start-up, naming the file and the entry
    audit.connect(CrisisLog, Incident)
    registry.module(Module(
        key="crisis", group="resilience", title=_("Crisis and incidents"), url_name="exercises:incident_list", order=61,
        description=_("The crisis cell's time-stamped log (main courante), shared live and exported to PDF; "
                      "incidents and their CERT Santé declaration, with the delay since detection."),
    ))
