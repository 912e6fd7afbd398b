"""The framework library: reference data, the same for everyone; uploads for platform administrators."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from vigie.accounts.audit import record
from vigie.accounts.models import AuditEvent
from vigie.core.generic import get_or_post

from .. import rules
from ..forms import FrameworkUploadForm
from ..library import FrameworkFileError, load_upload
from ..models import Framework, FrameworkVersion, Requirement
from ..providers import providers


@login_required
@require_GET
def framework_list(request):
    frameworks = Framework.objects.prefetch_related("versions")
    return render(request, "compliance/framework_list.html", {"frameworks": frameworks})


@login_required
@require_GET
def framework_detail(request, uuid):
    version = get_object_or_404(FrameworkVersion.objects.select_related("framework"), uuid=uuid)
    requirements = version.requirements.all()
    return render(request, "compliance/framework_detail.html", {
        "version": version, "requirements": requirements, "themes": version.themes,
        "others": version.framework.versions.exclude(pk=version.pk),
    })


@login_required
@require_GET
def requirement_detail(request, uuid):
    requirement = get_object_or_404(Requirement.objects.select_related("version__framework"), uuid=uuid)
    return render(request, "compliance/requirement_detail.html", {
        "requirement": requirement, "version": requirement.version,
        "rules": [rules.describe_rule(r) for r in requirement.freshness],
        "conditional_rules": [r for r in requirement.freshness if r.get("when")],
        "providers": providers.for_reference(requirement.reference),
    })


@login_required
@get_or_post
def framework_upload(request):
    if not request.user.is_superuser:
        raise PermissionDenied
    form = FrameworkUploadForm(request.POST or None, request.FILES or None)
    problems = []
    if request.method == "POST" and form.is_valid():
        try:
            version, outcome = load_upload(form.cleaned_data["file"], request.user)
        except FrameworkFileError as exc:
            problems = [str(p) for p in exc.problems]
        else:
            record(AuditEvent.Action.IMPORT, obj=version, user=request.user, organisation=None,
                   changes={"framework": version.framework.key, "version": version.version, "outcome": outcome})
            text = {"created": _("Version %(version)s of %(framework)s was loaded."),
                    "unchanged": _("Version %(version)s of %(framework)s was already loaded, unchanged."),
                    "replaced": _("Version %(version)s of %(framework)s was replaced (no assessment used it).")}
            messages.success(request, text[outcome] % {"version": version.version, "framework": version.framework})
            return redirect(version)
    return render(request, "compliance/framework_upload.html", {"form": form, "problems": problems})
