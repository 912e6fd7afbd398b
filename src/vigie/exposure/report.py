"""The exposure report of an organisation: a summary for management (level, trend since the previous audit,
what to do first), the asset map, and the findings by severity with evidence and remediation (French and
English from the checks catalogue). HTML page, and PDF by WeasyPrint — built in a job past LARGE findings
(WeasyPrint takes a few milliseconds per table row)."""

from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils import timezone

from vigie.accounts.audit import record
from vigie.accounts.models import AuditEvent
from vigie.core.jobs import enqueue
from vigie.core.pdf import html_to_pdf

from .audits import LEVELS, MIN_LEVEL, care_pair, level_label
from .catalogue import meta
from .models import Asset, Audit, Finding, Severity
from .services import JOB_REPORT

LARGE = 300


def _open(org):
    return Finding.objects.filter(organisation=org, status__in=[Finding.Status.OPEN, Finding.Status.ACCEPTED])


def is_large(org) -> bool:
    return _open(org).count() > LARGE


def context(org) -> dict:
    audits = list(Audit.objects.filter(organisation=org).order_by("-performed_on", "-id")[:12])
    latest, previous = (audits + [None, None])[:2]
    trend = None
    if latest and previous:
        trend = {severity: latest.counts.get(severity, 0) - previous.counts.get(severity, 0)
                 for severity in Severity.values}
    groups = []
    rows = list(_open(org).select_related("asset").order_by("target", "port"))
    for value, label in reversed(Severity.choices):
        items = [(f, meta(f.check_id)) for f in rows if f.severity == value]
        if items:
            groups.append({"severity": value, "label": label, "items": items})
    hosts = (Asset.objects.filter(organisation=org, kind=Asset.Kind.HOST).prefetch_related("services")
             .order_by("value"))
    return {
        "org": org, "generated": timezone.now(), "latest": latest, "previous": previous, "trend": trend,
        "history": audits[::-1], "label": level_label(latest.level) if latest else "", "levels": LEVELS,
        "min_level": MIN_LEVEL, "pair": care_pair(org), "groups": groups, "hosts": hosts,
        "domains": Asset.objects.filter(organisation=org, kind=Asset.Kind.DOMAIN).order_by("value"),
        "counts": {value: sum(1 for f in rows if f.severity == value) for value in Severity.values},
        "accepted": sum(1 for f in rows if f.status == Finding.Status.ACCEPTED),
        "first": [f for f in rows if f.severity in ("critical", "high") and f.status == Finding.Status.OPEN][:10],
    }


def report_html(org, for_pdf: bool = False) -> str:
    return render_to_string("exposure/report_document.html", {**context(org), "for_pdf": for_pdf})


def report_pdf(org) -> bytes:
    return html_to_pdf(report_html(org, for_pdf=True))


def pdf_filename(org, suffix: str = "pdf") -> str:
    return f"exposition-{org.finess or org.pk}-{timezone.localdate():%Y%m%d}.{suffix}"


@dataclass(frozen=True, slots=True)
class ReportFile:
    filename: str
    content: bytes
    content_type: str


def download(org, user, format: str = "pdf"):  # noqa: A002
    """The report as a file (`pdf` or a standalone `html` page), or for a large PDF the job that builds it.
    The report lists the organisation's weaknesses: every download is an export in the audit log."""
    user = user if getattr(user, "pk", None) else None
    if format == "pdf" and is_large(org):
        job = enqueue(JOB_REPORT, organisation=org, user=user)
        record(AuditEvent.Action.EXPORT, obj=org, user=user, changes={"report": "exposure", "format": format,
                                                                      "job": str(job.uuid)})
        return job
    if format == "pdf":
        found = ReportFile(pdf_filename(org), report_pdf(org), "application/pdf")
    else:
        found = ReportFile(pdf_filename(org, "html"), report_html(org).encode(), "text/html; charset=utf-8")
    record(AuditEvent.Action.EXPORT, obj=org, user=user, changes={"report": "exposure", "format": format})
    return found
