"""Background job: the matrix of a level as CSV or XLSX, as its starter sees it (same filter as the page).

The file is written in the language the export was started in; every text cell goes through
`csv_cell`, so a spreadsheet never runs a formula that came from the data.
"""

import csv
import io

from django.core.exceptions import PermissionDenied
from django.http import QueryDict
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext

from vigie.accounts.exports import csv_cell
from vigie.accounts.scoping import can
from vigie.core.indicators import State
from vigie.core.jobs import JobResult, enqueue, handler

from . import matrix
from .filters import MatrixFilter

EXPORT = "steering.matrix_export"
CHUNK = 500


def launch_matrix_export(user, node, query: QueryDict, fmt: str):
    params = {"query": query.urlencode(), "format": fmt, "language": translation.get_language() or "fr"}
    return enqueue(EXPORT, organisation=node, user=user, params=params)


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
    """One establishment as cells: text escaped, numbers and dates as themselves (ISO dates in CSV)."""
    org = row.establishment
    yes, no = gettext("yes"), gettext("no")
    cells = [csv_cell(org.name), csv_cell(org.finess or ""), csv_cell(row.under.name if row.under else ""),
             row.late, yes if row.nothing_recorded else no]
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


def as_csv(header_cells, rows) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([csv_cell(c) for c in header_cells])
    for cells in rows:
        writer.writerow(["" if c is None else c.isoformat() if hasattr(c, "isoformat") else c for c in cells])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def as_xlsx(header_cells, rows, title: str) -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title[:31])
    sheet.append([csv_cell(c) for c in header_cells])
    for cells in rows:
        sheet.append(cells)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@handler(EXPORT)
def export_matrix(job, progress) -> JobResult:
    from vigie.accounts.audit import record
    from vigie.accounts.models import AuditEvent

    node, user, params = job.organisation, job.created_by, job.params
    if user is None or not can(user, "export", node):  # roles may have changed since the job was queued
        raise PermissionDenied(gettext("The user who started this export may no longer export this level."))
    fmt = params.get("format", "csv")
    with translation.override(params.get("language") or "fr"):
        columns = matrix.indicators()
        cells = [row_cells(row) for row in matrix_rows(user, node, params.get("query", ""), progress)]
        head = header(columns)
        content = as_xlsx(head, cells, gettext("Matrix")) if fmt == "xlsx" else as_csv(head, cells)
    record(AuditEvent.Action.EXPORT, obj=node, user=user, changes={"rows": len(cells), "format": fmt},
           object_repr=node.name)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return JobResult(f"matrix-{slugify(node.name) or node.uuid}-{stamp}.{fmt}", content)
