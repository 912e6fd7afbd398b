"""The port scan's timeout adapts to each host: a port behind a 300 ms round trip is open, not filtered,
even when a fast host answering in microseconds is scanned alongside it (slow-link test bed: a real
delayed path through TUN devices and a relay, conftest.slowbed)."""

from __future__ import annotations

import pytest

from vigie.exposure.engine import Limits, Scope
from vigie.exposure.engine.net import ScopedConnector, SocketConnector
from vigie.exposure.engine.portscan import scan_ports

CLOSED = list(range(1000, 1040))
ROUND_TRIP = 0.3  # 150 ms each way on `lent`'s link


def _scan(bed, limits):
    connector = ScopedConnector(Scope.from_entries([bed.network]), SocketConnector())
    fast, slow = bed.address("rapide"), bed.address("lent")
    # the open and the dropped port come last, once each host's first answers have set its timeout
    result = scan_ports([fast, slow], [*CLOSED, 80, 81], connector=connector, limits=limits)
    return fast, slow, {(p.address, p.port): p.state for p in result.ports}, result.timeouts


@pytest.mark.parametrize("workers", [1, 2])
def test_slow_port_is_open_and_each_host_has_its_own_timeout(slowbed, workers):
    # 8 connects at a time to a host, so the slow host's later ports are tried with the timeout its first
    # answers (300 ms late) gave it. One retry, as by default, absorbs the relay's jitter on a loaded machine
    # (the relay is a Python process); it cannot rescue a timeout that did not adapt: twice the fast host's
    # (or the floor's) is still far below the round trip.
    limits = Limits(connect_timeout=2.0, min_timeout=0.05, retries=1, concurrency_per_host=8, workers=workers)
    fast, slow, states, timeouts = _scan(slowbed, limits)
    for address in (fast, slow):
        assert states[(address, 80)] == "open", address
        assert states[(address, 81)] == "filtered", address
        assert all(states[(address, port)] == "closed" for port in CLOSED), address
    # the slow host's timeout rose above its round trip, came down from the cap, and stayed its own
    assert ROUND_TRIP <= timeouts[slow] < limits.connect_timeout
    assert timeouts[fast] < timeouts[slow]


def test_a_timeout_shorter_than_the_round_trip_misses_the_slow_port(slowbed):
    # the control: the delayed path is real, and only the timeout decides between open and filtered
    fast, slow, states, _ = _scan(slowbed, Limits(connect_timeout=0.1, min_timeout=0.05, retries=0, workers=1))
    assert states[(fast, 80)] == "open"
    assert states[(slow, 80)] == "filtered"
    assert all(states[(slow, port)] == "filtered" for port in CLOSED)


def test_a_steady_link_keeps_a_margin_above_its_round_trip():
    """RFC 6298's floor on the margin: on a steady 300 ms link the variation decays to nothing, and the
    timeout must not shrink to the round trip itself (one answer a few ms late would be called filtered);
    a varying link keeps four times its variation."""
    from vigie.exposure.engine.portscan import _Host

    limits = Limits(connect_timeout=2.0, min_timeout=0.1)
    steady = _Host("198.18.0.1", [], 1, limits.connect_timeout)
    for _ in range(200):
        steady.answered(0.3, limits)
    assert steady.rttvar < 0.001 and steady.timeout == pytest.approx(0.4, abs=0.002)
    varying = _Host("198.18.0.2", [], 1, limits.connect_timeout)
    for rtt in [0.1, 0.5] * 100:
        varying.answered(rtt, limits)
    assert varying.timeout > varying.srtt + 0.5  # 4 × a variation of about 0.2 s
    fast = _Host("198.18.0.3", [], 1, limits.connect_timeout)
    fast.answered(0.0001, limits)
    assert fast.timeout == pytest.approx(0.1, abs=0.001)  # the floor for a host answering at once
