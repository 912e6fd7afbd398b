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
    """The result with the findings and coverage of the engine's checks over its hosts, when the engine
    can evaluate observations it did not make itself."""
    from . import engine

    evaluate = getattr(engine, "evaluate", None)
    return evaluate(result) if evaluate is not None else result
