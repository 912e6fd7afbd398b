"""TCP connect scan on one non-blocking socket loop (epoll).

One loop starts up to `limits.concurrency` connects at once, interleaving hosts so a per-host rate cap
does not stall the others. A connect that completes is open, one refused (RST) is closed, one that stays
silent for `limits.connect_timeout` is retried `limits.retries` times and then reported filtered; an ICMP
unreachable answer is filtered too (as nmap reports it).
"""

from __future__ import annotations

import errno
import heapq
import select
import socket
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ._model import PortState, PortStatus, Refusal
from .errors import OutOfScope
from .limits import Limits
from .net import Connector

Progress = Callable[[int, int, str], None]


@dataclass(frozen=True, slots=True)
class PortScanResult:
    ports: tuple[PortState, ...]
    refused: tuple[Refusal, ...] = ()

    def open(self, address: str) -> tuple[int, ...]:
        return tuple(p.port for p in self.ports if p.address == address and p.state == "open")


def scan_ports(
    addresses: Sequence[str],
    ports: Sequence[int],
    *,
    connector: Connector,
    limits: Limits = Limits(),
    on_progress: Progress | None = None,
) -> PortScanResult:
    """The state of every (address, port); out-of-scope addresses are refused by the connector."""
    queues: dict[str, deque[tuple[int, int]]] = {a: deque((p, 0) for p in ports) for a in dict.fromkeys(addresses)}
    total = len(queues) * len(ports)
    results: dict[tuple[str, int], PortStatus] = {}
    refused: list[Refusal] = []
    interval = 1.0 / limits.rate_per_host if limits.rate_per_host > 0 else 0.0
    next_slot: dict[str, float] = dict.fromkeys(queues, 0.0)
    in_flight: dict[str, int] = dict.fromkeys(queues, 0)
    poller = select.epoll()
    active: dict[int, tuple[socket.socket, str, int, int]] = {}
    deadlines: list[tuple[float, int, int]] = []  # heap of (deadline, fd, serial)
    started: dict[int, tuple[float, int]] = {}  # fd -> (start time, serial)
    serial = 0
    # adaptive timeout per host, as nmap does: ten times the slowest answer seen, at least
    # `min_timeout`, at most `limits.connect_timeout` (until a host answers, the maximum)
    slowest: dict[str, float] = {}
    hosts = deque(queues)
    per_host_cap = max(1, limits.concurrency_per_host)
    last_report = 0.0

    def finish(fd: int, state: PortStatus | None) -> None:
        sock, address, port, attempt = active.pop(fd)
        begun, _ = started.pop(fd)
        if state in ("open", "closed"):
            slowest[address] = max(slowest.get(address, 0.0), time.monotonic() - begun)
        poller.unregister(fd)
        sock.close()
        in_flight[address] -= 1
        if state is None:  # timed out
            if attempt < limits.retries:
                queues[address].append((port, attempt + 1))
                if address not in hosts:
                    hosts.append(address)
                return
            state = "filtered"
        results[(address, port)] = state

    try:
        while hosts or active:
            now = time.monotonic()
            # start new connects, one per host in turn
            blocked = 0
            while hosts and len(active) < limits.concurrency and blocked < len(hosts):
                address = hosts[0]
                hosts.rotate(-1)
                queue = queues[address]
                if not queue:
                    hosts.remove(address)
                    continue
                if in_flight[address] >= per_host_cap or next_slot[address] > now:
                    blocked += 1
                    continue
                blocked = 0
                port, attempt = queue.popleft()
                next_slot[address] = max(now, next_slot[address]) + interval
                try:
                    sock = connector.start(address, port)
                except OutOfScope as exc:
                    refused.append(Refusal(address, exc.reason))
                    for leftover, _ in queue:
                        results.pop((address, leftover), None)
                    queue.clear()
                    hosts.remove(address)
                    total -= len(ports)
                    continue
                except OSError as exc:
                    results[(address, port)] = "closed" if exc.errno == errno.ECONNREFUSED else "filtered"
                    continue
                fd = sock.fileno()
                active[fd] = (sock, address, port, attempt)
                in_flight[address] += 1
                poller.register(fd, select.EPOLLOUT)
                serial += 1
                started[fd] = (now, serial)
                seen = slowest.get(address)
                timeout = limits.connect_timeout if seen is None else min(
                    limits.connect_timeout, max(limits.min_timeout, 10 * seen))
                heapq.heappush(deadlines, (now + timeout, fd, serial))
            wait = 0.05
            if deadlines:
                wait = max(0.0, min(wait, deadlines[0][0] - now))
            for fd, _ in poller.poll(wait):
                err = active[fd][0].getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
                if err == 0:
                    finish(fd, "open")
                elif err == errno.ECONNREFUSED:
                    finish(fd, "closed")
                else:  # host or network unreachable, reported by ICMP
                    finish(fd, "filtered")
            now = time.monotonic()
            while deadlines and (deadlines[0][0] <= now or started.get(deadlines[0][1], (0, -1))[1] != deadlines[0][2]):
                _, fd, number = heapq.heappop(deadlines)
                if started.get(fd, (0, -1))[1] == number:
                    finish(fd, None)
            if on_progress is not None and (now - last_report > 0.1 or not (hosts or active)):
                last_report = now
                on_progress(len(results), total, "ports")
    finally:
        for sock, *_ in active.values():
            sock.close()
        poller.close()
    ordered = tuple(
        PortState(address, port, results[(address, port)])
        for address in queues for port in ports if (address, port) in results
    )
    return PortScanResult(ordered, tuple(refused))
