"""The pages every model shares, in the spirit of NetBox's generic views: list, detail, create, edit and
delete, parameterised by model, form, filter and template. The route's declaration (core.routing.page)
has already fetched the object or the scoped queryset and checked the action; these functions validate
the form, save inside a transaction that re-checks the user may still act on what was saved, and answer
with the shared templates of core/templates/core/generic/ or the app's own.

`nav` names the app's navigation template shown above a form. An app's view is then a declaration: `generic.edit(request, activity, ActivityForm, title=…)`; what a page
does beyond the shape goes in its arguments (`context`, `save`, `cancel`), not in a copied view.
"""

from collections.abc import Callable

from django.contrib import messages
from django.db import transaction
from django.db.models import ProtectedError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from .paging import page_of
from .organisation_choice import organisations_for
from .scoping import can, scoped

FORM = "core/generic/form.html"
CONFIRM_DELETE = "core/generic/confirm_delete.html"

get_or_post = require_http_methods(["GET", "POST"])


class OutOfScope(Exception):
    """The saved object is no longer within what the user may act on; the transaction was rolled back."""


def safe_next(request, default: str = "", candidate: str | None = None) -> str:
    """`candidate` (by default the request's `next`) if it stays on this site, else `default`."""
    if candidate is None:
        candidate = request.POST.get("next") or request.GET.get("next")
    if candidate and url_has_allowed_host_and_scheme(candidate, allowed_hosts={request.get_host()},
                                                     require_https=request.is_secure()):
        return candidate
    return default


def is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def visible(request, queryset):
    """What the user sees of another model shown beside the route's own (a page's secondary lists)."""
    return scoped(queryset, request.user, "view")


def may_add(user, model) -> bool:
    return organisations_for(user, model, "add").exists()


def organisation_param(request, model):
    """The `?organisation=` the user may add to, to preselect it in a create form."""
    value = request.GET.get("organisation")
    if not value or len(value) != 36:
        return None
    return organisations_for(request.user, model, "add").filter(uuid=value).first()


def save_checked(form, user, action: str):
    """form.save() in a transaction that rolls back (OutOfScope) unless `user` may `action` the result."""
    with transaction.atomic():
        obj = form.save()
        if not can(user, action, obj):
            raise OutOfScope
    return obj


def save_form(request, form, action: str, save: Callable = save_checked):
    try:
        return save(form, request.user, action)
    except OutOfScope:
        raise Http404 from None


def object_list(request, objects, *, template: str, related=("organisation",), context=None):
    """A page of the scoped objects (a nation's thousands are never listed at once)."""
    page = page_of(request, objects.select_related(*related))
    return render(request, template, {"objects": page, "page_obj": page,
                                      "may_add": may_add(request.user, objects.model), **(context or {})})


def detail(request, obj, *, template: str, name: str = "object", context=None):
    return render(request, template, {name: obj, "object": obj, "can_change": can(request.user, "change", obj),
                                      **(context or {})})


def create(request, form_class, *, title: str, cancel: str, template: str = FORM, context=None, nav: str = "",
           save: Callable = save_checked, **form_kwargs):
    """The create form of an organisation-owned object; the declaration checked the user may add somewhere."""
    model = form_class._meta.model
    form = form_class(request.POST or None, user=request.user, organisation=organisation_param(request, model),
                      **form_kwargs)
    if request.method == "POST" and form.is_valid():
        obj = save_form(request, form, "add", save)
        messages.success(request, _("“%(name)s” was created.") % {"name": obj})
        return redirect(obj)
    return render(request, template, {"form": form, "title": title, "cancel": cancel, "nav": nav,
                                      **(context or {})})


def edit(request, obj, form_class, *, title: str, cancel: str | None = None, template: str = FORM, context=None,
         nav: str = "", save: Callable = save_checked, action: str = "change", created: bool = False,
         back: str | None = None, **form_kwargs):
    """The change form of `obj` (or of a new child object built by the view: `created=True`); once saved,
    to `back` or the saved object's page."""
    form = form_class(request.POST or None, instance=obj, **form_kwargs)
    if request.method == "POST" and form.is_valid():
        saved = save_form(request, form, action, save)
        done = _("“%(name)s” was created.") if created else _("“%(name)s” was saved.")
        messages.success(request, done % {"name": saved})
        return redirect(back or saved)
    return render(request, template, {"form": form, "title": title, "object": obj, "nav": nav,
                                      "cancel": cancel or obj.get_absolute_url(), **(context or {})})


def delete(request, obj, *, back: str, cancel: str, template: str = CONFIRM_DELETE, context=None):
    """A confirmation page on GET; on POST the deletion, refused with a message while something needs it."""
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
    return render(request, template, {"object": obj, "cancel": cancel, **(context or {})})
