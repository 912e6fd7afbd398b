"""`vigie vulndb import|stats|lookup`."""

import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from .test_vulndb import KEV, NVD


def test_import_both_kinds_then_stats_and_lookup(tmp_path, capsys):
    db = str(tmp_path / "kb.sqlite3")
    call_command("vulndb", "--db", db, "import", str(NVD), str(KEV))
    out = capsys.readouterr().out
    assert f"{NVD}: NVD feed, 3 CVE, 4 vulnerable CPE matches" in out
    assert f"{KEV}: CISA KEV catalogue, 1404 entries" in out
    call_command("vulndb", "--db", db, "stats")
    assert "KEV entries: 1404 (catalogue 2025.08.25)" in capsys.readouterr().out
    call_command("vulndb", "--db", db, "lookup", "cpe:2.3:o:fortinet:fortios:7.0.5:*:*:*:*:*:*:*")
    out = capsys.readouterr().out
    assert "CVE-2022-40684\tCVSS 9.3 KEV" in out and "CVE-2023-27997" in out


def test_bad_file_is_a_clear_error_and_default_path_is_the_data_dir(tmp_path, settings, capsys):
    settings.DATA_DIR = tmp_path
    bad = tmp_path / "feed.json"
    bad.write_text("{not json")
    with pytest.raises(CommandError, match=f"{bad}: malformed JSON"):
        call_command("vulndb", "import", str(bad))
    assert (tmp_path / "vulndb.sqlite3").exists()
    with pytest.raises(CommandError, match="not a CPE 2.3 name"):
        call_command("vulndb", "lookup", "openssh 9.2")


def test_exit_status_through_the_vigie_entry_point(tmp_path):
    bad = tmp_path / "kev.json"
    bad.write_text('{"catalogVersion": "x", "vulnerabilities": [{"product": "no id"}]}')
    run = subprocess.run([sys.executable, "-m", "vigie.cli", "vulndb", "--db", str(tmp_path / "kb.sqlite3"),
                          "import", str(bad)], capture_output=True, text=True,
                         env={"VIGIE_DATA_DIR": str(tmp_path), "PATH": "/usr/bin:/bin",
                              "DJANGO_SETTINGS_MODULE": "vigie.test_settings"}, cwd=Path(__file__).parents[2])
    assert run.returncode != 0
    assert f"{bad}: vulnerabilities[0]: no \"cveID\"" in run.stderr
