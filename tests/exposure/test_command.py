"""`vigie scan exposure` on the namespace test bed: JSON and HTML output, bad input refused clearly."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command


def test_json_and_html(netbed, tmp_path):
    out = io.StringIO()
    call_command("scan", "exposure", "ch-test.test", "--scope", "ch-test.test", "--scope", netbed.network,
                 "--nameserver", netbed.address("ns1"), "--ports", "21-25,80,443", "--timeout", "0.5",
                 "--format", "json", stdout=out)
    data = json.loads(out.getvalue())
    mail = next(h for h in data["hosts"] if h["address"] == netbed.address("mail"))
    assert {s["port"]: s["name"] for s in mail["services"]} == {21: "ftp", 25: "smtp"}
    assert data["domains"][0]["zone_transfer_open"] == ["ns1.ch-test.test"]
    assert any("127.0.0.9" in r["target"] for r in data["refused"])
    report = tmp_path / "r.html"
    call_command("scan", "exposure", netbed.address("web"), "--scope", netbed.network, "--ports", "80,443",
                 "--workers", "1", "--format", "html", "-o", str(report))
    page = report.read_text()
    assert page.startswith("<!doctype html>") and "Portail patient" in page and netbed.address("web") in page


@pytest.mark.parametrize("args, message", [
    (["127.0.0.1", "--scope", "10.0.0.0/8"], "wider than /20"),
    (["127.0.0.1", "--scope", "127.0.0.1", "--ports", "80,x"], "'x' is not a port"),
    (["127.0.0.1", "--scope", "127.0.0.1", "--ports", "0-3"], "outside 1-65535"),
    (["300.1.1.1", "--scope", "127.0.0.1"], "300.1.1.1"),
    (["127.0.0.1", "--scope", "127.0.0.1", "--workers", "-2"], "--workers: -2 is negative"),
])
def test_bad_input(args, message):
    with pytest.raises(CommandError, match=message):
        call_command("scan", "exposure", *args, stdout=io.StringIO())


def test_html_report_shows_the_chain_sent(netbed, tmp_path):
    report = tmp_path / "chain.html"
    call_command("scan", "exposure", netbed.address("chaine"), netbed.address("incomplet"), "--scope", netbed.network,
                 "--ports", "443", "--ca-file", netbed.cafile, "--format", "html", "-o", str(report))
    page = report.read_text()
    assert f"chaîne envoyée : 2 certificat(s) (CN=Vigie test intermediate {netbed.pid})" in page
    assert "chaîne envoyée : 1 certificat(s), incomplète" in page
    assert "tls.chain_incomplete" in page and "tls.intermediate_expired" not in page  # the finding
