"""The DNS probe: version.bind texts read as products, and a name server found on an unusual port by the
generic identification (a test DNS server on loopback), while a service that echoes is not taken for one."""

from __future__ import annotations

import socket
import socketserver
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from vigie.exposure.engine import Limits, Scope
from vigie.exposure.engine.net import ScopedConnector, SocketConnector
from vigie.exposure.engine.probes import identify
from vigie.exposure.engine.probes.dns import product_of

ROOT = Path(__file__).resolve().parents[2]
LIMITS = Limits(read_timeout=0.5)


@pytest.mark.parametrize("text, expected", [
    ("9.18.28-1~deb12u2-Debian", ("BIND", "9.18.28", "1~deb12u2-Debian")),
    ("9.11.4-P2-RedHat-9.11.4-26.P2.el7_9.16", ("BIND", "9.11.4-P2", "RedHat-9.11.4-26.P2.el7_9.16")),
    ("9.20.4", ("BIND", "9.20.4", "")),
    ("BIND 9.16.50", ("BIND", "9.16.50", "")),
    ("unbound 1.17.1", ("Unbound", "1.17.1", "")),
    ("dnsmasq-2.89", ("dnsmasq", "2.89", "")),
    ("PowerDNS Recursor 4.8.4", ("PowerDNS Recursor", "4.8.4", "")),
    ("Knot DNS 3.2.6", ("Knot DNS", "3.2.6", "")),
    ("NSD 4.6.1", ("NSD", "4.6.1", "")),
    ("none of your business", ("", "", "")),
    ("1.2.3", ("", "", "")),
])
def test_version_bind_texts(text, expected):
    assert product_of(text) == expected


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def loopback_dns():
    port = _free_port()
    process = subprocess.Popen([sys.executable, "-m", "tests.testbeds.dnsserver", "127.0.0.1", f"--port={port}",
                                "--open-resolver", "--version=unbound 1.17.1"], cwd=ROOT,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None and process.stdout.readline().strip() == "ready"
        yield port
    finally:
        process.kill()
        process.wait()


def _identify(port: int):
    scope = Scope.from_entries(["127.0.0.1"])
    service, _ = identify("127.0.0.1", port, connector=ScopedConnector(scope, SocketConnector()), scope=scope,
                          limits=LIMITS)
    return service


def test_name_server_on_an_unusual_port(loopback_dns):
    service = _identify(loopback_dns)
    assert (service.name, service.product, service.version) == ("dns", "Unbound", "1.17.1")
    assert service.cpe == "cpe:2.3:a:nlnetlabs:unbound:1.17.1:*:*:*:*:*:*:*"
    assert service.facts["recursion_available"] == "yes"


class _Echo(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        self.request.settimeout(2)
        try:
            while data := self.request.recv(4096):
                self.request.sendall(data)
        except OSError:
            return


def test_a_service_echoing_the_query_is_not_dns():
    """The echo carries the query's id and question but no QR flag: not a reply."""
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _Echo)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        assert _identify(server.server_address[1]).name == "unknown"
    finally:
        server.shutdown()
        server.server_close()
