"""The anonymised position of one establishment among similar ones."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from vigie.core.scoping import scoped
from vigie.organisations.models import Kind, Organisation

from ..comparison import compare


@login_required
@require_GET
def comparison(request, uuid):
    organisation = get_object_or_404(
        scoped(Organisation.objects.filter(kind=Kind.LEGAL_ENTITY), request.user, "view"), uuid=uuid)
    return render(request, "steering/comparison.html", {"organisation": organisation,
                                                        **compare(organisation, request.user)})
