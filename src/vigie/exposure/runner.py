"""The one place the app calls the engine: a full scan or a retest of one finding, on the attested scope
only, with the job's progress; and the checks run over imported observations (nmap files).

Names are resolved by the name servers of the organisation's schedule, else those of the setting
`VIGIE_EXPOSURE_NAMESERVERS` (a tuple of addresses); never by the system's resolver. Without any, names
are reported as not resolved and only addresses and ranges are scanned. The vulnerability knowledge base
is the file `VIGIE_EXPOSURE_VULNDB` (default `<VIGIE_DATA_DIR>/vulndb.sqlite3`, where `vulndb import`
writes) when present, else the curated starter set of the engine.
"""

import dataclasses
import datetime
import ipaddress
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from . import engine, scope
from .engine import Context, Resolver, Scope, VulnDB, closed_port_coverage, evaluate_service
from .models import ScopeEntry


def engine_scope(organisation):
    """The engine's Scope of the attested, unexpired entries (a host name is exact: "=name")."""
    entries = [("=" + value) if kind == ScopeEntry.Kind.HOST else value
               for kind, value in scope.targets_for(organisation)]
    return Scope.from_entries(entries)


def _resolver(organisation):
    schedule = scope.ensure_schedule(organisation)
    servers = schedule.nameserver_list() or tuple(getattr(settings, "VIGIE_EXPOSURE_NAMESERVERS", ()) or ())
    port = int(getattr(settings, "VIGIE_EXPOSURE_DNS_PORT", 53))
    return (Resolver(tuple(servers), port=port) if servers else None), schedule


def _kb():
    path = getattr(settings, "VIGIE_EXPOSURE_VULNDB", "") or Path(settings.DATA_DIR) / "vulndb.sqlite3"
    if Path(path).is_file():  # written by `vigie manage vulndb import`
        return VulnDB.open(path)
    return None


def _on_progress(progress):
    def report(done: int, total: int, message: str = "") -> None:
        percent = 5 + int(85 * done / total) if total else 5
        progress(min(percent, 90), message[:200] or _("Scanning…"))

    return report


def execute(scan, progress):
    """Run the engine for `scan` (a full scan, or a retest of `scan.finding`) and return its ScanResult."""
    progress(2, _("Checking the attested scope…"))
    attested = engine_scope(scan.organisation)
    resolver, schedule = _resolver(scan.organisation)
    kb = _kb()
    cafile = getattr(settings, "VIGIE_EXPOSURE_CAFILE", None) or None  # trust store for TLS verification
    limits = getattr(settings, "VIGIE_EXPOSURE_LIMITS", None) or engine.Limits()
    if scan.kind == scan.Kind.RETEST:
        finding = scan.finding
        is_domain = finding.port is None and not _is_address(finding.target)
        return engine.retest(finding.target, finding.port, finding.check_id, hostname=finding.hostname,
                             scope=attested, limits=limits, resolver=resolver, kb=kb,
                             domain=finding.target if is_domain else "", cafile=cafile)
    targets = [value for _kind, value in scope.targets_for(scan.organisation)]
    return engine.scan(targets, scope=attested, ports=schedule.port_list(), limits=limits, resolver=resolver,
                       kb=kb, cafile=cafile, on_progress=_on_progress(progress))


def _is_address(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


def evaluate_observations(result):
    """The result with the findings and coverage of the checks catalogue over its hosts: used for imported
    files (nmap), whose observations the engine did not make itself. A port the file shows shut covers every
    service check there, as in a scan."""
    context = Context(now=datetime.datetime.now(datetime.UTC))
    findings, coverage = list(result.findings), list(result.coverage)
    for host in result.hosts:
        for service in host.services:
            found, covered = evaluate_service(service, context)
            findings += found
            coverage += covered
        for port in host.ports:
            if port.state != "open":
                coverage += closed_port_coverage(host.address, port.port, context)
    return dataclasses.replace(result, findings=tuple(findings), coverage=tuple(coverage))
