"""The filtered action list as CSV or XLSX, for the establishment's quality system.

Every text cell goes through `csv_cell` (both formats): a cell starting with = + - @ gets an apostrophe, so
a spreadsheet never runs a formula that came from the data.
"""

import io

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from vigie.accounts.exports import csv_cell, csv_lines

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def header() -> list[str]:
    return [_("Identifier"), _("Organisation"), _("FINESS"), _("Title"), _("Description"), _("Source"),
            _("Source key"), _("Priority"), _("Status"), _("Owner"), _("Due date"), _("Overdue"), _("Created"),
            _("Closed"), _("Merged into")]


def rows(actions, today=None):
    today = today or timezone.localdate()
    yes, no = _("yes"), _("no")
    queryset = actions.select_related("organisation", "owner", "merged_into")
    for action in queryset.iterator(chunk_size=2000):
        yield [
            str(action.uuid), action.organisation.name, action.organisation.finess or "", action.title,
            action.description, action.get_source_display(), action.source_key, action.get_priority_display(),
            action.get_status_display(), action.owner.username if action.owner else "",
            action.due.isoformat() if action.due else "", yes if action.is_overdue(today) else no,
            timezone.localtime(action.created_at).isoformat(timespec="seconds"),
            timezone.localtime(action.closed_at).isoformat(timespec="seconds") if action.closed_at else "",
            str(action.merged_into.uuid) if action.merged_into else "",
        ]


def as_csv(actions):
    """Lines of the CSV document (UTF-8 with a byte-order mark), for a streaming response."""
    return csv_lines(header(), rows(actions))


def as_xlsx(actions) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Actions"))
    sheet.append(header())
    for row in rows(actions):
        sheet.append([csv_cell(cell) for cell in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
