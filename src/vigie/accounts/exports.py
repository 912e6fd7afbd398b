"""CSV exports. Every cell goes through `csv_cell`, so a spreadsheet never runs a formula from the data."""

import csv
import json

from django.utils import timezone

from vigie.core.imports import escape_formula


def csv_cell(value) -> str:
    """The value as text, prefixed with an apostrophe when a spreadsheet would read it as a formula."""
    return escape_formula("" if value is None else str(value))


class _Echo:
    def write(self, value):
        return value


def csv_lines(header, rows):
    """Lines of a CSV document, produced one by one (for a StreamingHttpResponse)."""
    writer = csv.writer(_Echo())
    yield "\ufeff"  # byte-order mark: spreadsheets then read the file as UTF-8
    yield writer.writerow([csv_cell(cell) for cell in header])
    for row in rows:
        yield writer.writerow([csv_cell(cell) for cell in row])


def audit_rows(events):
    for event in events.iterator(chunk_size=2000):
        yield [
            timezone.localtime(event.at).isoformat(timespec="seconds"),
            event.username,
            event.get_action_display(),
            event.object_type,
            event.object_repr,
            event.organisation.name if event.organisation_id and event.organisation else "",
            event.organisation_path,
            event.ip,
            json.dumps(event.changes, ensure_ascii=False, sort_keys=True) if event.changes else "",
        ]
