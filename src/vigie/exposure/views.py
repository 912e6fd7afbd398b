"""Pages: the organisations' exposure, scope (attesting needs a fresh second factor), scans on demand and
their results, assets, findings (retest, accept the risk, mark fixed), audits, imports, report, export.

Custom rather than core.generic: pages per organisation, writes through scope, findings and scan services.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, OuterRef, Q, Subquery
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from vigie.core.generic import get_or_post
from vigie.core.recent import confirm_first
from vigie.core.scoping import can, scoped
from vigie.organisations.models import Organisation

from . import audits, exports, findings
from . import report as reports
from . import scope, services
from .catalogue import meta
from .filters import FindingFilter
from .forms import AcceptRiskForm, AttestForm, FileForm, ReportImportForm, ScheduleForm, ScopeEntryForm
from .models import Asset, Audit, Finding, Scan, Schedule, ScopeEntry, Severity
from .nmap import NmapError

PER_PAGE = 50


def _severity_counts(queryset) -> dict:
    rows = queryset.values("severity").annotate(n=Count("id"))
    return {row["severity"]: row["n"] for row in rows}


@require_GET
def exposure_list(request, entries):
    """The organisations the user sees that have a scope, a page at a time, with their open findings and
    last audit; below it, the organisations the user may declare a scope for that have none yet."""
    last_scan = Scan.objects.filter(organisation=OuterRef("pk"), kind=Scan.Kind.SCAN, status=Scan.Status.DONE)
    last_audit = Audit.objects.filter(organisation=OuterRef("pk"))
    with_scope = Organisation.objects.filter(pk__in=entries.values("organisation")).annotate(
        last_scan_id=Subquery(last_scan.order_by("-finished_at").values("pk")[:1]),
        last_audit_id=Subquery(last_audit.order_by("-performed_on").values("pk")[:1]),
    ).order_by("path")
    page = Paginator(with_scope, PER_PAGE).get_page(request.GET.get("page"))
    orgs = list(page.object_list)
    # a fixed number of queries however many organisations an ARS reader sees
    counts: dict[int, dict] = {org.pk: {} for org in orgs}
    for row in Finding.objects.filter(organisation__in=orgs, status=Finding.Status.OPEN).values(
            "organisation", "severity").annotate(n=Count("id")):
        counts[row["organisation"]][row["severity"]] = row["n"]
    scans = Scan.objects.in_bulk([o.last_scan_id for o in orgs if o.last_scan_id])
    found_audits = Audit.objects.in_bulk([o.last_audit_id for o in orgs if o.last_audit_id])
    pairs = audits.care_pairs(orgs)
    rows = [{"org": org, "counts": counts[org.pk], "last_scan": scans.get(org.last_scan_id),
             "audit": found_audits.get(org.last_audit_id), "pair": pairs[org.pk]} for org in orgs]
    without_scope = scoped(Organisation.objects.all(), request.user, "change").filter(
        kind__in=["ght", "legal_entity", "site"]).exclude(pk__in=entries.values("organisation")).order_by("path")
    without_page = Paginator(without_scope.only("uuid", "name", "kind"), PER_PAGE).get_page(
        request.GET.get("without"))
    return render(request, "exposure/list.html", {
        "rows": rows, "page_obj": page, "without_page": without_page, "severities": Severity.choices})


@require_GET
def organisation_detail(request, org):
    entries = ScopeEntry.objects.filter(organisation=org)
    open_findings = Finding.objects.filter(organisation=org, status=Finding.Status.OPEN)
    return render(request, "exposure/organisation.html", {
        "org": org, "entries": entries, "today": timezone.localdate(),
        "schedule": org_schedule(org), "can_change": can(request.user, "change", org),
        "scans": Scan.objects.filter(organisation=org).select_related("job", "finding")[:20],
        "counts": _severity_counts(open_findings), "severities": Severity.choices,
        "accepted": Finding.objects.filter(organisation=org, status=Finding.Status.ACCEPTED).count(),
        "hosts": Asset.objects.filter(organisation=org, kind=Asset.Kind.HOST).count(),
        "audits": Audit.objects.filter(organisation=org)[:12], "pair": audits.care_pair(org),
        "short": audits.last_below_minimum(org), "min_level": audits.MIN_LEVEL, "levels": audits.LEVELS,
    })


def org_schedule(org):
    return Schedule.objects.filter(organisation=org).first()


# --- scope -------------------------------------------------------------------------------------------------


@get_or_post
def scope_create(request, org):
    form = ScopeEntryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            entry = scope.entry_from(org, form.cleaned_data["value"], "domain" if form.cleaned_data["is_domain"] else "",
                                     form.cleaned_data["note"])
            entry.validate_constraints()
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error("value", message)
        else:
            entry.save()
            scope.ensure_schedule(org)
            messages.success(request, _("%(value)s was added to the scope: attest it before it is scanned.") % {
                "value": entry.value})
            return redirect("exposure:scope_attest", uuid=org.uuid)
    return render(request, "exposure/form.html", {"org": org, "form": form, "title": _("Add to the scope")})


@get_or_post
def scope_import(request, org):
    form = FileForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        report = scope.import_entries(form.cleaned_data["file"], org)
        if report.ok:
            messages.success(request, _("%(count)s entries imported: attest them before they are scanned.") % {
                "count": report.created})
            return redirect("exposure:scope_attest", uuid=org.uuid)
    return render(request, "exposure/import.html", {
        "org": org, "form": form, "report": report, "title": _("Import scope entries (CSV)"),
        "columns": scope.COLUMNS})


@get_or_post
def scope_attest(request, org):
    if (confirm := confirm_first(request)) is not None:  # attesting a scope is a sensitive action
        return confirm
    form = AttestForm(request.POST or None, organisation=org)
    if request.method == "POST" and form.is_valid():
        try:
            count = scope.attest(form.cleaned_data["entries"], user=request.user, name=form.cleaned_data["name"],
                                 function=form.cleaned_data["function"], until=form.cleaned_data["until"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("%(count)s entries attested.") % {"count": count})
            return redirect("exposure:organisation", uuid=org.uuid)
    return render(request, "exposure/attest.html", {"org": org, "form": form})


@require_GET
def scope_detail(request, entry):
    return render(request, "exposure/scope_detail.html", {
        "entry": entry, "org": entry.organisation, "can_change": can(request.user, "change", entry),
        "attested": entry.is_attested()})


@require_POST
def scope_delete(request, entry):
    org = entry.organisation
    entry.delete()
    messages.success(request, _("%(value)s was removed from the scope.") % {"value": entry.value})
    return redirect("exposure:organisation", uuid=org.uuid)


@get_or_post
def schedule_edit(request, org):
    form = ScheduleForm(request.POST or None, instance=scope.ensure_schedule(org))
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The schedule was saved."))
        return redirect("exposure:organisation", uuid=org.uuid)
    return render(request, "exposure/form.html", {"org": org, "form": form, "title": _("Scan schedule")})


# --- scans and imports -------------------------------------------------------------------------------------


@require_POST
def scan_start(request, org):
    try:
        scan = services.start_scan(org, request.user)
    except services.ScanRefused as exc:
        messages.error(request, str(exc))
        return redirect("exposure:organisation", uuid=org.uuid)
    return redirect(scan.job)


@require_GET
def scan_detail(request, scan):
    return render(request, "exposure/scan.html", {
        "scan": scan, "org": scan.organisation, "diff": scan.diff or {},
        "audit": Audit.objects.filter(scan=scan).first(), "levels": audits.LEVELS,
        "sightings": scan.sightings.filter(service__isnull=False).select_related("asset", "service")[:500],
    })


@get_or_post
def nmap_import(request, org):
    form = FileForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            scan = services.import_nmap(form.cleaned_data["file"], org, request.user)
        except NmapError as exc:
            form.add_error("file", str(exc))
        else:
            messages.success(request, _("The nmap file was imported: %(hosts)s hosts, %(services)s open ports.") % {
                "hosts": scan.hosts_count, "services": scan.services_count})
            return redirect(scan)
    return render(request, "exposure/import.html", {"org": org, "form": form, "title": _("Import an nmap XML file")})


@get_or_post
def audit_import(request, org):
    form = ReportImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        report, audit = audits.import_report(data["file"], org, mapping=form.mapping(), provider=data["provider"],
                                             performed_on=data["performed_on"], title=data["title"], user=request.user,
                                             preset=form.is_preset())
        if audit is not None:
            messages.success(request, _("The report was imported: %(count)s items.") % {"count": len(audit.items)})
            return redirect(audit)
    return render(request, "exposure/import.html", {"org": org, "form": form, "report": report,
                                                    "title": _("Import a third-party exposure report")})


# --- inventory and findings ------------------------------------------------------------------------------


@require_GET
def asset_list(request, org):
    assets = (Asset.objects.filter(organisation=org)
              # distinct: the two joins multiply each other's rows (2 open ports × 3 findings counted 6 ports)
              .annotate(open_services=Count("services", filter=Q(services__open=True), distinct=True),
                        open_findings=Count("findings", filter=Q(findings__status=Finding.Status.OPEN), distinct=True))
              .order_by("kind", "value", "id"))
    page = Paginator(assets, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "exposure/assets.html", {"org": org, "page": page})


@require_GET
def asset_detail(request, asset):
    services_ = asset.services.prefetch_related("certificates")
    history = asset.sightings.select_related("scan", "service").order_by("-scan__created_at", "port")[:200]
    return render(request, "exposure/asset.html", {
        "asset": asset, "org": asset.organisation, "services": services_, "history": history,
        "findings": asset.findings.order_by("status", "-last_seen")})


@require_GET
def finding_list(request, org):
    filters = FindingFilter(request.GET, user=request.user)
    rows = filters.filter_queryset(Finding.objects.filter(organisation=org).select_related("asset"))
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "exposure/findings.html", {"org": org, "page": page, "filters": filters,
                                                      "query": filters.query_string()})


@require_GET
def finding_export(request, org):
    """Start the export job of the organisation's findings the list's filters keep, as CSV (a bulk export,
    behind a fresh second factor) and follow it; the job writes the file and records the export in the audit
    log."""
    if (confirm := confirm_first(request)) is not None:
        return confirm
    filters = FindingFilter({**request.GET.dict(), "organisation": str(org.uuid)}, user=request.user, action="export")
    return redirect(exports.launch_export(request.user, "csv", filters.params(), org))


@require_GET
def finding_detail(request, finding):
    return render(request, "exposure/finding.html", {
        "finding": finding, "org": finding.organisation, "check": meta(finding.check_id),
        "events": finding.events.select_related("user", "scan")[:100],
        "retests": finding.retests.select_related("job").order_by("-created_at")[:10],
        "can_change": can(request.user, "change", finding), "accept_form": AcceptRiskForm()})


@require_POST
def finding_retest(request, finding):
    try:
        scan = services.start_retest(finding, request.user)
    except services.ScanRefused as exc:
        messages.error(request, str(exc))
        return redirect(finding)
    return redirect(scan.job)


@get_or_post
def finding_accept(request, finding):
    form = AcceptRiskForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            findings.accept_risk(finding, user=request.user, reason=form.cleaned_data["reason"],
                                 until=form.cleaned_data["until"])
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("The risk is accepted until %(until)s.") % {
                "until": form.cleaned_data["until"].isoformat()})
            return redirect(finding)
    return render(request, "exposure/form.html", {"org": finding.organisation, "form": form, "finding": finding,
                                                  "title": _("Accept the risk")})


@require_POST
def finding_fixed(request, finding):
    try:
        findings.mark_fixed(finding, user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Marked fixed: run a retest to verify it."))
    return redirect(finding)


# --- audits and report ------------------------------------------------------------------------------------


@require_GET
def audit_detail(request, audit):
    return render(request, "exposure/audit.html", {
        "audit": audit, "org": audit.organisation, "label": audits.level_label(audit.level),
        "can_delete": audits.is_imported(audit) and can(request.user, "delete", audit),
        "min_level": audits.MIN_LEVEL, "severities": Severity.choices})


@require_POST
def audit_delete(request, audit):
    try:
        audits.delete_imported(audit)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(audit)
    messages.success(request, _("The imported report “%(audit)s” was deleted.") % {"audit": audit})
    return redirect("exposure:organisation", uuid=audit.organisation.uuid)


@require_GET
def report(request, org):
    """The exposure report: HTML page; ?format=pdf gives the PDF (built in a job when it is large)."""
    if request.GET.get("format") == "pdf":
        outcome = reports.download(org, request.user, "pdf")
        if not isinstance(outcome, reports.ReportFile):
            return redirect(outcome)
        response = HttpResponse(outcome.content, content_type=outcome.content_type)
        response["Content-Disposition"] = f'attachment; filename="{outcome.filename}"'
        return response
    return render(request, "exposure/report.html", reports.context(org))
