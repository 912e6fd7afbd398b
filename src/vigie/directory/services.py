"""What the directory app does, for its views, API, jobs and commands, and what other apps may call.

- `start_audit()` creates the Audit row and its background job; `run_audit()` is the job's body: collect
  (live) or load (uploaded snapshot), analyse with the engine, store the result, then the hooks: each
  failing check raises a PAQ action, a check that passes again closes it, the "ad-audit" deadline is
  recorded.
- `accept_snapshot()` checks an upload (size, gzip/JSON type, the engine can read it) before anything is
  stored.
- `claim_due_directories()` picks the directories whose scheduled audit is due, one claim per directory
  even with several runners (conditional update on `next_due`).
- `audit_within()` / `care_directory_status()`: the CaRE helper "last audit within N days with level ≥ L";
  `latest_and_care_audits()` answers it with the latest audit for a page of directories in two queries.
"""

import datetime
import hashlib
import json
import logging
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from vigie.actions.services import close_action, raise_action, record_completion
from vigie.core.scoping import scoped
from vigie.core.jobs import enqueue
from vigie.directory.engine import (
    ConnectionSettings,
    DirectoryError,
    SnapshotError,
    analyse,
    collect,
    load_snapshot,
    render_html,
    to_json,
)

from .crypto import CredentialsError
from .models import Audit, Directory, Finding

log = logging.getLogger(__name__)
JOB_KIND = "directory.audit"
ACTION_SOURCE = "audit_check"  # vigie.actions.models.Source.AUDIT_CHECK
DEADLINE = "ad-audit"
# CaRE D2.O3.A: a directory at ANSSI level ≥ 3 in an audit less than 60 days old (the framework file's rule).
CARE_DAYS, CARE_LEVEL = 60, 3
SNAPSHOT_SUFFIX = ".jsonl.gz"
GZIP_MAGIC = b"\x1f\x8b"


class AuditRefused(Exception):
    """A request the rules refuse (bad upload, no server to collect from); the message is shown as is."""


# --- files -------------------------------------------------------------------------------------------------


def media(relative: str) -> Path:
    return Path(settings.MEDIA_ROOT) / relative


def _relative(path: Path) -> str:
    return str(path.relative_to(Path(settings.MEDIA_ROOT)))


def snapshot_path_for(audit: Audit) -> Path:
    path = Path(settings.MEDIA_ROOT) / "directory" / "snapshots" / f"{audit.uuid}{SNAPSHOT_SUFFIX}"
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def report_path_for(audit: Audit, suffix: str) -> Path:
    path = Path(settings.MEDIA_ROOT) / "directory" / "reports" / f"{audit.uuid}{suffix}"
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def max_snapshot_bytes() -> int:
    return settings.VIGIE_MAX_SNAPSHOT_BYTES


# --- starting audits ---------------------------------------------------------------------------------------


def accept_snapshot(upload) -> Path:
    """Copy an uploaded snapshot to a temporary file and check it: size, type (gzip or JSON lines), and that
    the engine reads it. Returns the temporary path; AuditRefused (with the engine's message) otherwise."""
    if upload.size > max_snapshot_bytes():
        raise AuditRefused(_("The snapshot is too large (%(size)d MB; at most %(max)d MB).") % {
            "size": upload.size // (1024 * 1024), "max": max_snapshot_bytes() // (1024 * 1024)})
    head = upload.read(2)
    upload.seek(0)
    if head != GZIP_MAGIC and not head.startswith(b"{"):
        raise AuditRefused(_("This is not a Vigie directory snapshot (a .jsonl.gz file written by "
                             "“vigie audit ad” or by an audit here)."))
    with tempfile.NamedTemporaryFile(prefix="vigie-snapshot-", suffix=SNAPSHOT_SUFFIX, delete=False) as handle:
        for chunk in upload.chunks():
            handle.write(chunk)
    path = Path(handle.name)
    try:
        load_snapshot(path)
    except DirectoryError as exc:
        path.unlink(missing_ok=True)
        detail = getattr(exc, "message", "") or str(exc)
        line = getattr(exc, "line", 0)
        if line:
            raise AuditRefused(_("The snapshot cannot be read (line %(line)d): %(detail)s") % {
                "line": line, "detail": detail}) from None
        raise AuditRefused(_("The snapshot cannot be read: %(detail)s") % {"detail": detail}) from None
    return path


def start_audit(directory: Directory, user, source: str = Audit.Source.LIVE, snapshot: Path | None = None) -> Audit:
    """Create the audit and enqueue its job (sent once committed). An uploaded snapshot is moved under
    MEDIA_ROOT with its SHA-256 first."""
    if snapshot is None and not directory.server:
        raise AuditRefused(_("This directory has no server to collect from: upload a snapshot instead."))
    with transaction.atomic():
        audit = Audit.objects.create(organisation=directory.organisation, directory=directory, source=source,
                                     created_by=user if getattr(user, "pk", None) else None)
        if snapshot is not None:
            target = snapshot_path_for(audit)
            shutil.move(str(snapshot), target)
            target.chmod(0o600)
            audit.snapshot_file = _relative(target)
            audit.snapshot_sha256 = sha256_of(target)
            audit.snapshot_size = target.stat().st_size
        job = enqueue(JOB_KIND, organisation=directory.organisation, user=user if getattr(user, "pk", None) else None,
                      params={"audit": str(audit.uuid)})
        audit.job = job
        audit.save()
    return audit


# --- running audits (the job) ------------------------------------------------------------------------------


def connection_settings(directory: Directory, ca_file: Path | None):
    return ConnectionSettings(
        server=directory.server, port=directory.port, security=directory.security, auth=directory.auth_method,
        username=directory.username, password=directory.get_password(), base_dn=directory.base_dn or None,
        ca_file=ca_file, verify_tls=directory.verify_certificate, kerberos_host=directory.kerberos_host or None,
    )


def _collect(audit: Audit, progress) -> Path:
    directory = audit.directory
    target = snapshot_path_for(audit)

    def on_progress(*args, **kwargs) -> None:
        text = " ".join(str(a) for a in args if not isinstance(a, (int, float)))[:200]
        numbers = [a for a in args if isinstance(a, (int, float))]
        percent = 10
        if len(numbers) >= 2 and numbers[1]:
            percent = 10 + int(60 * min(1.0, numbers[0] / numbers[1]))
        elif len(numbers) == 1 and 0 <= numbers[0] <= 1:
            percent = 10 + int(60 * numbers[0])
        progress(percent, text or _("Collecting…"))

    with tempfile.TemporaryDirectory(prefix="vigie-ca-") as tmp:
        ca_file = None
        if directory.ca_certificate.strip():
            ca_file = Path(tmp) / "ca.pem"
            ca_file.write_text(directory.ca_certificate)
        collect(connection_settings(directory, ca_file), target, on_progress=on_progress)
    target.chmod(0o600)
    return target


def run_audit(audit: Audit, progress) -> Audit:
    """Collect (live) or load (upload), analyse, store, then the hooks. Engine errors fail the audit with
    the engine's message; a snapshot that cannot be read leaves nothing stored."""
    Audit.objects.filter(pk=audit.pk).update(status=Audit.Status.RUNNING, started_at=timezone.now())
    try:
        if audit.source != Audit.Source.UPLOAD:
            progress(5, _("Connecting to %(server)s…") % {"server": audit.directory.server})
            path = _collect(audit, progress)
            audit.snapshot_file = _relative(path)
            audit.snapshot_sha256 = sha256_of(path)
            audit.snapshot_size = path.stat().st_size
        path = media(audit.snapshot_file)
        progress(75, _("Analysing the snapshot…"))
        result = analyse(load_snapshot(path))
    except SnapshotError as exc:
        if audit.source == Audit.Source.UPLOAD:  # nothing is kept of a snapshot the engine cannot read
            media(audit.snapshot_file).unlink(missing_ok=True)
            audit.delete()
        else:
            _fail(audit, str(exc))
        raise
    except (DirectoryError, CredentialsError) as exc:
        _fail(audit, str(exc))
        raise
    progress(90, _("Storing the results…"))
    store_result(audit, result)
    apply_hooks(audit)
    return audit


def _fail(audit: Audit, message: str) -> None:
    audit.status = Audit.Status.FAILED
    audit.message = message[:500]
    audit.finished_at = timezone.now()
    audit.save()


def _as_dict(result) -> dict:
    data = to_json(result)
    if isinstance(data, bytes):
        data = data.decode()
    return json.loads(data) if isinstance(data, str) else data


def _affected(finding) -> list[dict]:
    return [{"dn": getattr(o, "dn", str(o)), "name": getattr(o, "name", ""), "detail": getattr(o, "detail", "")}
            for o in finding.affected]


def store_result(audit: Audit, result) -> Audit:
    """Store the engine's AuditResult on the audit: level, score, counts, JSON, the technical report, and one
    Finding row per failing check. All or nothing."""
    blockers = [f.rule_id for f in result.next_level_blockers]
    by_level: dict[str, int] = {}
    for finding in result.findings:
        by_level[str(finding.level)] = by_level.get(str(finding.level), 0) + 1
    report = report_path_for(audit, ".html")
    report.write_text(render_html(result), encoding="utf-8")
    with transaction.atomic():
        audit.findings.all().delete()
        Finding.objects.bulk_create([
            Finding(organisation=audit.organisation, audit=audit, rule_id=f.rule_id, anssi_id=f.anssi_id,
                    level=f.level, title_fr=f.title_fr[:300], title_en=f.title_en[:300], description=f.description,
                    recommendation=f.recommendation, score=getattr(f, "score", 0), affected_count=len(f.affected),
                    affected=_affected(f), blocks_next_level=f.rule_id in blockers)
            for f in result.findings
        ])
        audit.level = result.level
        audit.score = result.score
        audit.failing_count = len(result.findings)
        audit.covered_count = len(result.covered)
        audit.failing_by_level = by_level
        audit.blockers = blockers
        audit.counts = dict(getattr(result, "counts", {}) or {})
        audit.result = _as_dict(result)
        audit.report_file = _relative(report)
        audit.status = Audit.Status.DONE
        audit.message = ""
        audit.finished_at = timezone.now()
        audit.save()
    return audit


# --- hooks: the action plan and the deadlines calendar -----------------------------------------------------


PRIORITY_BY_LEVEL = {1: "critical", 2: "high", 3: "medium", 4: "low", 5: "low"}


def action_key(directory: Directory, rule_id: str) -> str:
    return f"directory:check:{directory.uuid}:{rule_id}"


def covered_rules(audit: Audit) -> set[str] | None:
    """Rule ids the audit evaluated (None when the stored result does not say)."""
    covered = (audit.result or {}).get("covered")
    if not isinstance(covered, list):
        return None
    return {c.get("rule_id") if isinstance(c, dict) else str(c) for c in covered}


def apply_hooks(audit: Audit) -> None:
    """Each failing check raises (or reopens) its PAQ action; a check that failed in the previous audit of the
    directory and passes now closes it; the "ad-audit" deadline is recorded as done on the audit's day."""
    directory = audit.directory
    failing = set()
    for finding in audit.findings.all():
        failing.add(finding.rule_id)
        raise_action(
            organisation=directory.organisation, source=ACTION_SOURCE, source_key=action_key(directory, finding.rule_id),
            title=_("AD %(domain)s: %(title)s") % {"domain": directory.domain, "title": finding.title_fr},
            description=_("%(description)s\n\nRecommendation: %(recommendation)s\n\nANSSI checkpoint %(anssi)s, "
                          "level %(level)d, %(count)d affected object(s). Audit: %(url)s") % {
                "description": finding.description, "recommendation": finding.recommendation,
                "anssi": finding.anssi_id or "—", "level": finding.level, "count": finding.affected_count,
                "url": audit.get_absolute_url()},
            priority=PRIORITY_BY_LEVEL.get(finding.level, "medium"),
        )
    previous = (Audit.objects.filter(directory=directory, status=Audit.Status.DONE, finished_at__lt=audit.finished_at)
                .exclude(pk=audit.pk).order_by("-finished_at").first())
    if previous is not None:
        covered = covered_rules(audit)
        for rule_id in previous.findings.values_list("rule_id", flat=True):
            if rule_id not in failing and (covered is None or rule_id in covered):
                close_action(directory.organisation, ACTION_SOURCE, action_key(directory, rule_id),
                             reason=_("the audit of %(date)s passes this check") % {
                                 "date": timezone.localtime(audit.finished_at).date().isoformat()})
    record_deadline(audit)


def record_deadline(audit: Audit):
    """Record "ad-audit" for the directory's organisation, or the nearest parent it applies to (a site's
    directory counts for its legal entity)."""
    org = audit.directory.organisation
    day = timezone.localtime(audit.finished_at).date()
    while org is not None:
        try:
            return record_completion(org, DEADLINE, when=day, reference=_("AD audit %(uuid)s") % {"uuid": audit.uuid})
        except ValidationError:
            org = org.parent
    return None


# --- schedule ----------------------------------------------------------------------------------------------


def claim_due_directories(today: datetime.date | None = None) -> list[Directory]:
    """Directories whose scheduled audit is due, each claimed by moving `next_due` forward with a
    conditional update (only the runner that changes the row gets it)."""
    today = today or timezone.localdate()
    claimed = []
    due = Directory.objects.filter(scheduled=True, next_due__lte=today).exclude(server="").order_by("next_due", "id")
    for directory in due.select_related("organisation"):
        following = directory.following_due(today)
        if Directory.objects.filter(pk=directory.pk, next_due=directory.next_due).update(next_due=following) == 1:
            directory.next_due = following
            claimed.append(directory)
    return claimed


def run_due_audits(today: datetime.date | None = None) -> list[Audit]:
    audits = []
    for directory in claim_due_directories(today):
        audits.append(start_audit(directory, None, source=Audit.Source.SCHEDULE))
    return audits


# --- CaRE helpers ------------------------------------------------------------------------------------------


def audit_within(directory: Directory, days: int, min_level: int = 1, as_of: datetime.date | None = None):
    """The latest finished audit of `directory` at most `days` old on `as_of` with level ≥ `min_level`,
    or None: "last audit within N days with level ≥ L"."""
    as_of = as_of or timezone.localdate()
    end = timezone.make_aware(datetime.datetime.combine(as_of + datetime.timedelta(days=1), datetime.time()))
    start = end - datetime.timedelta(days=days + 1)
    return (Audit.objects.filter(directory=directory, status=Audit.Status.DONE, finished_at__gte=start,
                                 finished_at__lt=end, level__gte=min_level)
            .order_by("-finished_at").first())


@dataclass(frozen=True, slots=True)
class CareStatus:
    directory: Directory
    audit: Audit | None

    @property
    def ok(self) -> bool:
        return self.audit is not None


def care_directory_status(directories, days: int, min_level: int, as_of: datetime.date | None = None):
    return [CareStatus(d, audit_within(d, days, min_level, as_of)) for d in directories]


def latest_and_care_audits(directories, days: int, min_level: int, as_of: datetime.date | None = None):
    """[(CareStatus, latest finished audit or None)] for a page of directories in two queries whatever their
    number: the ids of both audits per directory as subqueries (each an index read), then the audits."""
    as_of = as_of or timezone.localdate()
    end = timezone.make_aware(datetime.datetime.combine(as_of + datetime.timedelta(days=1), datetime.time()))
    start = end - datetime.timedelta(days=days + 1)
    done = Audit.objects.filter(directory=OuterRef("pk"), status=Audit.Status.DONE).order_by("-finished_at")
    care = done.filter(finished_at__gte=start, finished_at__lt=end, level__gte=min_level)
    ids = {pk: (last, ok) for pk, last, ok in Directory.objects.filter(pk__in=[d.pk for d in directories])
           .annotate(last=Subquery(done.values("pk")[:1]), ok=Subquery(care.values("pk")[:1]))
           .values_list("pk", "last", "ok")}
    wanted = {audit_id for pair in ids.values() for audit_id in pair if audit_id is not None}
    audits = Audit.objects.in_bulk(wanted) if wanted else {}
    rows = []
    for directory in directories:
        last, ok = ids.get(directory.pk, (None, None))
        rows.append((CareStatus(directory, audits.get(ok)), audits.get(last)))
    return rows


def trend(directory: Directory, limit: int = 12) -> list[Audit]:
    """The last finished audits, oldest first, for the trend chart."""
    rows = list(Audit.objects.filter(directory=directory, status=Audit.Status.DONE)
                .order_by("-finished_at")[:limit])
    return rows[::-1]


def level_history(organisation, user, since: datetime.date) -> list[tuple[str, datetime.date, int]]:
    """The finished audits of the directories of an establishment and its sites since a date, as (directory
    name, date, level), by directory then date: what the steering app draws as levels over time."""
    start = timezone.make_aware(datetime.datetime.combine(since, datetime.time()))
    audits = scoped(Audit.objects.filter(organisation__path__startswith=organisation.path, status=Audit.Status.DONE,
                                         finished_at__gte=start, level__isnull=False), user, "view")
    rows = audits.order_by("directory__name", "directory_id", "finished_at").values_list(
        "directory__name", "finished_at", "level")
    return [(name, timezone.localdate(finished), level) for name, finished, level in rows]
