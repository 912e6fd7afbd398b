"""The monitoring export's column file: the shipped one loads, with every column marked and sourced; a
malformed one is refused with a message naming the file, the column and the field."""

import pytest

from vigie.steering import monitoring
from vigie.steering.monitoring import MonitoringFileError, load

GOOD_COLUMN = """  - header: "Score"
    indicator: compliance.self_assessment
    take: value
    confidence: NC
    source: "Instruction DNS/2025/12"
"""


def write(tmp_path, text: str, name: str = "suivi.yaml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_the_shipped_file_loads_with_every_column_unconfirmed_and_sourced():
    found = load(monitoring.DATA_FILE)
    headers = [c.header for c in found.columns]
    assert headers[:2] == ["FINESS EJ", "Raison sociale"]
    assert all(c.confidence == "NC" and c.source for c in found.columns)
    assert {"exercises.yearly", "compliance.self_assessment", "directory.level", "compliance.budget"} == set(
        found.indicator_keys())


@pytest.mark.parametrize(("text", "where", "field", "problem"), [
    ("columns: []\n", "-", "version", "starts with version"),
    ('version: "1"\ncolumns: []\n', "-", "columns", "non-empty list"),
    ('version: "1"\ncolums:\n' + GOOD_COLUMN, "-", "colums", "unknown field"),
    ('version: "1"\ncolumns:\n' + GOOD_COLUMN.replace("confidence: NC", "confidence: maybe"),
     "column 1 (Score)", "confidence", "one of C, NC"),
    ('version: "1"\ncolumns:\n' + GOOD_COLUMN.replace("take: value", "take: on"),
     "column 1 (Score)", "take", "in quotes"),
    ('version: "1"\ncolumns:\n' + GOOD_COLUMN.replace("take: value", "take: everything"),
     "column 1 (Score)", "take", "one of held, state"),
    ('version: "1"\ncolumns:\n' + GOOD_COLUMN.replace('    source: "Instruction DNS/2025/12"\n', ""),
     "column 1 (Score)", "source", "non-empty text"),
    ('version: "1"\ncolumns:\n' + GOOD_COLUMN.replace("indicator: compliance.self_assessment",
                                                      "indicator: compliance.self_assessment\n    field: name"),
     "column 1 (Score)", "field", "not both"),
    ('version: "1"\ncolumns:\n' + GOOD_COLUMN.replace("indicator: compliance.self_assessment", "field: siret")
     .replace("    take: value\n", ""), "column 1 (Score)", "field", "one of finess, name"),
    ('version: "1"\ncolumns:\n' + GOOD_COLUMN + GOOD_COLUMN, "column 2 (Score)", "header", "used twice"),
    ('version: "1"\ncolumns:\n' + GOOD_COLUMN.replace('header: "Score"', 'header: ""'), "column 1", "header",
     "non-empty text"),
    ('version: "1"\ncolumns:\n' + GOOD_COLUMN + "  - just a text\n", "column 2", "-", "a mapping"),
    ('version: "1"\ncolumns:\n' + GOOD_COLUMN.replace("take: value", "take: value\n    colour: red"),
     "column 1 (Score)", "colour", "unknown field"),
    ('version: "1"\ncolumns: [\n', "-", "-", "cannot be read"),
])
def test_a_malformed_file_is_refused_naming_the_file_and_field(tmp_path, text, where, field, problem):
    with pytest.raises(MonitoringFileError) as exc:
        load(write(tmp_path, text))
    error = exc.value
    assert (error.file, error.column, error.field) == ("suivi.yaml", where, field)
    assert problem in error.problem
    assert str(error).startswith(f"suivi.yaml: {where}: {field}: ")


def test_a_well_formed_file_loads(tmp_path):
    found = load(write(tmp_path, 'version: "2"\ncolumns:\n' + GOOD_COLUMN))
    assert found.version == "2" and found.columns[0].take == "value" and not found.columns[0].confirmed


def test_unregistered_indicators_are_named():
    found = load(monitoring.DATA_FILE)
    with pytest.raises(MonitoringFileError, match=r"monitoring.yaml: column 5 \(.*\): indicator: .*exercises.yearly"):
        monitoring.check_indicators(found, {"compliance.self_assessment", "directory.level", "compliance.budget"})
    monitoring.check_indicators(found, set(found.indicator_keys()))
