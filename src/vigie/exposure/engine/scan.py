"""The scanner's two entry points: `scan` (discovery -> port scan -> probes -> checks) and `retest`
(one check, one host, one port). Everything reaches the network through one `ScopedConnector` and one
`Resolver` with explicit name servers; anything outside the scope becomes a `Refusal`, never a packet."""

from __future__ import annotations

import importlib
import ipaddress
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import datetime, timezone
from importlib import resources
from types import ModuleType
from typing import Any

from ._model import Coverage, DomainInfo, Finding, Host, PortState, Refusal, ScanResult, Service
from .discovery import default_wordlist, discover_domain, resolve_name, reverse_names
from .errors import OutOfScope, ScopeError, TargetError
from .limits import Limits
from .net import Connector, Resolver, ScopedConnector, SocketConnector
from .portscan import scan_ports
from .probes import identify
from .scope import Scope, normalise_name

Progress = Callable[[int, int, str], None]


def default_ports() -> tuple[int, ...]:
    """Vigie's default TCP ports (data/ports.txt): nmap's most frequent 1,000 plus hospital services."""
    text = resources.files("vigie.exposure.engine").joinpath("data/ports.txt").read_text(encoding="utf-8")
    return tuple(dict.fromkeys(int(line.split()[0]) for line in text.splitlines() if line and not line.startswith("#")))


def _checks() -> ModuleType | None:
    """The checks catalogue (engine/checks), when installed."""
    try:
        return importlib.import_module("vigie.exposure.engine.checks")
    except ModuleNotFoundError as exc:
        if exc.name and exc.name.startswith("vigie.exposure.engine.checks"):
            return None
        raise


def _context(checks: ModuleType, kb: Any, only: Iterable[str] | None) -> Any:
    return checks.Context(now=datetime.now(timezone.utc), kb=kb, only=frozenset(only) if only is not None else None)


def _http_paths(checks: ModuleType | None) -> tuple[str, ...]:
    return tuple(checks.http_paths()) if checks is not None else ()


def _parse_target(target: str, scope: Scope, limits: Limits, refused: list[Refusal]) -> tuple[list[str], list[str]]:
    """(addresses, names) a target stands for, in scope; the rest refused."""
    text = target.strip()
    try:
        if "/" in text or ":" in text or text.replace(".", "").isdigit():
            network = ipaddress.ip_network(text, strict=False)
            cap = 2 ** (32 - 20) if network.version == 4 else 2 ** (128 - 120)
            if network.num_addresses > min(cap, limits.max_addresses):
                refused.append(Refusal(text, f"range too large ({network.num_addresses} addresses, at most {min(cap, limits.max_addresses)})"))
                return [], []
            hosts = [str(ip) for ip in (network.hosts() if network.num_addresses > 2 else network)]
            inside = [a for a in hosts if scope.contains_address(a)]
            if len(inside) < len(hosts):
                refused.append(Refusal(text, f"{len(hosts) - len(inside)} address(es) outside the scope"))
            return inside, []
    except ValueError as exc:
        raise TargetError(text, f"not an address or range ({exc})") from None
    try:
        name = normalise_name(text)
    except ScopeError as exc:
        raise TargetError(text, exc.reason) from None
    if not scope.contains_name(name):
        refused.append(Refusal(text, "name outside the declared domains and host names"))
        return [], []
    return [], [name]


def scan(
    targets: Sequence[str],
    *,
    scope: Scope,
    ports: Sequence[int] | None = None,
    limits: Limits = Limits(),
    resolver: Resolver | None = None,
    connector: Connector | None = None,
    kb: Any = None,
    only_checks: Iterable[str] | None = None,
    names: Iterable[str] = (),
    wordlist: Iterable[str] | None = None,
    on_progress: Progress | None = None,
    cafile: str | None = None,
) -> ScanResult:
    """Scan `targets` (domains, names, addresses, ranges) within `scope`. `names`: an imported list of
    names (CT export…), followed when in scope; `wordlist`: subdomain words (None: the shipped list).
    Without a resolver, names cannot be resolved and are reported as errors."""
    started = datetime.now(timezone.utc)
    progress = on_progress or (lambda done, total, message: None)
    scoped = ScopedConnector(scope, connector or SocketConnector())
    refused: list[Refusal] = []
    errors: list[str] = []
    addresses: dict[str, set[str]] = {}  # address -> in-scope names reaching it
    wanted_names: list[str] = []
    for target in targets:
        found_addresses, found_names = _parse_target(target, scope, limits, refused)
        for address in found_addresses:
            addresses.setdefault(address, set())
        wanted_names.extend(found_names)
    imported: list[str] = []
    for raw in names:
        try:
            name = normalise_name(raw)
        except ScopeError:
            continue
        if scope.contains_name(name):
            imported.append(name)
        else:
            refused.append(Refusal(name, "imported name outside the scope"))
    words = tuple(wordlist) if wordlist is not None else default_wordlist()
    domains: list[DomainInfo] = []
    all_names: list[str] = list(dict.fromkeys(wanted_names + imported))
    if resolver is None and all_names:
        errors.append("no name server given: names were not resolved")
    elif resolver is not None:
        declared = [n for n in wanted_names if n in scope.domains]
        for index, domain in enumerate(declared):
            progress(index, len(declared), "dns")
            info, subnames = discover_domain(resolver, scope, domain, wordlist=words, extra_names=imported, refused=refused)
            domains.append(info)
            all_names.extend(sorted(subnames))
        for name in dict.fromkeys(all_names):
            _add_name(resolver, scope, name, addresses, refused)
    reverse: dict[str, str] = {}
    asked: set[str] = set()
    if resolver is not None:  # reverse DNS of every in-scope address: PTR names in scope are followed
        progress(0, 1, "reverse dns")
        asked = set(addresses)
        reverse = reverse_names(resolver, scope, sorted(asked), workers=limits.probe_concurrency)
        _follow_reverse_names(resolver, scope, reverse, all_names, addresses, refused)
    result_hosts, probed, more_refused = _scan_addresses(addresses, scope, scoped, ports, limits, progress,
                                                         _http_paths(_checks()), cafile)
    refused.extend(more_refused)
    if resolver is not None:  # names read in certificates: resolve and scan the new addresses once
        cert_names = {n for h in result_hosts for s in h.services if s.tls for c in s.tls.chain[:1] for n in c.names}
        new_names = [n for n in sorted(cert_names) if not n.startswith("*") and n not in all_names and scope.contains_name(n)]
        known = set(addresses)
        extra: dict[str, set[str]] = {}
        for name in new_names:
            _add_name(resolver, scope, name, extra, refused)
        for address, found in extra.items():
            if address in addresses:
                addresses[address] |= found
        fresh = {a: n for a, n in extra.items() if a not in known}
        domains = [replace(d, subdomains=tuple(sorted(set(d.subdomains) | {n for n in new_names if n.endswith("." + d.name)}))) for d in domains]
        if fresh:
            more_hosts, more_probed, again = _scan_addresses(fresh, scope, scoped, ports, limits, progress,
                                                             _http_paths(_checks()), cafile)
            result_hosts += more_hosts
            probed += more_probed
            refused.extend(again)
        reverse |= reverse_names(resolver, scope, [h.address for h in result_hosts if h.address not in asked],
                                 workers=limits.probe_concurrency)
        result_hosts = tuple(replace(h, names=tuple(sorted(addresses.get(h.address, set()) | set(h.names))),
                                     reverse_name=reverse.get(h.address, "")) for h in result_hosts)
    findings, coverage = _evaluate(result_hosts, domains, kb, only_checks)
    progress(1, 1, "done")
    return ScanResult(started=started, finished=datetime.now(timezone.utc), targets=tuple(targets),
                      hosts=tuple(result_hosts), domains=tuple(domains), findings=findings, coverage=coverage,
                      refused=tuple(dict.fromkeys(refused)), errors=tuple(errors), ports_probed=probed)


def _follow_reverse_names(resolver: Resolver, scope: Scope, reverse: dict[str, str], known: list[str],
                          addresses: dict[str, set[str]], refused: list[Refusal]) -> None:
    """An in-scope PTR name is resolved like any discovered name (it joins the host's names when it
    points back to it); one outside the scope is only recorded (Host.reverse_name), never resolved."""
    for address, raw in reverse.items():
        try:
            name = normalise_name(raw)
        except ScopeError as exc:
            refused.append(Refusal(f"{raw} (PTR of {address})", f"reverse name not followed: {exc.reason}"))
            continue
        if not scope.contains_name(name):
            refused.append(Refusal(f"{name} (PTR of {address})",
                                   "reverse name outside the scope: recorded, not resolved nor scanned"))
        elif name not in known:
            known.append(name)
            _add_name(resolver, scope, name, addresses, refused)


def _add_name(resolver: Resolver, scope: Scope, name: str, addresses: dict[str, set[str]], refused: list[Refusal]) -> None:
    for address in resolve_name(resolver, scope, name, refused):
        if scope.contains_address(address):
            addresses.setdefault(address, set()).add(name)
        else:
            refused.append(Refusal(f"{name} -> {address}", "the name resolves to an address outside the scope"))


def _scan_addresses(addresses: dict[str, set[str]], scope: Scope, connector: ScopedConnector, ports: Sequence[int] | None,
                    limits: Limits, progress: Progress, http_paths: tuple[str, ...],
                    cafile: str | None) -> tuple[tuple[Host, ...], int, list[Refusal]]:
    refused: list[Refusal] = []
    ordered = sorted(addresses, key=lambda a: (ipaddress.ip_address(a).version, ipaddress.ip_address(a)))
    if len(ordered) > limits.max_addresses:
        refused.extend(Refusal(a, f"more than {limits.max_addresses} addresses in one scan") for a in ordered[limits.max_addresses:])
        ordered = ordered[:limits.max_addresses]
    port_list = tuple(ports) if ports is not None else default_ports()
    states = scan_ports(ordered, port_list, connector=connector, limits=limits, on_progress=progress)
    refused.extend(states.refused)
    jobs = [(a, p, min(addresses[a]) if addresses[a] else "") for a in ordered for p in states.open(a)]
    services: dict[tuple[str, int], Service] = {}
    with ThreadPoolExecutor(max_workers=max(1, limits.probe_concurrency)) as pool:
        futures = [pool.submit(identify, a, p, hostname=h, connector=connector, scope=scope, limits=limits,
                               http_paths=http_paths, cafile=cafile) for a, p, h in jobs]
        for index, future in enumerate(futures):
            service, refusals = future.result()
            services[(service.address, service.port)] = service
            refused.extend(refusals)
            progress(index + 1, len(futures), "services")
    hosts = tuple(
        Host(address=a, names=tuple(sorted(addresses[a])),
             ports=tuple(s for s in states.ports if s.address == a),
             services=tuple(services[(a, p)] for p in states.open(a) if (a, p) in services))
        for a in ordered
    )
    return hosts, len(states.ports), refused


def _evaluate(hosts: Iterable[Host], domains: Iterable[DomainInfo], kb: Any,
              only: Iterable[str] | None) -> tuple[tuple[Finding, ...], tuple[Coverage, ...]]:
    checks = _checks()
    if checks is None:
        return (), ()
    context = _context(checks, kb, only)
    findings: list[Finding] = []
    coverage: list[Coverage] = []
    for host in hosts:
        for service in host.services:
            found, covered = checks.evaluate_service(service, context)
            findings.extend(found)
            coverage.extend(covered)
    for domain in domains:
        found, covered = checks.evaluate_domain(domain, context)
        findings.extend(found)
        coverage.extend(covered)
    return tuple(findings), tuple(coverage)


def retest(address: str, port: int | None, check_id: str, *, hostname: str = "", scope: Scope,
           limits: Limits = Limits(), resolver: Resolver | None = None, connector: Connector | None = None,
           kb: Any = None, domain: str = "", cafile: str | None = None) -> ScanResult:
    """Re-run only what check `check_id` needs, on `address`:`port` only (or on `domain` for a domain
    check), and report the findings and coverage of that check alone."""
    started = datetime.now(timezone.utc)
    checks = _checks()
    if checks is None or check_id not in checks.CHECKS:
        raise TargetError(check_id, "unknown check")
    check = checks.CHECKS[check_id]
    context = _context(checks, kb, (check_id,))
    refused: list[Refusal] = []
    if check.applies_to == "domain":
        if resolver is None:
            raise TargetError(domain or address, "a domain retest needs a name server")
        name = normalise_name(domain or address)
        try:
            scope.check_name(name)
        except OutOfScope as exc:
            return ScanResult(started, datetime.now(timezone.utc), (name,), refused=(Refusal(name, exc.reason),))
        info, _ = discover_domain(resolver, scope, name, wordlist=(), refused=refused)
        found, covered = checks.evaluate_domain(info, context)
        return ScanResult(started, datetime.now(timezone.utc), (name,), domains=(info,), findings=tuple(found),
                          coverage=tuple(covered), refused=tuple(refused))
    if port is None:
        raise TargetError(address, "a service retest needs a port")
    target = f"{address}:{port}"
    try:
        scope.check_address(address)
        if hostname:
            scope.check_name(hostname)
    except OutOfScope as exc:
        return ScanResult(started, datetime.now(timezone.utc), (target,), refused=(Refusal(exc.target, exc.reason),))
    scoped = ScopedConnector(scope, connector or SocketConnector())
    states = scan_ports([address], [port], connector=scoped, limits=limits)
    state = states.ports[0] if states.ports else PortState(address, port, "filtered")
    if state.state != "open":
        covered = tuple(checks.closed_port_coverage(address, port, context))
        host = Host(address, names=(hostname,) if hostname else (), ports=(state,))
        return ScanResult(started, datetime.now(timezone.utc), (target,), hosts=(host,), coverage=covered, ports_probed=1)
    needs = frozenset(check.needs)
    paths = tuple(check.paths) if "http" in needs else ()
    service, refusals = identify(address, port, hostname=hostname, connector=scoped, scope=scope, limits=limits,
                                 http_paths=paths, cafile=cafile, wanted=needs)
    found, covered = checks.evaluate_service(service, context)
    host = Host(address, names=(hostname,) if hostname else (), ports=(state,), services=(service,))
    return ScanResult(started, datetime.now(timezone.utc), (target,), hosts=(host,), findings=tuple(found),
                      coverage=tuple(covered), refused=tuple(refusals), ports_probed=1)
