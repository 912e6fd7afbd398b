"""What the exposure app does, for its views, API, jobs and commands, and what other apps may call.

- `start_scan()` / `start_retest()` create the Scan row and its background job; `run_scan()` is the job's
  body: the engine runs on the attested scope only (runner.py), then `store_result()` files the result:
  inventory (assets, services, certificates, sightings), findings (findings.py), counts; a full scan then
  gets its diff against the previous one (managers alerted by e-mail, alerts.py) and becomes an exposure
  audit (audits.py).
- `claim_due_schedules()` / `run_due_scans()`: the monthly schedule, each due organisation claimed once
  with a conditional update on `next_due`, as directory's audits.
"""

import datetime
import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vigie.accounts.audit import record
from vigie.accounts.models import AuditEvent
from vigie.core.jobs import enqueue
from vigie.core.scoping import scoped

from . import findings, scope
from .alerts import alert_managers
from .audits import audit_from_scan
from .engine import ExposureError
from .models import Asset, Audit, Certificate, Finding, Scan, Schedule, Service, Sighting
from .nmap import NmapError, parse
from .runner import evaluate_observations, execute

log = logging.getLogger(__name__)
JOB_SCAN = "exposure.scan"
JOB_REPORT = "exposure.report"


class ScanRefused(Exception):
    """A request the rules refuse (no attested scope, target out of scope); the message is shown as is."""


# --- starting ----------------------------------------------------------------------------------------------


def _user(user):
    return user if getattr(user, "pk", None) else None


def start_scan(organisation, user, source: str = Scan.Source.MANUAL) -> Scan:
    targets = scope.targets_for(organisation)
    if not targets:
        raise ScanRefused(_("Nothing to scan: the scope of %(org)s has no attested, unexpired entry.") % {
            "org": organisation.name})
    with transaction.atomic():
        scan = Scan.objects.create(organisation=organisation, kind=Scan.Kind.SCAN, source=source,
                                   created_by=_user(user), targets=[value for _kind, value in targets])
        scan.job = enqueue(JOB_SCAN, organisation=organisation, user=_user(user), params={"scan": str(scan.uuid)})
        scan.save(update_fields=["job"])
    return scan


def start_retest(finding: Finding, user) -> Scan:
    """Re-run only the checks of this finding, on its host and port only."""
    if not scope.in_scope(finding.organisation, finding.target):
        raise ScanRefused(_("%(target)s is no longer in the attested scope: attest it again before a retest.") % {
            "target": finding.target})
    with transaction.atomic():
        scan = Scan.objects.create(organisation=finding.organisation, kind=Scan.Kind.RETEST, finding=finding,
                                   created_by=_user(user), targets=[finding.target])
        scan.job = enqueue(JOB_SCAN, organisation=finding.organisation, user=_user(user),
                           params={"scan": str(scan.uuid)})
        scan.save(update_fields=["job"])
    return scan


# --- running (the job) -------------------------------------------------------------------------------------


def run_scan(scan: Scan, progress) -> Scan:
    Scan.objects.filter(pk=scan.pk).update(status=Scan.Status.RUNNING, started_at=timezone.now())
    try:
        result = execute(scan, progress)
    except ExposureError as exc:
        fail(scan, str(exc))
        raise
    progress(92, _("Storing the results…"))
    try:
        return store_result(scan, result)
    except Exception as exc:  # the scan row must not stay "running"; the job reports the error too
        fail(scan, str(exc))
        raise


def fail(scan: Scan, message: str) -> None:
    Scan.objects.filter(pk=scan.pk).update(status=Scan.Status.FAILED, message=message[:500],
                                           finished_at=timezone.now())


def _upsert_asset(organisation, kind: str, value: str, now, **fields) -> tuple[Asset, bool]:
    asset, created = Asset.objects.get_or_create(organisation=organisation, kind=kind, value=value.lower(),
                                                 defaults={"first_seen": now, "last_seen": now, **fields})
    if not created:
        for name, field in fields.items():
            setattr(asset, name, field)
        asset.last_seen = now
        asset.save()
    return asset, created


def _store_service(scan, asset, item, now) -> tuple[Service, bool]:
    fields = {"name": item.name[:64], "product": item.product[:200], "version": item.version[:100],
              "cpe": item.cpe[:300], "banner": item.banner[:1024], "hostname": item.hostname[:253], "open": True,
              "last_seen": now}
    service = Service.objects.filter(asset=asset, port=item.port).first()
    created = service is None or not service.open  # a port that opens again is new exposure too
    if service is None:
        service = Service.objects.create(organisation=scan.organisation, asset=asset, port=item.port,
                                         first_seen=now, **fields)
    else:
        for name, value in fields.items():
            setattr(service, name, value)
        service.save()
    Sighting.objects.create(organisation=scan.organisation, scan=scan, asset=asset, service=service, port=item.port,
                            product=service.product, version=service.version)
    if item.tls is not None:
        for cert in item.tls.chain[:1]:  # the leaf: what users recognise and what expires
            Certificate.objects.update_or_create(
                service=service, sha256=cert.sha256,
                defaults={"organisation": scan.organisation, "subject": cert.subject[:500], "issuer": cert.issuer[:500],
                          "names": list(cert.names), "not_before": cert.not_before, "not_after": cert.not_after,
                          "self_signed": cert.self_signed, "last_seen": now},
                create_defaults={"organisation": scan.organisation, "subject": cert.subject[:500],
                                 "issuer": cert.issuer[:500], "names": list(cert.names), "not_before": cert.not_before,
                                 "not_after": cert.not_after, "self_signed": cert.self_signed, "first_seen": now,
                                 "last_seen": now})
    return service, created


def store_inventory(scan: Scan, result) -> dict:
    """Assets, services and certificates seen by the result; ports now closed or filtered are marked so.
    Returns the new hosts and services (new exposure)."""
    org, now = scan.organisation, scan.finished_at
    new_hosts, new_services = [], []
    for host in result.hosts:
        asset, created = _upsert_asset(org, Asset.Kind.HOST, host.address, now, names=list(host.names),
                                       reverse_name=host.reverse_name[:253])
        if created:
            new_hosts.append(asset)
        Sighting.objects.create(organisation=org, scan=scan, asset=asset)
        for item in host.services:
            service, opened = _store_service(scan, asset, item, now)
            if opened:
                new_services.append(service)
        shut = [p.port for p in host.ports if p.state != "open"]
        if shut:
            Service.objects.filter(asset=asset, port__in=shut).update(open=False)
    for domain in result.domains:
        details = {"spf": domain.spf, "dmarc": domain.dmarc, "has_mx": domain.has_mx, "caa": list(domain.caa),
                   "nameservers": list(domain.nameservers), "zone_transfer_open": list(domain.zone_transfer_open),
                   "subdomains": list(domain.subdomains),
                   "records": [[r.name, r.type, r.value] for r in domain.records][:500]}
        asset, _created = _upsert_asset(org, Asset.Kind.DOMAIN, domain.name, now, details=details)
        Sighting.objects.create(organisation=org, scan=scan, asset=asset)
    return {"hosts": new_hosts, "services": new_services}


def store_result(scan: Scan, result, *, alert: bool = True) -> Scan:
    """File the engine's ScanResult: inventory, findings, counts; then the diff, alert and audit of a full
    scan. All or nothing."""
    scan.finished_at = result.finished if result.finished.tzinfo else timezone.make_aware(result.finished)
    with transaction.atomic():
        inventory = store_inventory(scan, result)
        changes = findings.apply_findings(scan, result)
        scan.hosts_count = len(result.hosts)
        scan.services_count = sum(len(h.services) for h in result.hosts)
        scan.ports_probed = result.ports_probed
        scan.findings_count = len(result.findings)
        scan.refused = [{"target": r.target, "reason": r.reason} for r in result.refused][:500]
        scan.errors = list(result.errors)[:200]
        scan.status = Scan.Status.DONE
        scan.message = _retest_message(scan, changes) if scan.kind == Scan.Kind.RETEST else ""
        previous = None
        if scan.kind == Scan.Kind.SCAN:
            previous = (Scan.objects.filter(organisation=scan.organisation, kind=Scan.Kind.SCAN,
                                            status=Scan.Status.DONE).exclude(pk=scan.pk)
                        .order_by("-finished_at").first())
            scan.diff = diff_of(inventory, changes, baseline=previous is not None)
        scan.save()
        if scan.kind == Scan.Kind.SCAN:
            audit_from_scan(scan)
    if alert and scan.kind == Scan.Kind.SCAN and previous is not None and scan.diff.get("count"):
        transaction.on_commit(lambda: alert_managers(scan))
    return scan


def _retest_message(scan: Scan, changes: dict) -> str:
    if changes["verified"]:
        return _("Fixed and verified: the retest no longer sees it.")
    if changes["uncovered"]:
        return _("Not conclusive: the retest could not evaluate this check on this target; the status is unchanged.")
    return _("Still present.")


def diff_of(inventory: dict, changes: dict, baseline: bool) -> dict:
    """New exposure since the previous full scan, as plain rows for the page and the e-mail."""
    def finding_row(f):
        return {"uuid": str(f.uuid), "title": f.title_fr, "severity": f.severity, "target": f.target, "port": f.port}

    rows = {
        "hosts": [a.value for a in inventory["hosts"]],
        "services": [{"target": s.asset.value, "port": s.port, "name": s.name, "product": s.product}
                     for s in inventory["services"]],
        "findings": [finding_row(f) for f in changes["new"]],
        "reopened": [finding_row(f) for f in changes["reopened"]],
        "fixed": changes["fixed"],
        "baseline": baseline,
    }
    rows["count"] = len(rows["hosts"]) + len(rows["services"]) + len(rows["findings"]) + len(rows["reopened"])
    return rows


# --- schedule ----------------------------------------------------------------------------------------------


def claim_due_schedules(today: datetime.date | None = None) -> list[Schedule]:
    """Schedules whose scan is due, each claimed by moving `next_due` forward with a conditional update
    (only the runner that changes the row gets it)."""
    today = today or timezone.localdate()
    claimed = []
    for schedule in (Schedule.objects.filter(scheduled=True, next_due__lte=today).select_related("organisation")
                     .order_by("next_due", "id")):
        following = schedule.following_due(today)
        if Schedule.objects.filter(pk=schedule.pk, next_due=schedule.next_due).update(next_due=following) == 1:
            schedule.next_due = following
            claimed.append(schedule)
    return claimed


def run_due_scans(today: datetime.date | None = None) -> list[Scan]:
    """Reopen expired risk acceptances, then start the scans that are due (an organisation with nothing
    attested is skipped and logged)."""
    findings.reopen_expired(today)
    scans = []
    for schedule in claim_due_schedules(today):
        try:
            scans.append(start_scan(schedule.organisation, None, source=Scan.Source.SCHEDULE))
        except ScanRefused as exc:
            log.warning("scheduled exposure scan of %s skipped: %s", schedule.organisation, exc)
    return scans


# --- nmap import -------------------------------------------------------------------------------------------


def import_nmap(upload, organisation, user) -> Scan:
    """File an nmap XML file as a scan of the organisation (hosts must be in the attested scope); NmapError
    names what is wrong, and nothing is stored then."""
    if upload.size > settings.VIGIE_MAX_UPLOAD_BYTES:
        raise NmapError(_("The file is too large: the limit is %(size)s MB.") % {
            "size": settings.VIGIE_MAX_UPLOAD_BYTES // (1024 * 1024)})
    data = upload.read()
    result, digest = parse(data, lambda address: scope.in_scope(organisation, address),
                           lambda address: _watched_ports(organisation, address))
    earlier = Scan.objects.filter(organisation=organisation, kind=Scan.Kind.NMAP, file_sha256=digest).first()
    if earlier is not None:  # filing the same observations twice would only blur the history
        raise NmapError(_("This file was already imported on %(day)s.") % {
            "day": timezone.localtime(earlier.created_at).date().isoformat()})
    result = _with_checks(result)
    with transaction.atomic():
        scan = Scan.objects.create(organisation=organisation, kind=Scan.Kind.NMAP, source=Scan.Source.IMPORT,
                                   created_by=_user(user), targets=list(result.targets), file_sha256=digest,
                                   started_at=result.started)
        store_result(scan, result)
        record_import(scan, organisation, user, upload, hosts=scan.hosts_count, services=scan.services_count,
                       findings=scan.findings_count)
    return scan


def record_import(obj, organisation, user, upload, **counts) -> None:
    """An import is one audit-log event naming the file, whatever the page or API route that made it."""
    record(AuditEvent.Action.IMPORT, obj=obj, user=_user(user), organisation=organisation,
           changes={"file": getattr(upload, "name", "")[:200], "sha256": obj.file_sha256, **counts})


def _watched_ports(organisation, address: str) -> set[int]:
    """The ports of a host whose closing a file must not miss: open services and findings not yet closed."""
    ports = set(Service.objects.filter(organisation=organisation, asset__kind=Asset.Kind.HOST,
                                       asset__value=address.lower(), open=True).values_list("port", flat=True))
    ports |= set(Finding.objects.filter(organisation=organisation, target=address.lower(), port__isnull=False)
                 .exclude(status=Finding.Status.VERIFIED).values_list("port", flat=True))
    return ports


def _with_checks(result):
    """Run the engine's checks on imported observations when the engine offers that (runner.py)."""
    return evaluate_observations(result)


def record_findings_export(user, *, rows: int, format: str, organisation=None, filters: dict | None = None) -> None:  # noqa: A002
    """A bulk export of findings (the weaknesses of a hospital) is an export event of the audit log."""
    record(AuditEvent.Action.EXPORT, obj=organisation, user=_user(user), organisation=organisation,
           object_repr=_("Exposure findings (%(format)s)") % {"format": format.upper()},
           changes={"rows": rows, "format": format, **{k: str(v) for k, v in (filters or {}).items() if v}})



def level_history(organisation, user, since: datetime.date) -> list[tuple[str, datetime.date, int]]:
    """The exposure audits of an establishment and its sites since a date, as (organisation name, date,
    level), by organisation then date: what the steering app draws as levels over time."""
    audits = scoped(Audit.objects.filter(organisation__path__startswith=organisation.path,
                                         performed_on__gte=since), user, "view")
    return list(audits.order_by("organisation__path", "performed_on", "id")
                .values_list("organisation__name", "performed_on", "level"))
