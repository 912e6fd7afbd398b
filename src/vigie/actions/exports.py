"""The filtered action list as CSV or XLSX, for the establishment's quality system, written by a job
(a national list holds 200,000 actions): the file is written a row at a time, never held whole in memory.

Every text cell goes through `csv_cell` (both formats): a cell starting with = + - @ gets an apostrophe, so
a spreadsheet never runs a formula that came from the data.
"""

from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from vigie.accounts.exports import csv_cell, csv_lines
from vigie.core.scoping import scoped

from .filters import ActionFilter
from .models import Action

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


PROGRESS_EVERY = 2000


def filtered(user, data: QueryDict | None, action: str = "view"):
    """The filter form and the scoped, filtered actions (SQL only): the list's, the export's and its job's."""
    filters = ActionFilter(data or None, user=user)
    actions = scoped(Action.objects.select_related("organisation", "owner"), user, action)
    return filters, filters.filter_queryset(actions)


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


def _counted(actions, total: int, progress):
    for index, row in enumerate(rows(actions), start=1):
        if index % PROGRESS_EVERY == 0:
            progress(int(index * 95 / max(total, 1)), "")
        yield row


def write_csv(path, actions, total: int, progress) -> None:
    """The CSV document (UTF-8 with a byte-order mark) written to `path` a line at a time."""
    with open(path, "w", encoding="utf-8", newline="") as out:
        out.writelines(csv_lines(header(), _counted(actions, total, progress)))


def write_xlsx(path, actions, total: int, progress) -> None:
    book = Workbook(write_only=True)  # rows go to a temporary file, not to memory
    sheet = book.create_sheet(_("Actions"))
    sheet.append(header())
    for row in _counted(actions, total, progress):
        sheet.append([csv_cell(cell) for cell in row])
    book.save(path)
