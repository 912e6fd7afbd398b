"""TCP connect scan on one non-blocking socket loop (epoll).

One loop starts up to `limits.concurrency` connects at once, interleaving hosts so a per-host rate cap
does not stall the others, and polls between small batches of starts so answers are timed closely. A
connect that completes is open, one refused (RST) is closed, an ICMP unreachable answer is filtered (as
nmap reports it). A connect that stays silent is retried `limits.retries` times, after every first try has
been started, and then reported filtered.

How long "silent" is adapts to each host as nmap does: the smoothed round-trip time of the answers seen
plus four times their variation, at least `limits.min_timeout`, at most `limits.connect_timeout` (the
maximum until a host has answered). Each retry doubles it (within the maximum), so a port that is merely
slow gets a longer second chance.
"""

from __future__ import annotations

import errno
import select
import socket
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ._model import PortState, PortStatus, Refusal
from .errors import OutOfScope
from .limits import Limits
from .net import LINGER_0, Connector

Progress = Callable[[int, int, str], None]

_BATCH = 64  # connects started between two polls: keeps the measured round trips close to the real ones


@dataclass(frozen=True, slots=True)
class PortScanResult:
    ports: tuple[PortState, ...]
    refused: tuple[Refusal, ...] = ()

    def open(self, address: str) -> tuple[int, ...]:
        return tuple(p.port for p in self.ports if p.address == address and p.state == "open")


class _Host:
    """One host's pending ports, connects in flight (oldest first, one queue per attempt) and timing."""

    __slots__ = ("address", "queue", "flying", "in_flight", "next_slot", "srtt", "rttvar", "timeout")

    def __init__(self, address: str, ports: Sequence[int], attempts: int, timeout: float) -> None:
        self.address = address
        self.queue: deque[tuple[int, int]] = deque((p, 0) for p in ports)
        self.flying: list[deque[_Probe]] = [deque() for _ in range(attempts)]
        self.in_flight = 0
        self.next_slot = 0.0
        self.srtt = -1.0  # no answer yet
        self.rttvar = 0.0
        self.timeout = timeout

    def answered(self, rtt: float, limits: Limits) -> None:
        # RFC 6298 smoothing, as nmap does
        if self.srtt < 0:
            self.srtt, self.rttvar = rtt, rtt / 2
        else:
            self.rttvar += (abs(self.srtt - rtt) - self.rttvar) / 4
            self.srtt += (rtt - self.srtt) / 8
        self.timeout = min(limits.connect_timeout, max(limits.min_timeout, self.srtt + 4 * self.rttvar))


class _Probe:
    """One connect in flight; `done` once answered or timed out (it may still sit in its host's queue)."""

    __slots__ = ("sock", "host", "port", "attempt", "start", "done")

    def __init__(self, sock: socket.socket, host: _Host, port: int, attempt: int, start: float) -> None:
        self.sock, self.host, self.port, self.attempt, self.start = sock, host, port, attempt, start
        self.done = False


def scan_ports(
    addresses: Sequence[str],
    ports: Sequence[int],
    *,
    connector: Connector,
    limits: Limits = Limits(),
    on_progress: Progress | None = None,
) -> PortScanResult:
    """The state of every (address, port); out-of-scope addresses are refused by the connector."""
    attempts = max(0, limits.retries) + 1
    table = {a: _Host(a, ports, attempts, limits.connect_timeout) for a in dict.fromkeys(addresses)}
    total = len(table) * len(ports)
    results: dict[tuple[str, int], PortStatus] = {}
    refused: list[Refusal] = []
    interval = 1.0 / limits.rate_per_host if limits.rate_per_host > 0 else 0.0
    poller = select.epoll()
    active: dict[int, _Probe] = {}  # by file descriptor
    hosts = deque(table.values())
    per_host_cap = max(1, limits.concurrency_per_host)
    last_report = 0.0
    err_mask = select.EPOLLERR | select.EPOLLHUP

    def finish(fd: int, probe: _Probe, state: PortStatus | None) -> None:
        del active[fd]
        probe.done = True
        probe.sock.close()  # closing also removes the fd from the poller
        host, port = probe.host, probe.port
        host.in_flight -= 1
        if state is None:  # timed out
            if probe.attempt + 1 < attempts:
                host.queue.append((port, probe.attempt + 1))  # after every first try: the second pass
                if host not in hosts:
                    hosts.append(host)
                return
            state = "filtered"
        results[(host.address, port)] = state

    try:
        while hosts or active:
            now = time.monotonic()
            # start new connects, one per host in turn, a small batch before the next poll
            blocked = started = 0
            while hosts and len(active) < limits.concurrency and blocked < len(hosts) and started < _BATCH:
                host = hosts[0]
                hosts.rotate(-1)
                queue = host.queue
                if not queue:
                    hosts.remove(host)
                    continue
                if host.in_flight >= per_host_cap or host.next_slot > now:
                    blocked += 1
                    continue
                blocked = 0
                port, attempt = queue.popleft()
                if interval:
                    host.next_slot = max(now, host.next_slot) + interval
                try:
                    sock = connector.start(host.address, port)
                except OutOfScope as exc:
                    refused.append(Refusal(host.address, exc.reason))
                    for leftover, _ in queue:
                        results.pop((host.address, leftover), None)
                    queue.clear()
                    hosts.remove(host)
                    total -= len(ports)
                    continue
                except OSError as exc:
                    results[(host.address, port)] = "closed" if exc.errno == errno.ECONNREFUSED else "filtered"
                    continue
                started += 1
                fd = sock.fileno()
                probe = _Probe(sock, host, port, attempt, time.monotonic())
                active[fd] = probe
                host.flying[attempt].append(probe)
                host.in_flight += 1
                poller.register(fd, select.EPOLLOUT)
            # wait for answers until the next start is due or the oldest connect times out
            now = time.monotonic()
            wait = 0.0 if started == _BATCH else 0.05
            for host in table.values():
                for attempt, flying in enumerate(host.flying):
                    while flying and flying[0].done:
                        flying.popleft()
                    if flying:
                        due = flying[0].start + min(limits.connect_timeout, host.timeout * (1 << attempt)) - now
                        if due < wait:
                            wait = max(0.0, due)
            events = poller.poll(wait)
            now = time.monotonic()
            for fd, flags in events:
                probe = active[fd]
                if not flags & err_mask:
                    state: PortStatus = "open"
                    # no TIME_WAIT pile-up when scanning many open ports: close with RST
                    probe.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, LINGER_0)
                else:
                    err = probe.sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
                    # refused: closed; host or network unreachable, reported by ICMP: filtered
                    state = "closed" if err == errno.ECONNREFUSED else "filtered"
                if state != "filtered":
                    probe.host.answered(now - probe.start, limits)
                finish(fd, probe, state)
            # time out the silent connects, oldest first
            for host in table.values():
                for attempt, flying in enumerate(host.flying):
                    limit = now - min(limits.connect_timeout, host.timeout * (1 << attempt))
                    while flying:
                        head = flying[0]
                        if head.done:
                            flying.popleft()
                        elif head.start <= limit:
                            flying.popleft()
                            finish(head.sock.fileno(), head, None)
                        else:
                            break
            if on_progress is not None and (now - last_report > 0.1 or not (hosts or active)):
                last_report = now
                on_progress(len(results), total, "ports")
    finally:
        for probe in active.values():
            probe.sock.close()
        poller.close()
    ordered = tuple(
        PortState(address, port, results[(address, port)])
        for address in table for port in ports if (address, port) in results
    )
    return PortScanResult(ordered, tuple(refused))
