"""The scenario library (read-only, ours) and an establishment's own scenarios, with their chronogram.

Custom rather than core.generic: a scenario is copied from the library and its injects renumbered on save.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from vigie.core.generic import get_or_post
from vigie.core.paging import page_of
from vigie.core.scoping import can

from .. import scenarios as library_service
from ..forms import InjectForm, ScenarioForm
from ..models import Scenario, ScenarioInject



@require_GET
def scenario_list(request, own):
    own = own.select_related("organisation")
    return render(request, "exercises/exercises/scenario_list.html", {
        "scenarios": (page := page_of(request, own)), "page_obj": page, "library": library_service.library().values()})


@login_required
@require_GET
def library_detail(request, key):
    scenario = library_service.library().get(key)
    if scenario is None:
        raise Http404
    return render(request, "exercises/exercises/library_detail.html", {"scenario": scenario})


@get_or_post
def scenario_create(request):
    form = ScenarioForm(request.POST or None, instance=Scenario(), user=request.user,
                        initial={"source": request.GET.get("from", "")})
    if request.method == "POST" and form.is_valid():
        source = form.cleaned_data.get("source")
        if source:
            scenario = library_service.copy_to(form.cleaned_data["organisation"], source)
            if form.cleaned_data.get("title"):
                Scenario.objects.filter(pk=scenario.pk).update(title=form.cleaned_data["title"])
        else:
            scenario = form.save()
        if not can(request.user, "change", scenario):
            raise Http404
        messages.success(request, _("The scenario was created; edit its chronogram below."))
        return redirect(scenario)
    return render(request, "exercises/exercises/scenario_form.html", {"form": form, "creating": True})


@require_GET
def scenario_detail(request, scenario):
    return render(request, "exercises/exercises/scenario_detail.html", {
        "scenario": scenario, "injects": scenario.injects.all(), "can_change": can(request.user, "change", scenario),
        "inject_form": InjectForm()})


@get_or_post
def scenario_edit(request, scenario):
    form = ScenarioForm(request.POST or None, instance=scenario, user=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        return redirect(scenario)
    return render(request, "exercises/exercises/scenario_form.html", {"form": form, "scenario": scenario})


@require_POST
def inject_add(request, scenario):
    form = InjectForm(request.POST, instance=ScenarioInject(scenario=scenario,
                                                           position=scenario.injects.count()))
    if form.is_valid():
        form.save()
        library_service.renumber(scenario)
        messages.success(request, _("Inject added."))
    else:
        messages.error(request, _("Check the inject: every field but the reactions is needed."))
    return redirect(scenario)


@get_or_post
def inject_edit(request, inject):
    form = InjectForm(request.POST or None, instance=inject)
    if request.method == "POST" and form.is_valid():
        form.save()
        library_service.renumber(inject.scenario)
        return redirect(inject.scenario)
    return render(request, "exercises/exercises/inject_form.html", {"form": form, "inject": inject})


@require_POST
def inject_move(request, inject):
    library_service.move(inject, -1 if request.POST.get("direction") == "up" else 1)
    return redirect(inject.scenario)


@require_POST
def inject_delete(request, inject):
    scenario = inject.scenario
    inject.delete()
    library_service.renumber(scenario)
    return redirect(scenario)
