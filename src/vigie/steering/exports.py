"""The matrix as a table, and the writers every steering export shares: CSV through the accounts app's
escaping writer, XLSX with every text cell escaped, so a spreadsheet never runs a formula from the data."""

import datetime
import io
from decimal import Decimal

from django.http import QueryDict
from django.utils.translation import gettext
from openpyxl import Workbook

from vigie.accounts.exports import csv_cell, csv_lines
from vigie.core.indicators import State

from . import matrix
from .filters import MatrixFilter

CHUNK = 500


def as_csv(header, rows) -> bytes:
    return "".join(csv_lines(header, rows)).encode("utf-8")


def as_xlsx(header, rows, title: str) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title[:31])
    sheet.append([csv_cell(c) for c in header])
    for row in rows:
        sheet.append([v if v is None or isinstance(v, (int, float, Decimal, datetime.date)) else csv_cell(v)
                      for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def header(columns) -> list[str]:
    cells = [gettext("Establishment"), gettext("FINESS"), gettext("Under"), gettext("Late readings"),
             gettext("Nothing recorded")]
    for indicator in columns:
        title = str(indicator.title)
        cells += [gettext("%(indicator)s — state") % {"indicator": title},
                  gettext("%(indicator)s — value") % {"indicator": title},
                  gettext("%(indicator)s — recorded on") % {"indicator": title},
                  gettext("%(indicator)s — due") % {"indicator": title}]
    return cells


def row_cells(row: matrix.Row) -> list:
    """One establishment as cells: numbers and dates as themselves, the writers escape the text."""
    org = row.establishment
    yes, no = gettext("yes"), gettext("no")
    cells = [org.name, org.finess or "", row.under.name if row.under else "", row.late,
             yes if row.nothing_recorded else no]
    for cell in row.cells:
        cells += [str(State(cell.state).label), cell.value, cell.on, cell.due]
    return cells


def matrix_rows(user, node, query: str, progress=None):
    """Every row of the filtered matrix, in the page's order, a chunk of readings at a time."""
    columns = matrix.indicators()
    filters = MatrixFilter(QueryDict(query) or None, node=node, levels=matrix.visible_levels(user))
    if filters.is_bound and not filters.is_valid():
        raise ValueError(gettext("The export's filters are not valid: %(errors)s") % {
            "errors": "; ".join(f"{k}: {' '.join(v)}" for k, v in filters.errors.items())})
    establishments = (filters.filter_queryset(matrix.visible_establishments(user, node))
                      .select_related("parent").only(*matrix.ROW_FIELDS))
    total = establishments.count()
    done = 0
    for start in range(0, total, CHUNK):
        chunk = list(establishments[start:start + CHUNK])
        yield from matrix.rows(node, chunk, columns)
        done += len(chunk)
        if progress is not None:
            progress(int(done * 90 / max(total, 1)), gettext("%(done)s of %(total)s establishments") % {
                "done": done, "total": total})
