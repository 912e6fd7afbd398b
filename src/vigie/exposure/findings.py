"""A finding's life, from scan to scan (docs/exposure.md, "Findings"):

- seen for the first time: **open**, and raised as a PAQ action (severity low and above);
- seen again: last seen moves; a fixed or verified finding is **reopened** (the fix did not hold) and its
  action reopened; a risk-accepted finding **stays accepted** until its expiry, then reopens;
- not seen by a run whose `coverage` covered its check on its target and port: a full scan marks it
  **fixed**, a retest of it marks it **verified** (from open or fixed); a run that did not cover it changes
  nothing — absence is not proof;
- a manager may mark it fixed (declared), or accept the risk with a justification and an expiry.

Every change is a `FindingEvent`; the PAQ action is raised with `raise_action` and closed with
`close_action` (both idempotent), keyed by the finding's uuid.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vigie.actions.services import close_action, raise_action

from .catalogue import meta
from .models import Asset, Finding, FindingEvent, Scan

ACTION_SOURCE = "finding"  # vigie.actions.models.Source.FINDING
PRIORITY = {"critical": "critical", "high": "high", "medium": "medium", "low": "low"}
S = Finding.Status


def _event(finding: Finding, new: str, note: str, scan: Scan | None = None, user=None, old: str | None = None):
    FindingEvent.objects.create(organisation=finding.organisation, finding=finding, scan=scan, user=user,
                                old_status=finding.status if old is None else old, new_status=new, note=note[:2000])


def _set_status(finding: Finding, new: str, note: str, scan: Scan | None = None, user=None) -> None:
    old = finding.status
    finding.status = new
    finding.status_changed_at = timezone.now()
    if new != S.ACCEPTED:
        finding.accepted_until = None
    _event(finding, new, note, scan, user, old=old)


def raise_for(finding: Finding) -> None:
    """The finding's PAQ action, created or reopened (not for information-only findings)."""
    if finding.severity not in PRIORITY:
        return
    check = meta(finding.check_id)
    where = f"{finding.target}:{finding.port}" if finding.port else finding.target
    raise_action(
        organisation=finding.organisation, source=ACTION_SOURCE, source_key=finding.action_key,
        title=_("Exposure %(where)s: %(title)s") % {"where": where, "title": finding.title_fr},
        description=_("%(evidence)s\n\nRemediation: %(remediation)s\n\nCheck %(check)s, severity %(severity)s. "
                      "Finding: %(url)s") % {
            "evidence": finding.evidence, "remediation": check.remediation_fr or "—", "check": finding.check_id,
            "severity": finding.get_severity_display(), "url": finding.get_absolute_url()},
        priority=PRIORITY[finding.severity],
    )


def close_for(finding: Finding, reason: str) -> None:
    close_action(finding.organisation, ACTION_SOURCE, finding.action_key, reason=reason)


def _asset_for(organisation, target: str, is_domain: bool, now) -> Asset:
    kind = Asset.Kind.DOMAIN if is_domain else Asset.Kind.HOST
    asset, _created = Asset.objects.get_or_create(organisation=organisation, kind=kind, value=target,
                                                  defaults={"first_seen": now, "last_seen": now})
    return asset


def _day(scan: Scan) -> str:
    return timezone.localtime(scan.finished_at or timezone.now()).date().isoformat()


def apply_findings(scan: Scan, result) -> dict:
    """Follow the result's findings into the organisation's findings; returns {new, reopened} lists of
    Finding and the counts of fixed, verified and uncovered ones. Call inside a transaction."""
    organisation, now = scan.organisation, scan.finished_at or timezone.now()
    today = timezone.localdate()
    covered = {(c.check_id, c.target.lower(), c.port) for c in result.coverage}
    seen: set[int] = set()
    new, reopened = [], []
    for item in result.findings:
        target = (item.address or item.domain).lower()
        check = meta(item.check_id)
        fields = {"severity": item.severity, "confidence": item.confidence, "evidence": item.evidence,
                  "details": dict(item.details), "hostname": item.hostname, "last_seen": now, "last_scan": scan}
        finding = Finding.objects.filter(organisation=organisation, target=target, port=item.port,
                                         check_id=item.check_id, evidence_key=item.evidence_key).first()
        if finding is None:
            finding = Finding(organisation=organisation, asset=_asset_for(organisation, target, not item.address, now),
                              target=target, port=item.port, check_id=item.check_id, evidence_key=item.evidence_key,
                              title_fr=check.title_fr[:300], title_en=check.title_en[:300], first_seen=now,
                              first_scan=scan, status=S.OPEN, status_changed_at=now, **fields)
            finding.save()
            _event(finding, S.OPEN, _("First seen by the scan of %(day)s.") % {"day": _day(scan)}, scan, old="")
            raise_for(finding)
            new.append(finding)
        else:
            for name, value in fields.items():
                setattr(finding, name, value)
            if check.known:
                finding.title_fr, finding.title_en = check.title_fr[:300], check.title_en[:300]
            if finding.status in (S.FIXED, S.VERIFIED):
                _set_status(finding, S.OPEN, _("Seen again on %(day)s: reopened.") % {"day": _day(scan)}, scan)
                reopened.append(finding)
            elif finding.status == S.ACCEPTED and finding.accepted_until and finding.accepted_until < today:
                _set_status(finding, S.OPEN, _("Risk acceptance expired; still seen on %(day)s.") % {"day": _day(scan)},
                            scan)
                reopened.append(finding)
            finding.save()
            if finding.status == S.OPEN:
                raise_for(finding)
        seen.add(finding.pk)

    retest = scan.kind == Scan.Kind.RETEST
    absent = Finding.objects.filter(organisation=organisation).exclude(pk__in=seen)
    absent = absent.filter(pk=scan.finding_id) if retest else absent.filter(status__in=[S.OPEN, S.ACCEPTED])
    fixed = verified = uncovered = 0
    for finding in absent.select_related("organisation"):
        if (finding.check_id, finding.target.lower(), finding.port) not in covered:
            uncovered += 1
            continue
        if retest:
            if finding.status == S.VERIFIED:
                continue
            _set_status(finding, S.VERIFIED, _("The retest of %(day)s no longer sees it.") % {"day": _day(scan)}, scan)
            verified += 1
        else:
            _set_status(finding, S.FIXED, _("The scan of %(day)s no longer sees it.") % {"day": _day(scan)}, scan)
            fixed += 1
        finding.last_scan = scan
        finding.save()
        close_for(finding, _("%(kind)s of %(day)s: no longer seen") % {"kind": scan.get_kind_display(),
                                                                       "day": _day(scan)})
    return {"new": new, "reopened": reopened, "fixed": fixed, "verified": verified, "uncovered": uncovered}


# --- changes by people -----------------------------------------------------------------------------------


def accept_risk(finding: Finding, *, user, reason: str, until: datetime.date | None) -> Finding:
    """Accept the risk until `until` (at most ACCEPT_MAX_DAYS ahead), with a justification."""
    if not reason.strip():
        raise ValidationError({"acceptance_reason": _("Explain why the risk is accepted.")})
    today = timezone.localdate()
    if until is None or until <= today:
        raise ValidationError({"accepted_until": _("The acceptance must end after today.")})
    if until > today + datetime.timedelta(days=ACCEPT_MAX_DAYS):
        raise ValidationError({"accepted_until": _("A risk is accepted for at most %(days)s days; accept it again "
                                                   "then.") % {"days": ACCEPT_MAX_DAYS}})
    with transaction.atomic():
        _set_status(finding, S.ACCEPTED, _("Risk accepted until %(until)s: %(reason)s") % {
            "until": until.isoformat(), "reason": reason.strip()}, user=user)
        finding.accepted_until, finding.acceptance_reason, finding.accepted_by = until, reason.strip(), user
        finding.save()
        close_for(finding, _("risk accepted until %(until)s") % {"until": until.isoformat()})
    return finding


ACCEPT_MAX_DAYS = 366


def mark_fixed(finding: Finding, *, user, note: str = "") -> Finding:
    """A person declares the fix; a retest then verifies it."""
    if finding.status not in (S.OPEN, S.ACCEPTED):
        raise ValidationError(_("Only an open or accepted finding can be marked fixed."))
    with transaction.atomic():
        _set_status(finding, S.FIXED, note.strip() or _("Declared fixed; run a retest to verify it."), user=user)
        finding.save()
        close_for(finding, _("declared fixed by %(user)s") % {"user": user.get_username() if user else "—"})
    return finding


def reopen_expired(today: datetime.date | None = None) -> int:
    """Accepted findings whose acceptance has ended become open again (and their actions reopen)."""
    today = today or timezone.localdate()
    count = 0
    for finding in Finding.objects.filter(status=S.ACCEPTED, accepted_until__lt=today).select_related("organisation"):
        with transaction.atomic():
            _set_status(finding, S.OPEN, _("Risk acceptance expired on %(day)s.") % {
                "day": finding.accepted_until.isoformat()})
            finding.save()
            raise_for(finding)
        count += 1
    return count
