"""The anonymised position of one establishment among similar ones."""

from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from vigie.organisations.models import Kind

from ..comparison import compare


@require_GET
def comparison(request, organisation):
    if organisation.kind != Kind.LEGAL_ENTITY:  # establishments only: a GHT or a region has no peers here
        raise Http404
    return render(request, "steering/comparison.html", {"organisation": organisation,
                                                        **compare(organisation, request.user)})
