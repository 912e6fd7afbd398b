"""The one place the app calls the engine: a full scan or a retest of one finding, on the attested scope
only, with the job's progress; and the checks run over imported observations (nmap files)."""

from django.utils.translation import gettext as _

from . import scope


def _on_progress(progress):
    def report(done: int, total: int, message: str = "") -> None:
        percent = 5 + int(85 * done / total) if total else 5
        progress(min(percent, 90), message[:200] or _("Scanning…"))

    return report


def execute(scan, progress):
    """Run the engine for `scan` (a full scan, or a retest of `scan.finding`) and return its ScanResult."""
    from . import engine

    targets = scope.targets_for(scan.organisation)
    progress(2, _("Checking the attested scope…"))
    if scan.kind == scan.Kind.RETEST:
        finding = scan.finding
        return engine.retest(targets, check_id=finding.check_id, address=finding.target, port=finding.port,
                             hostname=finding.hostname, on_progress=_on_progress(progress))
    return engine.scan(targets, on_progress=_on_progress(progress))


def evaluate_observations(result):
    """The result with the findings and coverage of the checks catalogue over its hosts: used for imported
    files (nmap), whose observations the engine did not make itself. A port the file shows shut covers every
    service check there, as in a scan."""
    import dataclasses
    import datetime

    from .engine.checks import Context, closed_port_coverage, evaluate_service

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
