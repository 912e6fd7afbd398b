"""The home page of every user: their roles and organisations, and what is late in their subtree."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from vigie.organisations.services import home_context

from ..late import late_for
from ..services import LEVEL_KINDS


@login_required
@require_GET
def home(request):
    context = home_context(request.user)
    context.update(late_for(request.user))
    # The steering level whose matrix the grouped counts open: the user's highest level node, if any.
    context["level"] = next((top for top in context["tops"] if top.kind in LEVEL_KINDS), None)
    return render(request, "steering/home.html", context)
