"""All-or-nothing tabular imports: CSV or XLSX in, every bad row reported, nothing written unless all pass.

An app describes its columns and gives a function that turns one row into saved objects:

    report = run_import(upload, columns, import_row)

1. `read_table()` checks the size and the real type of the file (by content, not only by its name), reads
   CSV (UTF-8 with or without BOM, `;` or `,` sniffed from the header line) or XLSX (openpyxl, read-only,
   values not formulas; openpyxl parses with defusedxml when it is installed, and we check the unpacked
   size first), and maps header names to the declared columns.
2. `run_import()` calls `import_row(line, values)` for every row inside one `transaction.atomic`. A row
   may save what it creates, so later rows can refer to earlier ones. A row that is wrong raises
   `RowInvalid` or Django's `ValidationError`; the error is recorded and the next row is tried. If any row
   failed, the transaction is rolled back: nothing is written, and the report lists every error with its
   line number (the header is line 1, as in a spreadsheet) and its column.
"""

import csv
import io
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

# Characters that make a spreadsheet treat a cell as a formula (OWASP "CSV injection"), plus tab and CR.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# An XLSX is a zip; refuse one that unpacks to more than this many times the upload limit (zip bomb).
MAX_UNPACK_RATIO = 20
# Limits on what is read, whatever a file declares: a tiny workbook can claim a million-row sheet.
MAX_ROWS = 50_000
MAX_COLUMNS = 100


@dataclass(frozen=True, slots=True)
class Column:
    """A column of an import file; `aliases` are other accepted header spellings."""

    name: str
    required: bool = False
    aliases: tuple[str, ...] = ()
    help: str = ""


@dataclass(frozen=True, slots=True)
class RowError:
    line: int
    column: str
    message: str

    def __str__(self) -> str:
        if not self.line:  # a problem of the whole file (size, type, encoding), not of one line
            return self.message
        if self.column:
            return _("line %(line)s, column %(column)s: %(message)s") % {
                "line": self.line, "column": self.column, "message": self.message,
            }
        return _("line %(line)s: %(message)s") % {"line": self.line, "message": self.message}


class ImportFailed(Exception):
    """The file could not be imported; `errors` says why, line by line."""

    def __init__(self, errors: Sequence[RowError]):
        super().__init__("; ".join(str(e) for e in errors))
        self.errors = list(errors)


class RowInvalid(Exception):
    """Raised by a row function: a list of (column, message) pairs for one row."""

    def __init__(self, problems: Iterable[tuple[str, str]]):
        self.problems = list(problems)
        super().__init__("; ".join(f"{c}: {m}" for c, m in self.problems))


@dataclass(slots=True)
class Table:
    columns: list[str]                                   # declared column names found in the header
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)  # (line number, values)


@dataclass(slots=True)
class ImportReport:
    created: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def escape_formula(value):
    """For exports: a text cell that a spreadsheet would run as a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def unescape_formula(value: str) -> str:
    """The reverse of `escape_formula`, so exported files import back unchanged."""
    if len(value) > 1 and value[0] == "'" and value[1:].startswith(FORMULA_PREFIXES):
        return value[1:]
    return value


def normalise_header(value) -> str:
    text = "" if value is None else str(value)
    return text.replace("\ufeff", "").strip().lower().replace(" ", "_").replace("-", "_")


def _file_error(message: str) -> ImportFailed:
    return ImportFailed([RowError(0, "", message)])


def _read_upload(upload) -> bytes:
    limit = settings.VIGIE_MAX_UPLOAD_BYTES
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        raise _file_error(_("The file is too large: the limit is %(size)s MB.") % {"size": limit // (1024 * 1024)})
    if hasattr(upload, "seek"):
        upload.seek(0)
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise _file_error(_("The file is too large: the limit is %(size)s MB.") % {"size": limit // (1024 * 1024)})
    if not data.strip():
        raise _file_error(_("The file is empty."))
    return data


def _looks_like_xlsx(data: bytes) -> bool:
    if not data.startswith(b"PK\x03\x04"):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except zipfile.BadZipFile:
        return False
    return "[Content_Types].xml" in names and "xl/workbook.xml" in names


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def _xlsx_rows(data: bytes) -> list[list[str]]:
    # heavy import: openpyxl (~0.2 s) loads only when an XLSX file is read
    from openpyxl import load_workbook

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        unpacked = sum(info.file_size for info in archive.infolist())
    if unpacked > settings.VIGIE_MAX_UPLOAD_BYTES * MAX_UNPACK_RATIO:
        raise _file_error(_("The workbook unpacks to an unreasonable size; it was refused."))
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds of errors on a damaged file
        raise _file_error(_("The workbook could not be read: save it again as .xlsx and retry.")) from None
    try:
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()  # ignore the declared size: read only the cells that exist
        rows = sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS)
        return _capped([_cell_text(v) for v in row] for row in rows)
    finally:
        workbook.close()


def _capped(rows: Iterable[list[str]]) -> list[list[str]]:
    """The rows, refused past MAX_ROWS data rows (plus the header), without reading further."""
    kept = []
    for row in rows:
        if len(kept) > MAX_ROWS:
            raise _file_error(_("The file has more than %(count)s rows: split it into several imports.")
                              % {"count": MAX_ROWS})
        kept.append(row)
    return kept


def _csv_rows(data: bytes) -> list[list[str]]:
    if b"\x00" in data:
        raise _file_error(_("The file is not a CSV text file."))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _file_error(
            _("The file is not UTF-8 text: in your spreadsheet, save it as \"CSV UTF-8\" and retry.")
        ) from None
    header = text.splitlines()[0] if text.splitlines() else ""
    delimiter = ";" if header.count(";") >= header.count(",") and ";" in header else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        return _capped(row[:MAX_COLUMNS] for row in reader)
    except csv.Error as exc:
        raise _file_error(_("The CSV file is malformed near line %(line)s: %(error)s")
                          % {"line": reader.line_num, "error": exc}) from None


def _raw_rows(upload) -> list[list[str]]:
    """Every row of the file as text cells, after the size, type and encoding checks; ImportFailed if bad."""
    data = _read_upload(upload)
    suffix = PurePath(getattr(upload, "name", "") or "").suffix.lower()
    is_xlsx = _looks_like_xlsx(data)
    if suffix == ".xlsx" and not is_xlsx:
        raise _file_error(_("The file is named .xlsx but is not an Excel workbook."))
    if suffix not in (".xlsx", ".csv", ".txt", ""):
        raise _file_error(_("Unsupported file type: upload a .csv or .xlsx file."))
    if suffix in (".csv", ".txt") and data.startswith(b"PK"):
        raise _file_error(_("The file is named .csv but is not a CSV text file."))
    raw = _xlsx_rows(data) if is_xlsx else _csv_rows(data)
    if not raw:
        raise _file_error(_("The file is empty."))
    if not any(cell.strip() for cell in raw[0]):
        raise _file_error(_("The first line must hold the column names."))
    return raw


def read_header(upload) -> list[str]:
    """The column names of the file's first line (for a mapping chosen by the user); ImportFailed if the
    file itself is unreadable (too large, not UTF-8, not CSV or XLSX, empty)."""
    return [str(title) for title in _raw_rows(upload)[0]]


def read_table(upload, columns: Sequence[Column]) -> Table:
    """Read the uploaded file into rows keyed by column name; raise ImportFailed on a bad file or header."""
    raw = _raw_rows(upload)
    known: dict[str, str] = {}
    for column in columns:
        for spelling in (column.name, *column.aliases):
            known[normalise_header(spelling)] = column.name
    errors: list[RowError] = []
    positions: dict[str, int] = {}
    for index, title in enumerate(raw[0]):
        key = normalise_header(title)
        if not key:
            continue
        if key not in known:
            errors.append(RowError(1, str(title), _("unknown column; expected: %(columns)s.") % {
                "columns": ", ".join(c.name for c in columns)}))
        elif known[key] in positions:
            errors.append(RowError(1, str(title), _("this column appears twice.")))
        else:
            positions[known[key]] = index
    for column in columns:
        if column.required and column.name not in positions:
            errors.append(RowError(1, column.name, _("required column missing.")))
    if errors:
        raise ImportFailed(errors)

    table = Table(columns=list(positions))
    for line, cells in enumerate(raw[1:], start=2):
        if not any(cell.strip() for cell in cells):
            continue
        values = {
            name: unescape_formula(cells[index].strip()) if index < len(cells) else ""
            for name, index in positions.items()
        }
        table.rows.append((line, values))
    if not table.rows:
        raise _file_error(_("The file has a header but no rows."))
    return table


def _errors_of(line: int, exc: ValidationError, field_columns: dict[str, str]) -> list[RowError]:
    if not hasattr(exc, "error_dict"):
        return [RowError(line, "", message) for message in exc.messages]
    found = []
    for name, messages in exc.message_dict.items():
        column = "" if name == NON_FIELD_ERRORS else field_columns.get(name, name)
        found.extend(RowError(line, column, message) for message in messages)
    return found


class _RollBack(Exception):
    pass


def run_import(
    upload,
    columns: Sequence[Column],
    import_row: Callable[[int, dict[str, str]], str | None],
    *,
    field_columns: dict[str, str] | None = None,
) -> ImportReport:
    """Import every row or none. `import_row` returns a label counted in the report (e.g. the kind).

    `field_columns` maps model field names found in ValidationError dictionaries to column names.
    """
    report = ImportReport()
    try:
        table = read_table(upload, columns)
    except ImportFailed as exc:
        report.errors = exc.errors
        return report
    mapping = field_columns or {}
    try:
        with transaction.atomic():
            for line, values in table.rows:
                try:
                    with transaction.atomic():  # a savepoint: a failed row leaves no half-written state
                        label = import_row(line, values)
                except RowInvalid as exc:
                    report.errors.extend(RowError(line, column, message) for column, message in exc.problems)
                    continue
                except ValidationError as exc:
                    report.errors.extend(_errors_of(line, exc, mapping))
                    continue
                report.created += 1
                if label:
                    report.counts[label] = report.counts.get(label, 0) + 1
            if report.errors:
                raise _RollBack
    except _RollBack:
        report.created = 0
        report.counts = {}
    return report


def column_help(columns: Sequence[Column]) -> list[tuple[str, bool, str]]:
    return [(c.name, c.required, c.help) for c in columns]


__all__ = [
    "Column", "ImportFailed", "ImportReport", "RowError", "RowInvalid", "Table", "column_help",
    "escape_formula", "read_header", "read_table", "run_import", "unescape_formula",
]
