"""The programme deadlines per organisation, and completions recorded by hand.

Custom rather than core.generic: completions are recorded by a service and the page is per organisation.
"""

import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from vigie.core.generic import get_or_post
from vigie.core.organisation_choice import organisations_for
from vigie.organisations.services import visible_organisations

from .. import services
from ..deadlines import catalogue
from ..filters import filter_organisations
from ..forms import CompletionForm
from ..models import DeadlineCompletion

PER_PAGE = 20


@require_GET
def deadlines(request, _completions):
    """Each visible organisation a deadline applies to, with the status of each of its deadlines."""
    organisations = services.applicable_organisations(visible_organisations(request.user))
    chosen = _chosen(request)
    if chosen is not None:
        organisations = organisations.filter(path__startswith=chosen.path)
    page = Paginator(organisations, PER_PAGE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    recordable = set(organisations_for(request.user, DeadlineCompletion, "add")
                     .filter(pk__in=[o.pk for o in page]).values_list("pk", flat=True))
    return render(request, "actions/deadlines.html", {
        "page_obj": page, "rows": services.statuses_for(page, today), "today": today, "recordable": recordable,
        "catalogue": catalogue(), "organisations": filter_organisations(request.user), "chosen": chosen,
    })


def _chosen(request):
    try:
        wanted = uuid.UUID(request.GET.get("organisation", ""))
    except ValueError:
        return None
    return filter_organisations(request.user).filter(uuid=wanted).first()


@get_or_post
def completion_add(request):
    initial = {key: request.GET[key] for key in ("organisation", "deadline") if request.GET.get(key)}
    form = CompletionForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.record_completion(data["organisation"], data["deadline"], data["done_on"], data["reference"],
                                       user=request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The completion was recorded."))
            return redirect(reverse("actions:deadlines") + f"?organisation={data['organisation'].uuid}")
    return render(request, "actions/completion_form.html", {"form": form})


@get_or_post
def completion_delete(request, completion):
    deadline = catalogue().get(completion.deadline)
    if request.method == "POST":
        completion.delete()
        messages.success(request, _("The completion was deleted."))
        return redirect(completion.get_absolute_url())
    return render(request, "actions/completion_delete.html", {"completion": completion, "deadline": deadline})
