"""`vigie audit ad`: JSON and HTML reports, from a live DC and from a snapshot."""

from __future__ import annotations

import json
import subprocess
import sys

from django.core.management import CommandError, call_command
import pytest

from vigie.directory.engine import write_snapshot

from .builders import build


def test_cli_json_from_live_dc(samba, tmp_path, capsys):
    pw = tmp_path / "pw"
    pw.write_text(samba.reader_password + "\n")
    snap = tmp_path / "out.jsonl.gz"
    call_command("audit", "ad", "--server", samba.address, "--port", str(samba.ldaps_port), "--security",
                 "ldaps", "--user", samba.reader_user, "--password-file", str(pw), "--insecure",
                 "--snapshot", str(snap), "--format", "json", "--progress", "always")
    out, err = capsys.readouterr()
    data = json.loads(out)
    assert data["level"] == 1 and data["domain"] == "test.local"
    assert "privileged_spn" in {f["rule_id"] for f in data["findings"]}
    assert snap.exists() and "security descriptors read" in err


def test_cli_html_from_snapshot(tmp_path, capsys):
    path = tmp_path / "s.jsonl.gz"
    write_snapshot(build(), path)
    call_command("audit", "ad", "--from-snapshot", str(path), "--format", "html")
    html = capsys.readouterr().out
    assert html.startswith("<!doctype html>") and "Niveau ANSSI" in html and "vuln_trusts_domain_notfiltered" in html


def test_cli_json_through_vigie_entry_point(tmp_path):
    """`vigie audit ad …` reaches the command through vigie.cli."""
    path = tmp_path / "s.jsonl.gz"
    write_snapshot(build(), path)
    out = subprocess.run([sys.executable, "-m", "vigie.cli", "audit", "ad", "--from-snapshot", str(path),
                          "--format", "json", "--output", str(tmp_path / "r.json")],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert json.loads((tmp_path / "r.json").read_text())["domain"] == "example.local"


def test_cli_bad_snapshot_is_a_clear_error(tmp_path):
    path = tmp_path / "s.jsonl.gz"
    path.write_bytes(b"not gzip")
    with pytest.raises(CommandError, match=str(path)):
        call_command("audit", "ad", "--from-snapshot", str(path))


def test_cli_kerberos_sealed(krb5, samba, tmp_path, capsys):
    """`--auth kerberos --security plain-signed --kerberos-host …` against the DC's own KDC."""
    pw = tmp_path / "pw"
    pw.write_text(samba.reader_password + "\n")
    call_command("audit", "ad", "--server", samba.address, "--security", "plain-signed", "--auth", "kerberos",
                 "--kerberos-host", samba.kerberos_host, "--user", "auditor@TEST.LOCAL", "--password-file",
                 str(pw), "--format", "json", "--progress", "never")
    data = json.loads(capsys.readouterr().out)
    assert data["domain"] == "test.local" and "privileged_spn" in {f["rule_id"] for f in data["findings"]}


def test_cli_refused_bind_is_a_clear_error(samba, tmp_path):
    pw = tmp_path / "pw"
    pw.write_text("wrong\n")
    with pytest.raises(CommandError, match="NTLM bind refused: invalidCredentials"):
        call_command("audit", "ad", "--server", samba.address, "--security", "plain-signed", "--auth", "ntlm",
                     "--user", "TEST\\auditor", "--password-file", str(pw), "--progress", "never")
