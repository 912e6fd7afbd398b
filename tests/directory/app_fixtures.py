"""Helpers for the directory app's tests: engine results built by hand, small snapshots written by the engine."""

import datetime
from pathlib import Path

from django.utils import timezone

UAC_NORMAL, UAC_DONT_EXPIRE = 0x200, 0x10000
DOMAIN_DN = "DC=ch-test,DC=local"


def rule_info(rule_id: str, level: int):
    from vigie.directory.engine import RuleInfo

    return RuleInfo(rule_id, f"vuln_{rule_id}", level, f"Contrôle {rule_id}", f"Check {rule_id}",
                    f"Description {rule_id}", f"Corriger {rule_id}")


def make_finding(rule_id: str, level: int, objects: int = 2):
    from vigie.directory.engine import AffectedObject, Finding

    affected = tuple(AffectedObject(f"CN=obj{i},{DOMAIN_DN}", f"obj{i}") for i in range(objects))
    return Finding(rule_id, f"vuln_{rule_id}", level, f"Contrôle {rule_id}", f"Check {rule_id}",
                   f"Description {rule_id}", f"Corriger {rule_id}", affected)


def make_result(failing: dict[str, int], covered: dict[str, int] | None = None, affected: int = 2):
    """An AuditResult where the rules of `failing` ({rule_id: level}) fail, out of `covered` (default: those)."""
    from vigie.directory.engine import AuditResult

    findings = tuple(make_finding(r, lvl, affected) for r, lvl in failing.items())
    level = min((f.level for f in findings), default=5)
    covered = {**(covered or {}), **failing}
    return AuditResult(
        domain="ch-test.local", domain_sid="S-1-5-21-1-2-3", domain_functional_level=7, forest_functional_level=7,
        collected_at=timezone.now(), analysed_at=timezone.now(), level=level, score=sum(f.score for f in findings),
        findings=findings, next_level_blockers=tuple(f for f in findings if f.level == level),
        covered=tuple(rule_info(r, lvl) for r, lvl in covered.items()), not_computable=("vuln_example",),
        counts={"users": 2},
    )


def write_snapshot_file(path: Path) -> Path:
    """A small directory written by the engine: the domain root and a user whose password never expires."""
    from vigie.directory.engine import (
        DirectoryObject,
        Snapshot,
        SnapshotInfo,
        write_snapshot,
    )

    now = datetime.datetime.now(datetime.UTC)
    info = SnapshotInfo(None, "vigie-ad-snapshot", 1, now, "ch-test.local", DOMAIN_DN, "S-1-5-21-1-2-3", "dc1")
    objects = (
        DirectoryObject(DOMAIN_DN, DOMAIN_DN, {"objectclass": ("top", "domain", "domainDNS"),
                                               "objectsid": ("S-1-5-21-1-2-3",), "msds-behavior-version": ("7",)}),
        DirectoryObject(f"CN=Alice,CN=Users,{DOMAIN_DN}", DOMAIN_DN, {
            "objectclass": ("top", "person", "organizationalPerson", "user"), "samaccountname": ("alice",),
            "objectsid": ("S-1-5-21-1-2-3-1105",), "useraccountcontrol": (str(UAC_NORMAL | UAC_DONT_EXPIRE),)}),
    )
    write_snapshot(Snapshot(info, objects), path)
    return path


def run_jobs():
    """Run the queued jobs here (the tests' transaction never commits, so nothing was sent to a worker)."""
    from vigie.core.jobs import run
    from vigie.core.models import Job

    for job in Job.objects.filter(status=Job.Status.QUEUED).order_by("id"):
        run(str(job.uuid))
