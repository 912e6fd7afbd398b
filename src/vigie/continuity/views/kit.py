"""Pages of the offline crisis kit: its crisis-cell details, its state (up to date or stale, data date),
a rebuild on demand (a job), and the download of the last ZIP."""

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from vigie.core import generic
from vigie.core.scoping import can

from .. import kit as kits
from ..forms import KitForm
from ..models import CrisisKit
from . import create, edit


@require_GET
def kit_list(request, kits):
    return render(request, "continuity/kit_list.html", {
        "kits": kits.select_related("organisation"),
        "may_add": generic.may_add(request.user, CrisisKit)})


@generic.get_or_post
def kit_create(request):
    return create(request, KitForm, title=_("New crisis kit"), cancel=reverse("continuity:kit_list"))


@generic.get_or_post
def kit_edit(request, kit):
    return edit(request, kit, KitForm, title=_("Edit %(name)s") % {"name": kit}, user=request.user)


@require_GET
def kit_detail(request, kit):
    return render(request, "continuity/kit_detail.html", {
        "kit": kit, "can_change": can(request.user, "change", kit),
        "running": kit.job is not None and not kit.job.finished})


@require_POST
def kit_build(request, kit):
    job = kits.start(kit, request.user)
    messages.success(request, _("The crisis kit is being built."))
    return redirect(job)


@require_GET
def kit_download(request, kit):
    if not kit.built_at or not kits.checksum_matches(kit):
        raise Http404
    name = f"kit-de-crise-{kit.organisation.finess or kit.organisation.pk}-{kit.built_at:%Y%m%d}.zip"
    return FileResponse(kits.archive_path(kit).open("rb"), as_attachment=True, filename=name)
