"""The port scan in worker processes (workers.py): same states as in-process, every connect still made
through the scoped seam (counted across processes in a shared log file), progress summed, failures raised."""

from __future__ import annotations

import multiprocessing
import os
import socket
import threading

import pytest

from vigie.exposure.engine import Limits, Scope
from vigie.exposure.engine.net import ScopedConnector, SocketConnector
from vigie.exposure.engine.portscan import scan_ports
from vigie.exposure.engine.workers import worker_count

PORTS = [80, 443, 81, 8443, 9443, 1433, 3306, 5000, 6379, 22]
OUTSIDE = "127.0.0.9"  # not in the test bed's scope


class LoggedConnector:
    """Forkable: appends every connect it makes, with the process id, to a file all workers share."""

    forkable = True

    def __init__(self, path: str) -> None:
        self.path = path
        self.inner = SocketConnector()

    def _log(self, address: str, port: int) -> None:
        with open(self.path, "a") as log:  # one short line per write, appended whole
            log.write(f"{os.getpid()} {address} {port}\n")

    def start(self, address: str, port: int) -> socket.socket:
        self._log(address, port)
        return self.inner.start(address, port)

    def restart(self, sock: socket.socket, address: str, port: int) -> None:
        self._log(address, port)
        self.inner.restart(sock, address, port)

    def connect(self, address: str, port: int, timeout: float) -> socket.socket:
        self._log(address, port)
        return self.inner.connect(address, port, timeout)

    def attempts(self) -> list[tuple[int, str, int]]:
        with open(self.path) as log:
            return [(int(pid), address, int(port)) for pid, address, port in (line.split() for line in log)]


def _addresses(netbed):
    return [netbed.address(name) for name in ("web", "bdd", "poste", "bastion")]


def test_workers_find_the_same_states_and_every_connect_goes_through_the_scope(netbed, tmp_path):
    scope = Scope.from_entries([netbed.network])
    logged = LoggedConnector(str(tmp_path / "attempts"))
    addresses = _addresses(netbed)
    limits = Limits(connect_timeout=0.5, retries=1, workers=2)
    reports: list[tuple[int, int, str]] = []
    sharded = scan_ports([*addresses, OUTSIDE], PORTS, connector=ScopedConnector(scope, logged), limits=limits,
                         on_progress=lambda done, total, stage: reports.append((done, total, stage)))
    alone = scan_ports(addresses, PORTS, connector=ScopedConnector(scope, SocketConnector()),
                       limits=Limits(connect_timeout=0.5, retries=1, workers=1))
    assert sharded.ports == alone.ports
    assert {(p.address, p.port): p.state for p in sharded.ports}[(netbed.address("bdd"), 3306)] == "open"
    assert [r.target for r in sharded.refused] == [OUTSIDE] and "outside" in sharded.refused[0].reason
    attempts = logged.attempts()
    assert OUTSIDE not in {address for _, address, _ in attempts}
    assert {(address, port) for _, address, port in attempts} == {(a, p) for a in addresses for p in PORTS}
    pids = {pid for pid, _, _ in attempts}
    assert len(pids) == 2 and os.getpid() not in pids  # two workers made them all
    assert set(sharded.timeouts) == set(addresses)
    total = len(addresses) * len(PORTS)
    assert reports[-1] == (total, total, "ports")
    # every report counts both workers' ports (minus the refused address's, once its worker knows)
    assert all(total <= whole <= total + len(PORTS) and done <= whole for done, whole, _ in reports)


def test_connectors_that_are_not_forkable_or_other_threads_keep_the_scan_in_process(monkeypatch):
    from tests.exposure.test_scope import CountingConnector
    scope = Scope.from_entries(["127.0.0.0/24"])
    limits = Limits(workers=4)
    assert worker_count(limits, 8, ScopedConnector(scope, SocketConnector())) == 4
    assert worker_count(limits, 3, ScopedConnector(scope, SocketConnector())) == 3  # no more than hosts
    assert worker_count(limits, 8, ScopedConnector(scope, CountingConnector())) == 1  # its count stays valid
    assert worker_count(Limits(workers=1), 8, ScopedConnector(scope, SocketConnector())) == 1
    with monkeypatch.context() as alone:  # as the CLI's process; a pytest-xdist worker runs other threads
        alone.setattr(threading, "active_count", lambda: 1)
        assert worker_count(Limits(workers=0), 8, SocketConnector()) == min(8, len(os.sched_getaffinity(0)))
    release = threading.Event()
    other = threading.Thread(target=release.wait)
    other.start()
    try:
        assert worker_count(Limits(workers=0), 8, ScopedConnector(scope, SocketConnector())) == 1
        assert worker_count(limits, 8, ScopedConnector(scope, SocketConnector())) == 4  # asked for: forks
    finally:
        release.set()
        other.join()


def _count_in(queue):
    queue.put(worker_count(Limits(workers=4), 8, ScopedConnector(Scope.from_entries(["127.0.0.0/24"]), SocketConnector())))


def test_a_daemonic_process_scans_in_process():
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    daemon = context.Process(target=_count_in, args=(queue,), daemon=True)
    daemon.start()
    try:
        assert queue.get(timeout=10) == 1  # multiprocessing would refuse to start its workers
    finally:
        daemon.join()


class FailingConnector(SocketConnector):
    def start(self, address: str, port: int) -> socket.socket:
        if address == "127.0.0.3":
            raise ValueError(f"no route planned to {address}")
        return super().start(address, port)


def test_a_failing_worker_makes_the_scan_raise_with_its_reason():
    scope = Scope.from_entries(["127.0.0.0/24"])
    with pytest.raises(RuntimeError, match="worker 1 failed: ValueError: no route planned to 127.0.0.3"):
        scan_ports(["127.0.0.2", "127.0.0.3"], [9], connector=ScopedConnector(scope, FailingConnector()),
                   limits=Limits(connect_timeout=0.2, workers=2))


class DyingConnector(SocketConnector):
    def start(self, address: str, port: int) -> socket.socket:
        if address == "127.0.0.3":
            os._exit(3)  # the worker vanishes without a word, as if killed
        return super().start(address, port)


def test_a_worker_that_vanishes_makes_the_scan_raise():
    scope = Scope.from_entries(["127.0.0.0/24"])
    with pytest.raises(RuntimeError, match=r"worker 1 exited without a result \(exit code 3\)"):
        scan_ports(["127.0.0.2", "127.0.0.3"], [9], connector=ScopedConnector(scope, DyingConnector()),
                   limits=Limits(connect_timeout=0.2, workers=2))
