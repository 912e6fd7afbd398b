"""Exposure audits for CaRE D1.O2.B: their summary level, the pair of audits 45 to 60 days apart that shows
the level held, and third-party reports imported from CSV with a column mapping.

**Summary level** (ours; the programme defines none, care-facts.md §11):

    1  insufficient   a critical finding, or a dangerous service exposed (remote desktop, file sharing,
                      databases, DICOM, HL7, Telnet, VNC… see DANGEROUS_SERVICES)
    2  weak           no critical finding and no dangerous service, but a high-severity finding
    3  minimum        no critical or high finding, no dangerous service (medium ones may remain)
    4  good           nothing above low severity

Level 3 is the "minimum security level of the exposure" that D1.O2.B asks to reach and hold: `care_pair()`
picks the most recent two audits at level ≥ MIN_LEVEL whose dates are 45 to 60 days apart, among those
after the last audit below that level (one that fell short in between shows the level was not held).
"""

import datetime
import hashlib
from dataclasses import dataclass
from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vigie.core.imports import (
    Column,
    ImportFailed,
    ImportReport,
    RowError,
    RowInvalid,
    normalise_header,
    read_header,
    run_import,
)

from .models import Audit, Finding, Scan, Service, Severity

MIN_LEVEL = 3
PAIR_MIN_DAYS, PAIR_MAX_DAYS = 45, 60
LEVELS = {1: gettext_lazy("Insufficient"), 2: gettext_lazy("Weak"), 3: gettext_lazy("Minimum reached"),
          4: gettext_lazy("Good")}
DANGEROUS_SERVICES = frozenset({
    "rdp", "smb", "microsoft-ds", "netbios-ssn", "telnet", "ftp", "vnc", "mysql", "postgresql", "mssql", "ms-sql-s",
    "oracle", "redis", "mongodb", "elasticsearch", "memcached", "dicom", "hl7", "ldap", "winrm", "modbus", "bacnet",
    "snmp", "rpcbind", "nfs",
})


def level_of(counts: dict, dangerous: int) -> int:
    if counts.get("critical") or dangerous:
        return 1
    if counts.get("high"):
        return 2
    if counts.get("medium"):
        return 3
    return 4


def level_label(level: int) -> str:
    return str(LEVELS.get(level, "—"))


def audit_from_scan(scan: Scan) -> Audit:
    """The audit of a completed full scan: what the scan itself saw (findings and open services)."""
    seen = Finding.objects.filter(organisation=scan.organisation, last_scan=scan, last_seen=scan.finished_at)
    counts = {severity: seen.filter(severity=severity).count() for severity in Severity.values}
    dangerous = [f"{s.asset.value}:{s.port} {s.name}" for s in
                 Service.objects.filter(sightings__scan=scan, name__in=DANGEROUS_SERVICES).select_related("asset")]
    audit, _created = Audit.objects.update_or_create(scan=scan, defaults={
        "organisation": scan.organisation, "provider": Audit.Provider.VIGIE,
        "title": _("Vigie scan of %(day)s") % {"day": timezone.localtime(scan.finished_at).date().isoformat()},
        "performed_on": timezone.localtime(scan.finished_at).date(), "counts": counts,
        "dangerous_services": sorted(set(dangerous)), "level": level_of(counts, len(set(dangerous))),
        "created_by": scan.created_by,
    })
    return audit


@dataclass(frozen=True, slots=True)
class Pair:
    first: Audit
    second: Audit

    @property
    def days(self) -> int:
        return (self.second.performed_on - self.first.performed_on).days


def last_below_minimum(organisation, as_of: datetime.date | None = None) -> Audit | None:
    """The latest audit up to `as_of` below MIN_LEVEL: the pair can only be found among audits after it."""
    return (Audit.objects.filter(organisation=organisation, performed_on__lte=as_of or timezone.localdate(),
                                 level__lt=MIN_LEVEL).order_by("-performed_on", "-id").first())


def holding(audits: list[Audit]) -> list[Audit]:
    """Of `audits` (one organisation's, newest first), those that show the level held: at MIN_LEVEL or above
    and later than the latest audit below it (an audit that fell short in between breaks the run)."""
    short = next((a for a in audits if a.level < MIN_LEVEL), None)
    return [a for a in audits if a.level >= MIN_LEVEL and (short is None or a.performed_on > short.performed_on)]


def audits_by_organisation(organisations, as_of: datetime.date) -> dict[int, list[Audit]]:
    """Every audit up to `as_of` of each organisation (by primary key), newest first, in one query."""
    by_org: dict[int, list[Audit]] = {org.pk: [] for org in organisations}
    for audit in Audit.objects.filter(organisation__in=list(by_org), performed_on__lte=as_of).order_by(
            "-performed_on", "-id"):
        by_org[audit.organisation_id].append(audit)
    return by_org


def audits_holding(organisation, as_of: datetime.date) -> list[Audit]:
    return holding(audits_by_organisation([organisation], as_of)[organisation.pk])


def care_pair(organisation, as_of: datetime.date | None = None) -> Pair | None:
    """The most recent two audits up to `as_of`, both at level ≥ MIN_LEVEL with none below it between or
    after them, 45 to 60 days apart."""
    return care_pairs([organisation], as_of)[organisation.pk]


class _Dated(NamedTuple):
    """What a pair is judged on, without loading the audit: a list page judges years of audits a row."""
    pk: int
    organisation_id: int
    performed_on: datetime.date
    level: int


def care_pairs(organisations, as_of: datetime.date | None = None) -> dict[int, Pair | None]:
    """`care_pair()` of many organisations (by primary key) in two queries, for lists: the pairs are
    judged on (date, level) rows, then only the audits of the pairs found are loaded."""
    by_org: dict[int, list[_Dated]] = {org.pk: [] for org in organisations}
    rows = Audit.objects.filter(organisation__in=list(by_org), performed_on__lte=as_of or timezone.localdate())
    for row in rows.order_by("-performed_on", "-id").values_list("pk", "organisation_id", "performed_on", "level"):
        by_org[row[1]].append(_Dated(*row))
    found = {pk: pair_among(holding(audits)[:100]) for pk, audits in by_org.items()}
    chosen = Audit.objects.in_bulk([a.pk for pair in found.values() if pair for a in (pair.first, pair.second)])
    return {pk: Pair(chosen[pair.first.pk], chosen[pair.second.pk]) if pair else None for pk, pair in found.items()}


def pair_among(audits: list[Audit]) -> Pair | None:
    """The most recent two of `audits` (newest first, all holding the level) 45 to 60 days apart."""
    for i, second in enumerate(audits):
        for first in audits[i + 1:]:
            days = (second.performed_on - first.performed_on).days
            if days > PAIR_MAX_DAYS:
                break
            if days >= PAIR_MIN_DAYS:
                return Pair(first, second)
    return None


def is_imported(audit: Audit) -> bool:
    return audit.scan_id is None and audit.provider != Audit.Provider.VIGIE


def delete_imported(audit: Audit) -> None:
    """Remove an imported report (filed with a wrong date or provider, or into the wrong organisation), so
    it can be imported again; the audit of a scan is what that scan saw and goes only with it."""
    if not is_imported(audit):
        raise ValidationError(_("This audit is the result of a Vigie scan: it cannot be deleted."))
    audit.delete()


# --- third-party reports (CSV with a column mapping) ---------------------------------------------------


FIELDS = ("severity", "asset", "port", "title", "description", "recommendation", "category")
REQUIRED = ("severity", "asset", "title")
FIELD_NAMES = {"severity": gettext_lazy("severity"), "asset": gettext_lazy("affected system"),
               "port": gettext_lazy("port"), "title": gettext_lazy("title"), "description": gettext_lazy("description"),
               "recommendation": gettext_lazy("recommendation"), "category": gettext_lazy("category")}
PRESETS = {
    # The ANS cyber-surveillance report lists per vulnerability: criticality, type, affected system,
    # description, recommendation (care-facts.md §2.3). Headers of actual exports vary: map them here.
    "ans": {"severity": "Criticité", "asset": "Système concerné", "port": "Port", "title": "Vulnérabilité",
            "description": "Description", "recommendation": "Recommandation", "category": "Catégorie"},
    "generic": {"severity": "severity", "asset": "asset", "port": "port", "title": "title",
                "description": "description", "recommendation": "recommendation", "category": "category"},
}
SEVERITY_WORDS = {
    "critical": "critical", "critique": "critical", "critica": "critical", "urgent": "critical",
    "high": "high", "haute": "high", "élevée": "high", "elevee": "high", "élevé": "high", "eleve": "high",
    "important": "high", "importante": "high", "majeure": "high",
    "medium": "medium", "moderate": "medium", "moyenne": "medium", "moyen": "medium", "modérée": "medium",
    "low": "low", "faible": "low", "basse": "low", "mineure": "low",
    "info": "info", "information": "info", "informational": "info", "informative": "info",
}


def import_report(upload, organisation, *, mapping: dict[str, str], provider: str, performed_on: datetime.date,
                  title: str, user=None, preset: bool = False) -> tuple[ImportReport, Audit | None]:
    """Every row becomes an item of one new audit, or nothing is imported; `mapping` names, for each of
    FIELDS, the file's column that holds it ("" for none). A `preset` mapping names the usual columns of an
    export, whose optional ones may be missing from a given file; a mapping the user wrote must be right.
    The same file is imported once per organisation."""
    problems = [RowError(1, str(FIELD_NAMES[f]), _("the mapping names no column for “%(field)s”, which is required.")
                         % {"field": FIELD_NAMES[f]}) for f in REQUIRED if not mapping.get(f)]
    try:
        header = [normalise_header(h) for h in read_header(upload)]
    except ImportFailed as exc:
        return ImportReport(errors=problems + exc.errors), None
    upload.seek(0)
    digest = hashlib.sha256(upload.read()).hexdigest()
    upload.seek(0)
    earlier = Audit.objects.filter(organisation=organisation, file_sha256=digest).first()
    if earlier is not None:
        problems.append(RowError(0, "", _("This file was already imported, as the audit “%(audit)s”.") % {
            "audit": earlier}))
    if preset:
        mapping = {f: c for f, c in mapping.items() if f in REQUIRED or normalise_header(c) in header}
    for field in FIELDS:
        wanted = mapping.get(field)
        if wanted and normalise_header(wanted) not in header:
            problems.append(RowError(1, wanted, _("no such column in the file (mapped to “%(field)s”).") % {
                "field": FIELD_NAMES[field]}))
    if problems:
        return ImportReport(errors=problems), None
    columns = [Column(field, required=True, aliases=(mapping[field],)) for field in FIELDS if mapping.get(field)]
    mapped = {normalise_header(mapping[f]) for f in FIELDS if mapping.get(f)}
    columns += [Column(f"ignored:{h}", aliases=(h,)) for h in header if h and h not in mapped]
    items: list[dict] = []

    def row(line: int, values: dict[str, str]) -> str:
        raw = values["severity"].strip().lower()
        severity = SEVERITY_WORDS.get(raw)
        problems = []
        if severity is None:
            problems.append(("severity", _("unknown severity “%(value)s”; expected critical, high, medium, low or "
                                           "info (or their French names).") % {"value": values["severity"]}))
        port = values.get("port", "").strip()
        if port and not (port.isdigit() and 0 < int(port) < 65536):
            problems.append(("port", _("“%(value)s” is not a port number.") % {"value": port}))
        if not values["asset"].strip():
            problems.append(("asset", _("empty.")))
        if not values["title"].strip():
            problems.append(("title", _("empty.")))
        if problems:
            raise RowInvalid([(mapping.get(c, c), m) for c, m in problems])
        items.append({"line": line, "severity": severity, "asset": values["asset"].strip()[:253],
                      "port": int(port) if port else None, "title": values["title"].strip()[:300],
                      "description": values.get("description", "")[:4000],
                      "recommendation": values.get("recommendation", "")[:4000],
                      "category": values.get("category", "")[:200]})
        return severity

    report = run_import(upload, columns, row)
    if not report.ok:
        return report, None
    counts = {severity: sum(1 for i in items if i["severity"] == severity) for severity in Severity.values}
    with transaction.atomic():
        audit = Audit.objects.create(
            organisation=organisation, provider=provider, title=title.strip()[:200] or _("Imported report"),
            performed_on=performed_on, counts=counts, items=items, level=level_of(counts, 0),
            file_sha256=digest, created_by=user)
        # cycle: services imports this module to record audits from scans (not broken yet)
        from .services import record_import

        record_import(audit, organisation, user, upload, items=len(items), level=audit.level)
    return report, audit
