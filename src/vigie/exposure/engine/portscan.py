"""TCP connect scan on one non-blocking socket loop (selectors: epoll on Linux).

One loop starts up to `limits.concurrency` connects at once, interleaving hosts so a per-host rate cap
does not stall the others. A connect that completes is open, one refused (RST) is closed, one that stays
silent for `limits.connect_timeout` is retried `limits.retries` times and then reported filtered; an ICMP
unreachable answer is filtered too (as nmap reports it).
"""

from __future__ import annotations

import errno
import selectors
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
    selector = selectors.DefaultSelector()
    active: dict[int, tuple[socket.socket, str, int, int]] = {}
    deadlines: deque[tuple[float, int, socket.socket]] = deque()
    hosts = deque(queues)
    per_host_cap = max(1, limits.concurrency_per_host)
    last_report = 0.0

    def finish(fd: int, state: PortStatus | None) -> None:
        sock, address, port, attempt = active.pop(fd)
        selector.unregister(sock)
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
                selector.register(sock, selectors.EVENT_WRITE)
                deadlines.append((now + limits.connect_timeout, fd, sock))
            wait = 0.05
            if deadlines:
                wait = max(0.0, min(wait, deadlines[0][0] - now))
            for key, _ in selector.select(wait):
                sock = key.fileobj  # type: ignore[assignment]
                err = sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
                if err == 0:
                    finish(key.fd, "open")
                elif err == errno.ECONNREFUSED:
                    finish(key.fd, "closed")
                else:  # host or network unreachable, reported by ICMP
                    finish(key.fd, "filtered")
            now = time.monotonic()
            while deadlines and (deadlines[0][0] <= now or active.get(deadlines[0][1], (None,))[0] is not deadlines[0][2]):
                _, fd, sock = deadlines.popleft()
                entry = active.get(fd)
                if entry is not None and entry[0] is sock:
                    finish(fd, None)
            if on_progress is not None and (now - last_report > 0.1 or not (hosts or active)):
                last_report = now
                on_progress(len(results), total, "ports")
    finally:
        for sock, *_ in active.values():
            sock.close()
        selector.close()
    ordered = tuple(
        PortState(address, port, results[(address, port)])
        for address in queues for port in ports if (address, port) in results
    )
    return PortScanResult(ordered, tuple(refused))
