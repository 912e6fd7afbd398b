"""Evidence files: list, upload, detail with freshness per requirement, download.

Custom rather than core.generic: an upload checked and stored by a service, not a model form.
"""

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from vigie.core.generic import get_or_post
from vigie.core.paging import page_of

from .. import services
from ..filters import EvidenceFilter
from ..forms import EvidenceForm
from ..uploads import UploadRefused


@require_GET
def evidence_list(request, items):
    filters = EvidenceFilter(request.GET, user=request.user)
    items = items.select_related("organisation", "uploaded_by").prefetch_related("targets")
    page = page_of(request, filters.filter_queryset(items))
    return render(request, "compliance/evidence_list.html", {
        "items": page, "page_obj": page, "filters": filters, "reference": filters.data.get("requirement", "")})


@get_or_post
def evidence_create(request):
    initial = {"references": request.GET.get("requirement", ""), "document_date": timezone.localdate()}
    form = EvidenceForm(request.POST or None, request.FILES or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            evidence = services.add_evidence(
                organisation=data["organisation"], upload=data["file"], title=data["title"],
                document_date=data["document_date"], references=data["references"], user=request.user,
                description=data["description"],
            )
        except UploadRefused as exc:
            form.add_error("file", str(exc))
        else:
            messages.success(request, _("The evidence %(title)s was added.") % {"title": evidence.title})
            return redirect(evidence)
    return render(request, "compliance/evidence_form.html", {"form": form})


@require_GET
def evidence_detail(request, evidence):
    return render(request, "compliance/evidence_detail.html", {
        "evidence": evidence, "checks": services.evidence_checks(evidence, timezone.localdate()),
    })


@require_GET
def evidence_download(request, evidence):
    if not evidence.path.is_file():
        raise Http404
    return FileResponse(evidence.path.open("rb"), as_attachment=True, filename=evidence.filename,
                        content_type=evidence.content_type)


