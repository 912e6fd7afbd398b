"""The checks registry: what a check is, how one is declared, and how the catalogue is run.

A check is a function of one observation (a `Service` or a `DomainInfo`) and the `Context`; it returns
`None` when it could not judge (the data it needs is missing: no TLS handshake, no certificate, no
version), or an iterable of `Hit`s (empty when all is well). The registry turns hits into `Finding`s and
records a `Coverage` for every check that judged, so the app only closes a finding on a run that
actually evaluated its check there.

A check is also only run when the probes it `needs` produced something:

    banner  the port is open (always true for a Service)
    tls     a TLS handshake succeeded (service.tls set, without error)
    http    at least one HTTP response was recorded
    auth    the probe determined whether the service asks for credentials (auth_required not None)
    dns     the domain was resolved (always true for a DomainInfo)
    axfr    a zone transfer was attempted (the domain has name servers)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType
from typing import TYPE_CHECKING, Literal, TypeVar

from .._model import SEVERITIES, Coverage, DomainInfo, Finding, Service, Severity

if TYPE_CHECKING:
    from ..vulndb import VulnDB

Probe = Literal["banner", "tls", "http", "auth", "dns", "axfr"]
AppliesTo = Literal["service", "domain"]
Target = TypeVar("Target", Service, DomainInfo)

_EMPTY: Mapping[str, str] = MappingProxyType({})


@dataclass(frozen=True, slots=True)
class Context:
    """What the checks need besides the observation: the clock, the knowledge base, a filter."""

    now: datetime  # timezone-aware; certificate expiry is judged against it
    kb: VulnDB | None = None  # None: the curated starter set shipped with Vigie is used
    only: frozenset[str] | None = None  # evaluate only these check ids (a retest); None: all


@dataclass(frozen=True, slots=True)
class Hit:
    """One problem a check saw; the registry adds the address, port and check's metadata."""

    evidence_key: str  # distinguishes two hits of one check on one port: a CVE id, a path, a version
    evidence: str  # for a human: "TLSv1 offered", "GET /admin/ -> 200"
    severity: Severity | None = None  # None: the check's own severity
    confidence: Literal["certain", "to_confirm"] = "certain"
    details: Mapping[str, str] = field(default_factory=lambda: _EMPTY)


ServiceFn = Callable[[Service, Context], "Iterable[Hit] | None"]
DomainFn = Callable[[DomainInfo, Context], "Iterable[Hit] | None"]


@dataclass(frozen=True, slots=True)
class Check:
    id: str  # stable: findings are keyed by it (e.g. "service.rdp", "tls.expired")
    family: str  # services, auth, tls, http, mail, dns, vulns
    title_fr: str
    title_en: str
    severity: Severity
    reference: str  # official reference where one exists (ANSSI guide, CERT Santé, RFC, CVE…), else ""
    remediation_fr: str
    remediation_en: str
    applies_to: AppliesTo
    needs: tuple[Probe, ...]
    paths: tuple[str, ...] = ()  # extra paths the HTTP probe must GET for this check
    function: Callable[..., Iterable[Hit] | None] = field(default=lambda *_: None, compare=False, repr=False)


_REGISTRY: dict[str, Check] = {}
CHECKS: Mapping[str, Check] = MappingProxyType(_REGISTRY)


def check(*, id: str, family: str, title_fr: str, title_en: str, severity: Severity, reference: str,
          remediation_fr: str, remediation_en: str, applies_to: AppliesTo = "service",
          needs: tuple[Probe, ...] = ("banner",), paths: tuple[str, ...] = ()
          ) -> Callable[[Callable[[Target, Context], Iterable[Hit] | None]],
                        Callable[[Target, Context], Iterable[Hit] | None]]:
    """Register the decorated function as check `id` (ids are unique; a duplicate is a programming error)."""
    if severity not in SEVERITIES:
        raise ValueError(f"check {id}: unknown severity {severity!r}")

    def register(function: Callable[[Target, Context], Iterable[Hit] | None]
                 ) -> Callable[[Target, Context], Iterable[Hit] | None]:
        if id in _REGISTRY:
            raise ValueError(f"check {id} is declared twice")
        _REGISTRY[id] = Check(id=id, family=family, title_fr=title_fr, title_en=title_en, severity=severity,
                              reference=reference, remediation_fr=remediation_fr,
                              remediation_en=remediation_en, applies_to=applies_to, needs=needs,
                              paths=paths, function=function)
        return function

    return register


def _service_has(service: Service, probe: Probe) -> bool:
    if probe == "tls":
        return service.tls is not None and not service.tls.error
    if probe == "http":
        return bool(service.http)
    if probe == "auth":
        return service.auth_required is not None
    return probe == "banner"


def _domain_has(domain: DomainInfo, probe: Probe) -> bool:
    if probe == "axfr":
        return bool(domain.nameservers)
    return probe == "dns"


def _selected(applies_to: AppliesTo, context: Context) -> list[Check]:
    return [c for c in _REGISTRY.values()
            if c.applies_to == applies_to and (context.only is None or c.id in context.only)]


def evaluate_service(service: Service, context: Context) -> tuple[tuple[Finding, ...], tuple[Coverage, ...]]:
    """Run every selected service check on one service: its findings, and the checks that judged it."""
    findings: list[Finding] = []
    coverage: list[Coverage] = []
    for item in _selected("service", context):
        if not all(_service_has(service, probe) for probe in item.needs):
            continue
        hits = item.function(service, context)
        if hits is None:
            continue
        coverage.append(Coverage(check_id=item.id, target=service.address, port=service.port))
        for hit in hits:
            findings.append(Finding(
                check_id=item.id, severity=hit.severity or item.severity, address=service.address,
                port=service.port, evidence_key=hit.evidence_key, evidence=hit.evidence,
                hostname=service.hostname, confidence=hit.confidence, details=hit.details))
    return tuple(findings), tuple(coverage)


def evaluate_domain(domain: DomainInfo, context: Context) -> tuple[tuple[Finding, ...], tuple[Coverage, ...]]:
    """Run every selected domain check on one domain."""
    findings: list[Finding] = []
    coverage: list[Coverage] = []
    for item in _selected("domain", context):
        if not all(_domain_has(domain, probe) for probe in item.needs):
            continue
        hits = item.function(domain, context)
        if hits is None:
            continue
        coverage.append(Coverage(check_id=item.id, target=domain.name))
        for hit in hits:
            findings.append(Finding(
                check_id=item.id, severity=hit.severity or item.severity, address="", port=None,
                evidence_key=hit.evidence_key, evidence=hit.evidence, domain=domain.name,
                confidence=hit.confidence, details=hit.details))
    return tuple(findings), tuple(coverage)


def closed_port_coverage(address: str, port: int, context: Context) -> tuple[Coverage, ...]:
    """A port found closed or filtered: every selected service check is covered there (nothing is exposed),
    so a retest of a finding on a port that was shut can verify it."""
    return tuple(Coverage(check_id=c.id, target=address, port=port) for c in _selected("service", context))


def http_paths() -> tuple[str, ...]:
    """The extra paths (besides "/") the HTTP probe must GET for the checks, in a stable order."""
    seen: dict[str, None] = {}
    for item in _REGISTRY.values():
        for path in item.paths:
            seen.setdefault(path, None)
    return tuple(seen)


def probes_needed(check_ids: Iterable[str]) -> frozenset[str]:
    """The probes a retest of these checks must run (unknown ids are ignored)."""
    return frozenset(probe for cid in check_ids if cid in _REGISTRY for probe in _REGISTRY[cid].needs)
