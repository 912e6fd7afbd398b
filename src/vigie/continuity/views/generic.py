"""The shapes every continuity page shares: fetch through scoped() (404 otherwise), validate a form, save
inside a transaction that re-checks the user may still act on the object, redirect."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import ProtectedError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from vigie.core.scoping import scoped

from .. import saving
from ..forms import organisations_for

get_or_post = require_http_methods(["GET", "POST"])


def fetch(request, queryset, uuid, action="view"):
    return get_object_or_404(scoped(queryset, request.user, action), uuid=uuid)


def visible(request, queryset):
    return scoped(queryset, request.user, "view")


def may_add(user, model) -> bool:
    return organisations_for(user, model).exists()


def organisation_param(request, model):
    """The `?organisation=` the user may add to, to preselect it in a create form."""
    value = request.GET.get("organisation")
    if not value:
        return None
    return organisations_for(request.user, model).filter(uuid=value).first() if len(value) == 36 else None


def save_form(request, form, action: str):
    try:
        return saving.save_form(form, request.user, action)
    except saving.OutOfScope:
        raise Http404 from None


def create(request, form_class, *, title: str, cancel: str, template="continuity/form.html", extra=None):
    model = form_class._meta.model
    if not may_add(request.user, model):
        raise PermissionDenied
    form = form_class(request.POST or None, user=request.user, organisation=organisation_param(request, model))
    if request.method == "POST" and form.is_valid():
        obj = save_form(request, form, "add")
        messages.success(request, _("“%(name)s” was created.") % {"name": obj})
        return redirect(obj)
    return render(request, template, {"form": form, "title": title, "cancel": cancel, **(extra or {})})


def edit(request, obj, form_class, *, title: str, template="continuity/form.html", extra=None, **form_kwargs):
    form = form_class(request.POST or None, instance=obj, **form_kwargs)
    if request.method == "POST" and form.is_valid():
        obj = save_form(request, form, "change")
        messages.success(request, _("“%(name)s” was saved.") % {"name": obj})
        return redirect(obj)
    return render(request, template, {"form": form, "title": title, "cancel": obj.get_absolute_url(),
                                      "object": obj, **(extra or {})})


def delete(request, obj, *, back: str, cancel: str):
    if request.method == "POST":
        name = str(obj)
        try:
            with transaction.atomic():
                obj.delete()
        except ProtectedError:
            messages.error(request, _("“%(name)s” is still used elsewhere and cannot be deleted.") % {"name": name})
            return redirect(cancel)
        messages.success(request, _("“%(name)s” was deleted.") % {"name": name})
        return redirect(back)
    return render(request, "continuity/confirm_delete.html", {"object": obj, "cancel": cancel})
