"""The BIA workbook: download the template (empty, or filled with an organisation's BIA) and import it back."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from vigie.core import generic
from vigie.core.scoping import scoped
from vigie.organisations.models import Organisation

from .. import workbook
from ..forms import WorkbookUploadForm

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@require_GET
def workbook_download(request, _activities):
    """?organisation=<uuid>: that organisation's BIA (to edit and import back); otherwise the empty template."""
    organisation = None
    chosen = request.GET.get("organisation")
    if chosen:
        organisation = get_object_or_404(scoped(Organisation.objects.all(), request.user, "export"),
                                         uuid=chosen if len(chosen) == 36 else None)
    response = HttpResponse(workbook.build_workbook(organisation), content_type=XLSX)
    name = f"bia-{organisation.finess or organisation.pk}" if organisation else "bia-modele"
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response


@generic.get_or_post
def workbook_import(request):
    form = WorkbookUploadForm(request.POST or None, request.FILES or None, user=request.user)
    report = None
    if request.method == "POST" and form.is_valid():
        report = workbook.import_workbook(form.cleaned_data["workbook"], form.cleaned_data["organisation"])
        if report.ok:
            counts = ", ".join(f"{sheet}: {n}" for sheet, n in report.counts.items())
            messages.success(request, _("Workbook imported (%(counts)s).") % {"counts": counts})
            return redirect("continuity:activity_list")
    organisations = scoped(Organisation.objects.exclude(kind="national"), request.user, "export").order_by("path")[:100]
    return render(request, "continuity/workbook.html", {"form": form, "report": report, "sheets": workbook.SHEETS,
                                                         "organisations": organisations})
