"""Scope parsing and refusals: every refused target is counted at the connector seam (zero attempts).
The refused targets are loopback addresses outside the declared scope, harmless even if the code were wrong."""

from __future__ import annotations

import errno
import select
import socket
import threading

import pytest

from vigie.exposure.engine import Limits, OutOfScope, Scope, ScopeError, TargetError, retest, scan
from vigie.exposure.engine.net import ScopedConnector, SocketConnector


class CountingConnector:
    """Records every connect the engine asks for, then makes it for real."""

    def __init__(self) -> None:
        self.attempts: list[tuple[str, int]] = []
        self.inner = SocketConnector()

    def start(self, address: str, port: int) -> socket.socket:
        self.attempts.append((address, port))
        return self.inner.start(address, port)

    def connect(self, address: str, port: int, timeout: float) -> socket.socket:
        self.attempts.append((address, port))
        return self.inner.connect(address, port, timeout)


def test_entries_parsed_and_normalised():
    scope = Scope.from_entries(["CH-Test.test.", "*.autre.test", "=portail.tiers.test", "198.18.0.0/24",
                                "fd00:5669:6769::/120", "127.0.0.5", "hôpital-test.fr"])
    assert scope.domains == ("ch-test.test", "autre.test", "xn--hpital-test-2eb.fr")
    assert scope.names == ("portail.tiers.test",)
    assert scope.contains_name("www.ch-test.test") and scope.contains_name("ch-test.test")
    assert not scope.contains_name("evilch-test.test")
    assert scope.contains_name("portail.tiers.test") and not scope.contains_name("www.tiers.test")
    assert scope.contains_name("www.HÔPITAL-test.fr")
    assert scope.contains_address("198.18.0.200") and not scope.contains_address("198.18.1.1")
    assert scope.contains_address("fd00:5669:6769::ff") and not scope.contains_address("fd00:5669:6769::100")
    with pytest.raises(OutOfScope, match="outside"):
        scope.check_address("127.0.0.6")
    with pytest.raises(OutOfScope, match="outside"):
        scope.check_name("ch-test.test.evil.test")


@pytest.mark.parametrize("entry, reason", [
    ("10.0.0.0/8", "wider than /20"),
    ("fd00::/64", "wider than /120"),
    ("198.18.0.1/24", "host bits set"),
    ("300.1.2.3", "not an address"),
    ("exa mple.org", "not a valid"),
    ("", "empty"),
    ("pаypal.com", "mixes scripts"),  # Cyrillic "а"
    ("xn--pypal-4ve.com", "mixes scripts"),  # the same look-alike, as punycode
])
def test_malformed_or_oversized_entries_refused(entry, reason):
    with pytest.raises(ScopeError, match=reason) as caught:
        Scope.from_entries(["ch-test.test", entry])
    assert caught.value.entry.strip() == entry.strip() or entry == ""


def test_range_cap_configurable():
    assert Scope.from_entries(["10.0.0.0/16"], max_prefix_v4=16).contains_address("10.0.255.1")


def test_scoped_connector_raises_before_inner():
    counting = CountingConnector()
    connector = ScopedConnector(Scope.from_entries(["127.0.0.5"]), counting)
    with pytest.raises(OutOfScope):
        connector.connect("127.0.0.6", 9, 0.1)
    with pytest.raises(OutOfScope):
        connector.start("::1", 9)
    assert counting.attempts == []


class RestartingCountingConnector(CountingConnector):
    """Also offers restart (socket reuse by the port scan), counted like the other connects."""

    def restart(self, sock: socket.socket, address: str, port: int) -> None:
        self.attempts.append((address, port))
        self.inner.restart(sock, address, port)


def test_scoped_restart_checks_the_scope_first_and_exists_only_when_inner_has_one():
    assert ScopedConnector(Scope.from_entries(["127.0.0.5"]), CountingConnector()).restart is None
    counting = RestartingCountingConnector()
    connector = ScopedConnector(Scope.from_entries(["127.0.0.5"]), counting)
    restart = connector.restart
    assert restart is not None
    with socket.socket() as sock, pytest.raises(OutOfScope):
        restart(sock, "127.0.0.6", 9)
    assert counting.attempts == []


def test_a_refused_socket_restarts_towards_another_port():
    server = socket.create_server(("127.0.0.5", 0))
    closed = socket.create_server(("127.0.0.5", 0))
    closed_port = closed.getsockname()[1]
    closed.close()  # nothing listens there any more: refused
    connector = SocketConnector()
    sock = connector.start("127.0.0.5", closed_port)
    try:
        select.select([], [sock], [], 2)
        assert sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR) == errno.ECONNREFUSED
        connector.restart(sock, "127.0.0.5", server.getsockname()[1])
        select.select([], [sock], [], 2)
        assert sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR) == 0
        accepted, _ = server.accept()  # the same socket reached the listener
        assert accepted.getpeername() == sock.getsockname()
        accepted.close()
    finally:
        sock.close()
        server.close()


@pytest.fixture
def listener():
    """A loopback TCP server on 127.0.0.7 that answers HTTP with a redirect out of scope."""
    server = socket.socket()
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("127.0.0.7", 0))
    server.listen(16)
    stop = threading.Event()

    def serve():
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except OSError:
                continue
            with conn:
                conn.settimeout(2)
                try:
                    conn.recv(4096)
                    conn.sendall(b"HTTP/1.1 302 Found\r\nLocation: http://127.0.0.8/login\r\n"
                                 b"Content-Length: 0\r\nConnection: close\r\n\r\n")
                except OSError:
                    pass

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield server.getsockname()[1]
    stop.set()
    thread.join()
    server.close()


def test_out_of_scope_targets_get_zero_attempts(listener):
    counting = CountingConnector()
    scope = Scope.from_entries(["127.0.0.7", "ch-test.test"])
    result = scan(["127.0.0.6", "127.0.0.0/28", "::1", "10.0.0.0/8", "www.elsewhere.test", "127.0.0.7"],
                  scope=scope, ports=[listener], connector=counting, limits=Limits(connect_timeout=0.5))
    reasons = {r.target: r.reason for r in result.refused}
    assert "outside" in reasons["127.0.0.6"]
    assert "13 address(es) outside the scope" == reasons["127.0.0.0/28"]
    assert "outside" in reasons["::1"]
    assert "range too large" in reasons["10.0.0.0/8"]
    assert "outside" in reasons["www.elsewhere.test"]
    assert reasons["http://127.0.0.8/login"] == "redirect to a host outside the scope"
    assert {address for address, _ in counting.attempts} == {"127.0.0.7"}
    service = result.hosts[0].services[0]
    assert service.name == "http" and service.http[0].status == 302
    assert all(r.url.startswith("http://127.0.0.7:") for r in service.http), "the redirect was not followed"


def test_malformed_target_raises():
    with pytest.raises(TargetError, match="300.0.0.1"):
        scan(["300.0.0.1"], scope=Scope.from_entries(["127.0.0.7"]))


def test_retest_out_of_scope_sends_nothing():
    counting = CountingConnector()
    pytest.importorskip("vigie.exposure.engine.checks")
    from vigie.exposure.engine.checks import CHECKS
    check_id = next(cid for cid, c in CHECKS.items() if c.applies_to == "service")
    result = retest("127.0.0.6", 80, check_id, scope=Scope.from_entries(["127.0.0.7"]), connector=counting)
    assert result.refused and counting.attempts == []
