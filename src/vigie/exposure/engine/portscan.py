"""TCP connect scan on one non-blocking socket loop (epoll), optionally in several worker processes.

One loop starts up to `limits.concurrency` connects at once, interleaving hosts so a per-host rate cap
does not stall the others, and polls between small batches of starts so answers are timed closely. A
connect that completes is open, one refused (RST) is closed, an ICMP unreachable answer is filtered (as
nmap reports it). A connect that stays silent is retried `limits.retries` times, as soon as it times out
(before the host's untried ports, so its wait overlaps the rest of the scan), and then reported filtered.

How long "silent" is adapts to each host as nmap does: the smoothed round-trip time of the answers seen
plus four times their variation, that margin being at least `limits.min_timeout` (RFC 6298's floor on it:
a steady link's variation decays to nothing, and one late answer would then be called filtered), at most
`limits.connect_timeout` (the maximum until a host has answered). Each retry doubles it (within the maximum), so a port that is merely
slow gets a longer second chance.

Per probe the loop keeps the kernel work small: a socket whose connect was refused is handed back to the
connector's `restart` for the next port (no new socket, no close, no poller update: sockets stay in an
edge-triggered poller), and a host that answers faster than a loop turn has its answer read as soon as
connect() returns, without a poller round.
"""

from __future__ import annotations

import errno
import select
import socket
import time
from collections import deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

from ._model import PortState, PortStatus, Refusal
from .errors import OutOfScope
from .limits import Limits
from .net import LINGER_0, Connector
from .workers import Progress, run_shards, shard, worker_count


_BATCH = 64  # connects started between two polls: keeps the measured round trips close to the real ones
_AT_ONCE_RTT = 0.002  # below this smoothed round trip (or before any answer), look for an answer at once


@dataclass(frozen=True, slots=True)
class PortScanResult:
    ports: tuple[PortState, ...]
    refused: tuple[Refusal, ...] = ()
    # the silent-port timeout each host ended with: its round trip plus four variations, within the limits
    timeouts: Mapping[str, float] = field(default_factory=dict)

    def open(self, address: str) -> tuple[int, ...]:
        return tuple(p.port for p in self.ports if p.address == address and p.state == "open")


class _Host:
    """One host's pending ports, connects in flight (oldest first, one queue per attempt) and timing."""

    __slots__ = ("address", "v6", "queue", "flying", "in_flight", "next_slot", "srtt", "rttvar", "timeout", "states")

    def __init__(self, address: str, ports: Sequence[int], attempts: int, timeout: float) -> None:
        self.address = address
        self.v6 = ":" in address
        self.states: dict[int, PortStatus] = {}  # by port, once decided
        self.queue: deque[tuple[int, int]] = deque((p, 0) for p in ports)
        self.flying: list[deque[_Probe]] = [deque() for _ in range(attempts)]
        self.in_flight = 0
        self.next_slot = 0.0
        self.srtt = -1.0  # no answer yet
        self.rttvar = 0.0
        self.timeout = timeout

    def answered(self, rtt: float, limits: Limits) -> None:
        # RFC 6298 smoothing, as nmap does
        srtt = self.srtt
        if srtt < 0:
            srtt, rttvar = rtt, rtt / 2
        else:
            rttvar = self.rttvar
            rttvar += (abs(srtt - rtt) - rttvar) / 4
            srtt += (rtt - srtt) / 8
        self.srtt, self.rttvar = srtt, rttvar
        margin = 4 * rttvar
        timeout = srtt + (margin if margin > limits.min_timeout else limits.min_timeout)
        self.timeout = limits.connect_timeout if timeout > limits.connect_timeout else timeout  # the cap wins


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
    """The state of every (address, port); out-of-scope addresses are refused by the connector.

    With a forkable connector and several hosts, the hosts are dealt to `limits.workers` worker processes
    (workers.py), each running the loop below on its own hosts with its share of `limits.concurrency`."""
    unique = list(dict.fromkeys(addresses))
    count = worker_count(limits, len(unique), connector)
    if count == 1:
        results, refused, timeouts = _scan(unique, ports, connector, limits, on_progress)
    else:
        share = replace(limits, concurrency=max(1, limits.concurrency // count))
        shards = shard(unique, count)
        parts = run_shards(shards, lambda hosts, report: _scan(hosts, ports, connector, share, report), on_progress,
                           [len(hosts) * len(ports) for hosts in shards])
        results, refused, timeouts = {}, [], {}
        for part_results, part_refused, part_timeouts in parts:
            results.update(part_results)
            refused.extend(part_refused)
            timeouts.update(part_timeouts)
        position = {address: i for i, address in enumerate(unique)}
        refused.sort(key=lambda r: position.get(r.target, -1))
    ordered = tuple(
        PortState(address, port, states[port])
        for address in unique if (states := results.get(address)) for port in ports if port in states
    )
    return PortScanResult(ordered, tuple(refused), {a: timeouts[a] for a in unique if a in timeouts})


def _scan(
    addresses: Sequence[str], ports: Sequence[int], connector: Connector, limits: Limits, on_progress: Progress | None,
) -> tuple[dict[str, dict[int, PortStatus]], list[Refusal], dict[str, float]]:
    """The loop itself, in one process: each host's port states, the addresses the connector refused,
    and the hosts' final timeouts."""
    attempts = max(0, limits.retries) + 1
    table = {a: _Host(a, ports, attempts, limits.connect_timeout) for a in dict.fromkeys(addresses)}
    total = len(table) * len(ports)
    refused: list[Refusal] = []
    decided = 0  # ports whose state is known, for progress
    interval = 1.0 / limits.rate_per_host if limits.rate_per_host > 0 else 0.0
    poller = select.epoll()
    active: dict[int, _Probe] = {}  # by file descriptor
    # sockets whose connect was refused, kept registered in the poller for the connector to restart
    spare: dict[bool, list[socket.socket]] = {False: [], True: []}  # by "is IPv6"
    restart = getattr(connector, "restart", None)
    hosts = deque(table.values())
    per_host_cap = max(1, limits.concurrency_per_host)
    last_report = 0.0
    err_mask = select.EPOLLERR | select.EPOLLHUP
    # edge-triggered: a spare socket sits in the poller without waking it; a restarted one wakes it once
    # its new connect is answered (the poller reports only what is ready when it is read)
    watch = select.EPOLLOUT | select.EPOLLET
    # looked up once: the start loop below runs for every port
    monotonic = time.monotonic
    concurrency = limits.concurrency
    sol_socket, so_error, refused_errno = socket.SOL_SOCKET, socket.SO_ERROR, errno.ECONNREFUSED

    def finish(fd: int, probe: _Probe, state: PortStatus | None) -> None:
        nonlocal decided
        del active[fd]
        probe.done = True
        host, port = probe.host, probe.port
        host.in_flight -= 1
        if state == "closed" and restart is not None:
            spare[host.v6].append(probe.sock)
        else:
            probe.sock.close()  # closing also removes the fd from the poller
        if state is None:  # timed out
            if probe.attempt + 1 < attempts:
                # retried next, before the host's untried ports: its wait overlaps the rest of the scan
                host.queue.appendleft((port, probe.attempt + 1))
                if host not in hosts:
                    hosts.append(host)
                return
            state = "filtered"
        host.states[port] = state
        decided += 1

    try:
        while hosts or active:
            now = monotonic()
            # start new connects, one per host in turn, a small batch before the next poll
            blocked = started = 0
            while hosts and len(active) < concurrency and blocked < len(hosts) and started < _BATCH:
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
                pool = spare[host.v6]
                sock = pool.pop() if restart is not None and pool else None
                fresh = sock is None
                begun = monotonic()
                try:
                    if sock is None:
                        sock = connector.start(host.address, port)
                    else:
                        restart(sock, host.address, port)  # type: ignore[misc]
                except OutOfScope as exc:
                    if sock is not None:
                        pool.append(sock)  # refused before any syscall: still spare
                    refused.append(Refusal(host.address, exc.reason))
                    decided -= len(host.states)
                    host.states.clear()
                    queue.clear()
                    hosts.remove(host)
                    total -= len(ports)
                    continue
                except OSError as exc:
                    if sock is not None:
                        sock.close()
                    host.states[port] = "closed" if exc.errno == errno.ECONNREFUSED else "filtered"
                    decided += 1
                    continue
                started += 1
                # a host that answers within a loop turn (loopback, a bridge on this machine) has often
                # answered before connect() returned: read that answer now, no waiting, no poller event
                err = sock.getsockopt(sol_socket, so_error) if host.srtt < _AT_ONCE_RTT else 0
                if err:
                    decided += 1
                    if err == refused_errno:
                        host.answered(monotonic() - begun, limits)
                        host.states[port] = "closed"
                        if restart is not None:
                            if fresh:
                                poller.register(sock.fileno(), watch)
                            pool.append(sock)
                            continue
                    else:  # host or network unreachable, reported by ICMP
                        host.states[port] = "filtered"
                    sock.close()
                    continue
                if fresh:
                    poller.register(sock.fileno(), watch)
                probe = _Probe(sock, host, port, attempt, begun)
                active[sock.fileno()] = probe
                host.flying[attempt].append(probe)
                host.in_flight += 1
            # wait for answers until the next start is due or the oldest connect times out
            now = monotonic()
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
            now = monotonic()
            for fd, flags in events:
                probe = active.get(fd)  # type: ignore[assignment]
                if probe is None:  # not in flight (a spare socket): nothing to read
                    continue
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
                on_progress(decided, total, "ports")
    finally:
        for probe in active.values():
            probe.sock.close()
        for pool in spare.values():
            for sock in pool:
                sock.close()
        poller.close()
    refusing = {r.target for r in refused}
    return ({a: h.states for a, h in table.items() if a not in refusing}, refused,
            {a: h.timeout for a, h in table.items() if a not in refusing})
