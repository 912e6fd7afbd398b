"""The bulk export of findings, started here and written by a job (jobs.py) a row at a time (a national scope holds a million): the
organisation page's CSV, and the API's JSON (the objects of GET /findings, as one array)."""

import csv
import json

from vigie.core.imports import escape_formula
from vigie.core.jobs import enqueue
from vigie.core.scoping import scoped
from vigie.organisations.models import Organisation

from .filters import FindingFilter
from .models import Finding

JOB_EXPORT = "exposure.export"  # its handler is in jobs.py
CSV_COLUMNS = ["target", "port", "hostname", "check_id", "evidence_key", "severity", "status", "title",
               "evidence", "first_seen", "last_seen", "accepted_until", "uuid"]
PROGRESS_EVERY = 2000


def launch_export(user, fmt: str, filters: dict, organisation=None):
    """The export job of the findings matching `filters` (FindingFilter's parameters, as given), kept on the
    organisation chosen, or else on the highest one the user may export; None when there is none."""
    anchor = organisation or scoped(Organisation.objects.all(), user, "export").order_by("path").first()
    if anchor is None:
        return None
    return enqueue(JOB_EXPORT, organisation=anchor, user=user, params={"format": fmt, "filters": filters})


def findings(user, filters: dict):
    """The findings the user may export, narrowed by FindingFilter (a parameter no longer valid, such as an
    organisation the user lost, narrows to nothing rather than widening the export)."""
    rows = scoped(Finding.objects.select_related("organisation", "asset"), user, "export")
    form = FindingFilter(filters, user=user, action="export")
    return form.filter_queryset(rows) if form.is_valid() else rows.none()


def _counted(rows, total: int, progress):
    for index, finding in enumerate(rows.iterator(chunk_size=PROGRESS_EVERY), start=1):
        if index % PROGRESS_EVERY == 0:
            progress(int(index * 95 / max(total, 1)), "")
        yield finding


def write_csv(path, rows, total: int, progress) -> None:
    """The page's CSV (semicolons, UTF-8 with a byte-order mark), every cell escaped against formulas."""
    with open(path, "w", encoding="utf-8", newline="") as out:
        out.write("\ufeff")
        writer = csv.writer(out, delimiter=";")
        writer.writerow(CSV_COLUMNS)
        for f in _counted(rows.order_by("target", "port", "check_id"), total, progress):
            writer.writerow([escape_formula(v) for v in (
                f.target, f.port or "", f.hostname, f.check_id, f.evidence_key, f.severity, f.status, f.title_fr,
                f.evidence, f.first_seen.isoformat(), f.last_seen.isoformat(),
                f.accepted_until.isoformat() if f.accepted_until else "", str(f.uuid))])


def write_json(path, rows, total: int, progress, schema) -> None:
    """A JSON array of `schema` (the API's FindingOut), one object written at a time."""
    with open(path, "w", encoding="utf-8") as out:
        out.write("[")
        for index, finding in enumerate(_counted(rows.order_by("organisation__path", "target", "port", "id"),
                                                 total, progress)):
            out.write(("," if index else "") + json.dumps(schema.from_orm(finding).model_dump(mode="json"),
                                                           ensure_ascii=False))
        out.write("]")
