"""The generic all-or-nothing import machinery (vigie.core.imports)."""

import io
import zipfile

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from vigie.core.imports import (
    Column, ImportFailed, RowInvalid, escape_formula, read_table, run_import, unescape_formula,
)
from vigie.organisations.models import Organisation

COLUMNS = (Column("name", required=True), Column("code", aliases=("identifier",)), Column("beds"))


def upload(content: bytes, name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def workbook(rows) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def file_error(content: bytes, name: str) -> str:
    with translation.override("en"), pytest.raises(ImportFailed) as exc:
        read_table(upload(content, name), COLUMNS)
    return exc.value.errors[0].message


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig"])
@pytest.mark.parametrize("delimiter", [";", ","])
def test_it_reads_csv_in_both_encodings_and_delimiters(encoding, delimiter):
    text = delimiter.join(["Name", "Identifier", "beds"]) + "\n" + delimiter.join(["Hôpital é", "X1", "12"]) + "\n"
    table = read_table(upload(text.encode(encoding), "f.csv"), COLUMNS)
    assert table.rows == [(2, {"name": "Hôpital é", "code": "X1", "beds": "12"})]


def test_it_reads_xlsx_values_as_text():
    table = read_table(upload(workbook([["name", "beds"], ["A", 12], [None, None], ["B", 3.5]]), "f.xlsx"), COLUMNS)
    assert table.rows == [(2, {"name": "A", "beds": "12"}), (4, {"name": "B", "beds": "3.5"})]


def test_it_checks_the_type_by_content():
    assert "xlsx" in file_error(b"name\nA\n", "f.xlsx")
    assert "CSV" in file_error(workbook([["name"], ["A"]]), "f.csv")
    assert ".csv" in file_error(b"name\nA\n", "f.xls")
    fake = io.BytesIO()
    with zipfile.ZipFile(fake, "w") as archive:
        archive.writestr("hello.txt", "not a workbook")
    assert "xlsx" in file_error(fake.getvalue(), "f.xlsx")


def test_it_refuses_text_that_is_not_utf8():
    assert "UTF-8" in file_error("name\nHôpital\n".encode("latin-1"), "f.csv")


def test_it_refuses_files_over_the_size_limit(settings):
    settings.VIGIE_MAX_UPLOAD_BYTES = 100
    file_error(b"name\n" + b"A\n" * 60, "f.csv")
    read_table(upload(b"name\n" + b"A\n" * 40, "f.csv"), COLUMNS)  # under the limit: read


def test_it_reports_every_header_problem_on_line_1():
    with pytest.raises(ImportFailed) as exc:
        read_table(upload(b"code;colour;code\nA;B;C\n", "f.csv"), COLUMNS)
    found = {(e.line, e.column) for e in exc.value.errors}
    assert found == {(1, "colour"), (1, "code"), (1, "name")}


def test_it_unescapes_formula_prefixes_and_escapes_them_back():
    for value in ("=1+1", "+33 1", "-x", "@SUM(A1)"):
        assert escape_formula(value) == "'" + value
        assert unescape_formula(escape_formula(value)) == value
    assert escape_formula("CH A") == "CH A" and escape_formula(12) == 12
    assert unescape_formula("'quoted") == "'quoted"


def test_it_writes_everything_when_every_row_is_valid(world):
    def import_row(line, values):
        org = Organisation(kind="ght", name=values["name"], parent=world.region_a, code=values["code"])
        org.full_clean()
        org.save()
        return "ght"

    report = run_import(upload(b"name;code\nG1;1\nG2;2\n", "f.csv"), COLUMNS, import_row)
    assert report.ok and report.created == 2 and report.counts == {"ght": 2}
    assert Organisation.objects.filter(name__in=["G1", "G2"]).count() == 2


def test_it_writes_nothing_and_reports_every_bad_row(world):
    def import_row(line, values):
        Organisation.objects.create(kind="ght", name=values["name"] or "?", parent=world.region_a)
        if not values["code"]:
            raise RowInvalid([("code", "missing")])
        if values["beds"] == "x":
            raise ValidationError({"bed_count": ["not a number"], "__all__": ["whole row"]})
        return None

    before = Organisation.objects.count()
    content = b"name;code;beds\nG1;1;\nG2;;\n\nG3;3;x\nG4;4;\n"
    report = run_import(upload(content, "f.csv"), COLUMNS, import_row, field_columns={"bed_count": "beds"})
    assert not report.ok and report.created == 0
    assert [(e.line, e.column) for e in report.errors] == [(3, "code"), (5, "beds"), (5, "")]
    assert "5" in str(report.errors[1]) and "beds" in str(report.errors[1])
    assert Organisation.objects.count() == before  # rows 2 and 6 were valid but rolled back too


def test_a_file_error_is_reported_without_touching_rows(world):
    calls = []
    report = run_import(upload(b"", "f.csv"), COLUMNS, lambda line, values: calls.append(line))
    assert not report.ok and report.errors[0].line == 0 and calls == []


def sheet_claiming(rows: int, last_column: str, real_rows: list[list[str]]) -> bytes:
    """A small workbook whose sheet declares a huge size and has a cell far away."""
    import re

    source = zipfile.ZipFile(io.BytesIO(workbook(real_rows)))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                xml = re.sub(r'<dimension ref="[^"]*"\s*/>', f'<dimension ref="A1:{last_column}{rows}"/>',
                             data.decode())
                xml = xml.replace("</sheetData>", f'<row r="{rows}"><c r="A{rows}" t="inlineStr"><is><t>site'
                                                  '</t></is></c></row></sheetData>')
                data = xml.encode()
            target.writestr(info, data)
    return out.getvalue()


def test_it_reads_only_existing_cells_whatever_size_a_sheet_declares():
    data = sheet_claiming(40, "XFD", [["name", "code"], ["x", "1"]])
    assert len(data) < 10_000
    table = read_table(upload(data, "claims.xlsx"), COLUMNS)
    # the two real rows with their spreadsheet line numbers, not 40 rows of 16,384 padded cells each
    assert table.rows == [(2, {"name": "x", "code": "1"}), (40, {"name": "site", "code": ""})]


def test_it_refuses_more_rows_than_the_limit_without_reading_them_all(monkeypatch):
    monkeypatch.setattr("vigie.core.imports.MAX_ROWS", 10)
    message = file_error(sheet_claiming(1_000_000, "XFD", [["name", "code"]]), "huge.xlsx")
    assert "more than 10 rows" in message
    csv_lines = "name;code\n" + "x;1\n" * 11
    assert "more than 10 rows" in file_error(csv_lines.encode(), "huge.csv")


def test_it_reports_a_malformed_csv_with_its_line():
    oversized = "name;code\nx;" + "1" * 200_000 + "\n"
    assert "malformed near line" in file_error(oversized.encode(), "big.csv")
