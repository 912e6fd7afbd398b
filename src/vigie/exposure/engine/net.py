"""The one seam through which the engine reaches the network.

Every TCP connection starts in a `Connector`, every DNS question goes through a `Resolver` that asks only
the name servers it was given. `ScopedConnector` wraps any connector and checks the scope before each
connect, so a test can wrap a counting connector and prove that no attempt reaches an out-of-scope target.
A connector with a true `forkable` attribute may be copied into port-scan worker processes (workers.py).
"""

from __future__ import annotations

import errno
import socket
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

import dns.exception
import dns.message
import dns.name
import dns.query
import dns.rdatatype
import dns.resolver
import dns.reversename
import dns.zone

from .errors import OutOfScope
from .scope import Scope


class Connector(Protocol):
    def start(self, address: str, port: int) -> socket.socket:
        """A non-blocking TCP socket whose connect to (address, port) has been started (the port scan
        sets LINGER_0 on the connects that complete, so they close with RST and leave no TIME_WAIT)."""
        ...

    def connect(self, address: str, port: int, timeout: float) -> socket.socket:
        """A connected blocking socket with `timeout` set, or OSError."""
        ...

    # Optional: `restart(sock, address, port)` starts a new connect on a socket from `start` whose last
    # connect was refused (the port scan then reuses it instead of opening a socket per port).


_STARTED = (0, errno.EINPROGRESS, errno.EAGAIN)
LINGER_0 = b"\x01\x00\x00\x00\x00\x00\x00\x00"  # SO_LINGER on, 0 s: close() resets the connection


class SocketConnector:
    """Plain sockets, no scope knowledge: always used behind ScopedConnector."""

    forkable = True  # no state: a port-scan worker process may use its own copy (workers.py)

    def start(self, address: str, port: int) -> socket.socket:
        family = socket.AF_INET6 if ":" in address else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_STREAM | socket.SOCK_NONBLOCK)
        err = sock.connect_ex((address, port))
        if err not in _STARTED:
            sock.close()
            raise OSError(err, "connect failed")
        return sock

    def restart(self, sock: socket.socket, address: str, port: int) -> None:
        """A new connect on `sock`, whose last connect was refused and its error read. Linux keeps such a
        socket "connecting": the first connect() only clears that finished attempt (ECONNABORTED, nothing
        sent), the second one starts. Cheaper than a new socket: no socket(), close() or poller update."""
        err = sock.connect_ex((address, port))
        if err not in _STARTED:
            err = sock.connect_ex((address, port))
        if err not in _STARTED:
            raise OSError(err, "connect failed")

    def connect(self, address: str, port: int, timeout: float) -> socket.socket:
        family = socket.AF_INET6 if ":" in address else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.settimeout(timeout)
        try:
            sock.connect((address, port))
        except OSError:
            sock.close()
            raise
        return sock


@dataclass
class ScopedConnector:
    """Checks `scope` before handing a connect to `inner`; raises OutOfScope otherwise (nothing sent)."""

    scope: Scope
    inner: Connector = field(default_factory=SocketConnector)
    _allowed: set[str] = field(default_factory=set, repr=False)  # addresses already checked (scope is frozen)

    @property
    def forkable(self) -> bool:
        """Whether port-scan workers may each use a copy: when the wrapped connector may (the scope is
        frozen and checked again in every worker, before every connect)."""
        return bool(getattr(self.inner, "forkable", False))

    def start(self, address: str, port: int) -> socket.socket:
        if address not in self._allowed:
            self.scope.check_address(address)
            self._allowed.add(address)
        return self.inner.start(address, port)

    @property
    def restart(self) -> Callable[[socket.socket, str, int], None] | None:
        """`inner`'s restart behind the same scope check as `start`; None when `inner` has none (the port
        scan then opens a new socket for every connect)."""
        inner: Callable[[socket.socket, str, int], None] | None = getattr(self.inner, "restart", None)
        if inner is None:
            return None

        def restart(sock: socket.socket, address: str, port: int) -> None:
            if address not in self._allowed:
                self.scope.check_address(address)
                self._allowed.add(address)
            inner(sock, address, port)
        return restart

    def connect(self, address: str, port: int, timeout: float) -> socket.socket:
        self.scope.check_address(address)
        return self.inner.connect(address, port, timeout)


class Resolver:
    """DNS questions to explicit name servers only (never the system resolver)."""

    def __init__(self, nameservers: tuple[str, ...], *, port: int = 53, timeout: float = 2.0) -> None:
        if not nameservers:
            raise ValueError("a Resolver needs explicit name servers")
        self.nameservers = nameservers
        self.port = port
        self.timeout = timeout
        self._resolver = dns.resolver.Resolver(configure=False)
        self._resolver.nameservers = list(nameservers)
        self._resolver.port = port
        self._resolver.timeout = timeout
        self._resolver.lifetime = timeout * 2

    def query(self, name: str, rdtype: str) -> tuple[str, ...]:
        """The answer's values as text (no CNAME following: CNAMEs are asked for explicitly)."""
        try:
            answer = self._resolver.resolve(name, rdtype, raise_on_no_answer=False, search=False)
        except (dns.resolver.NXDOMAIN, dns.resolver.NoNameservers, dns.resolver.NoAnswer):
            return ()
        except dns.exception.Timeout:
            return ()
        if answer.rrset is None:
            return ()
        wanted = dns.rdatatype.from_text(rdtype)
        if answer.rrset.rdtype != wanted:
            return ()
        return tuple(rdata.to_text() for rdata in answer.rrset)

    def cname(self, name: str) -> str:
        """The CNAME target of `name` (one step), or ""."""
        query = dns.message.make_query(name, "CNAME")
        try:
            response = dns.query.udp(query, self.nameservers[0], timeout=self.timeout, port=self.port)
        except (dns.exception.DNSException, OSError):
            return ""
        for rrset in response.answer:
            if rrset.rdtype == dns.rdatatype.CNAME and rrset.name == dns.name.from_text(name):
                return str(next(iter(rrset)).target).rstrip(".").lower()
        return ""

    def reverse(self, address: str) -> str:
        values = self.query(str(dns.reversename.from_address(address)), "PTR")
        return values[0].rstrip(".").lower() if values else ""

    def axfr(self, zone: str, nameserver: str, port: int | None = None) -> tuple[tuple[str, str, str], ...] | None:
        """The (name, type, value) records of a zone transfer from `nameserver`, None when refused.
        The caller checks that `nameserver` is in scope or one of the configured servers."""
        try:
            transferred = dns.zone.from_xfr(
                dns.query.xfr(nameserver, zone, port=port or self.port, timeout=self.timeout, lifetime=self.timeout * 3)
            )
        except (dns.exception.DNSException, OSError, EOFError):
            return None
        records: list[tuple[str, str, str]] = []
        origin = transferred.origin
        for rel, node in transferred.nodes.items():
            absolute = rel.derelativize(origin) if origin is not None else rel
            for rdataset in node.rdatasets:
                for rdata in rdataset:
                    records.append((absolute.to_text().rstrip(".").lower(), dns.rdatatype.to_text(rdataset.rdtype),
                                    rdata.to_text(origin=origin, relativize=False)))
        return tuple(records)


def check_connect(scope: Scope, address: str) -> OutOfScope | None:
    """The refusal for `address`, or None when it may be reached."""
    try:
        scope.check_address(address)
    except OutOfScope as exc:
        return exc
    return None
