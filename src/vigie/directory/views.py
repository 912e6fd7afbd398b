"""Pages: directories (list, create, edit: credentials behind a fresh second factor), audits on demand or
from an uploaded snapshot, the audit page, a failing check's affected objects, reports (HTML, PDF).

Custom rather than core.generic: the directory form stores an encrypted password behind a fresh second factor.
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from vigie.core.generic import get_or_post, may_add
from vigie.core.paging import page_of
from vigie.core.pdf import html_to_pdf
from vigie.core.recent import confirm_first
from vigie.core.scoping import can

from . import services
from .forms import DirectoryForm, SnapshotUploadForm
from .models import Audit, Directory
from .trend import trend_chart, trend_for_pdf

CARE_DAYS, CARE_LEVEL = services.CARE_DAYS, services.CARE_LEVEL
AFFECTED_PER_PAGE = 50


@require_GET
def directory_list(request, directories):
    page = page_of(request, directories.select_related("organisation"))
    rows = services.latest_and_care_audits(list(page.object_list), CARE_DAYS, CARE_LEVEL)
    return render(request, "directory/list.html", {
        "rows": rows, "page_obj": page, "may_add": may_add(request.user, Directory), "care_days": CARE_DAYS,
        "care_level": CARE_LEVEL})


@get_or_post
def directory_create(request):
    if (confirm := confirm_first(request)) is not None:  # credentials are entered here
        return confirm
    form = DirectoryForm(request.POST or None, instance=Directory(), user=request.user)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            directory = form.save()
            if not can(request.user, "add", directory):
                raise Http404
        messages.success(request, _("The directory “%(name)s” was registered.") % {"name": directory.name})
        return redirect(directory)
    return render(request, "directory/form.html", {"form": form, "creating": True})


@get_or_post
def directory_edit(request, directory):
    if (confirm := confirm_first(request)) is not None:  # credentials are replaced here
        return confirm
    form = DirectoryForm(request.POST or None, instance=directory, user=request.user)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            directory = form.save()
            if not can(request.user, "change", directory):
                raise Http404
        messages.success(request, _("The directory “%(name)s” was saved.") % {"name": directory.name})
        return redirect(directory)
    return render(request, "directory/form.html", {"form": form, "directory": directory})


@require_GET
def directory_detail(request, directory):
    audits = directory.audits.select_related("created_by").order_by("-created_at")[:50]
    trend = services.trend(directory)
    return render(request, "directory/detail.html", {
        "directory": directory, "audits": audits, "trend": trend, "chart": trend_chart(directory, trend),
        "can_change": can(request.user, "change", directory), "upload_form": SnapshotUploadForm(),
        "care": services.audit_within(directory, CARE_DAYS, CARE_LEVEL), "care_days": CARE_DAYS,
        "care_level": CARE_LEVEL,
    })


@require_POST
def directory_run(request, directory):
    try:
        audit = services.start_audit(directory, request.user)
    except services.AuditRefused as exc:
        messages.error(request, str(exc))
        return redirect(directory)
    return redirect(audit.job)


@get_or_post
def directory_upload(request, directory):
    form = SnapshotUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            path = services.accept_snapshot(form.cleaned_data["snapshot"])
        except services.AuditRefused as exc:
            form.add_error("snapshot", str(exc))
        else:
            audit = services.start_audit(directory, request.user, source=Audit.Source.UPLOAD, snapshot=path)
            return redirect(audit.job)
    return render(request, "directory/upload.html", {"directory": directory, "form": form})


@require_GET
def audit_detail(request, audit):
    findings = list(audit.findings.defer("affected"))
    levels = []
    for level in range(1, 6):
        rows = [f for f in findings if f.level == level]
        if rows:
            levels.append((level, rows))
    trend = services.trend(audit.directory)
    return render(request, "directory/audit.html", {
        "audit": audit, "directory": audit.directory, "levels": levels,
        "trend": trend, "chart": trend_chart(audit.directory, trend),
        "blockers": [f for f in findings if f.blocks_next_level],
        "next_level": (audit.level or 0) + 1 if audit.level and audit.level < 5 else None,
        "not_computable": (audit.result or {}).get("not_computable", []),
    })


@require_GET
def finding_detail(request, finding):
    page = Paginator(finding.affected, AFFECTED_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "directory/finding.html", {"finding": finding, "audit": finding.audit, "page": page})


def management_html(audit, for_pdf=False) -> str:
    """The management report; its PDF also draws the trend (the HTML one, served under the pages' policy,
    which refuses the stylesheet inside the picture, keeps the table only)."""
    trend = services.trend(audit.directory)
    return render_to_string("directory/report_management.html", {
        "audit": audit, "directory": audit.directory, "trend": trend,
        "chart": trend_for_pdf(audit.directory, trend) if for_pdf else "",
        "blockers": audit.findings.filter(blocks_next_level=True).defer("affected"),
        "findings": audit.findings.defer("affected"), "generated": timezone.now(), "for_pdf": for_pdf,
    })


def _pdf(audit, audience: str, html: str) -> bytes:
    """WeasyPrint takes a few ms per table row: the PDF is made once per audit and audience, then cached."""
    path = services.report_path_for(audit, f"-{audience}.pdf")
    if not path.is_file():
        path.write_bytes(html_to_pdf(html))
    return path.read_bytes()


@require_GET
def audit_report(request, audit):
    """?audience=technical (the engine's report, default) or management; ?format=html (default) or pdf."""
    if audit.status != Audit.Status.DONE:
        raise Http404
    audience = "management" if request.GET.get("audience") == "management" else "technical"
    fmt = "pdf" if request.GET.get("format") == "pdf" else "html"
    if audience == "technical":
        path = services.media(audit.report_file) if audit.report_file else None
        if path is None or not path.is_file():
            raise Http404
        html = path.read_text(encoding="utf-8")
    else:
        html = management_html(audit, for_pdf=fmt == "pdf")
    name = f"audit-ad-{audit.directory.domain}-{timezone.localtime(audit.finished_at):%Y%m%d}-{audience}"
    if fmt == "pdf":
        response = HttpResponse(_pdf(audit, audience, html), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
        return response
    response = HttpResponse(html, content_type="text/html; charset=utf-8")
    if request.GET.get("download"):
        response["Content-Disposition"] = f'attachment; filename="{name}.html"'
    return response
