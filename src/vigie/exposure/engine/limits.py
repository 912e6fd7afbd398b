"""How hard and how long the engine may push: one frozen value passed to every part."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Limits:
    connect_timeout: float = 1.0  # seconds before an unanswered connect is retried, then "filtered"
    min_timeout: float = 0.1  # the least margin above a host's smoothed round trip (srtt + max(4 rttvar, this))
    read_timeout: float = 3.0  # seconds a probe waits for a banner or an answer
    concurrency: int = 1024  # connects in flight at once, all hosts together
    concurrency_per_host: int = 256  # connects in flight at once to one host
    rate_per_host: float = 0.0  # new connects per second to one host (0: no cap)
    retries: int = 1  # extra attempts for a connect that stayed silent
    max_addresses: int = 4096  # a scan refuses to expand to more addresses than this
    probe_concurrency: int = 32  # services identified at once (threads)
    workers: int = 0  # port-scan processes, hosts dealt among them; 0: one per CPU (in-process if threads run), 1: none
