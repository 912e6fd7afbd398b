"""Choosing an organisation in a form or a filter, at any scale: one helper says which organisations a user
may act on for a model and an action, one field offers them.

Up to `SELECT_LIMIT` choices the field is a plain <select>. Beyond, a national user would get a drop-down of
4,000 establishments: the field becomes a text input where one types a FINESS number or a name, validated by
the server (so it works without JavaScript), and organisation-search.js fills its suggestions from
`search()`, a JSON route scoped by the same helper. The tree model is named by its label, as scoping names
the role model: core imports no domain app.
"""

import copy
import re
import uuid as uuid_module

from django import forms
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.forms.models import ModelChoiceIterator
from django.forms.utils import flatatt
from django.http import JsonResponse
from django.templatetags.static import static
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .scoping import visibility

TREE_MODEL = "organisations.Organisation"
SELECT_LIMIT = 300
SEARCH_RESULTS = 20
FINESS = re.compile(r"\b([0-9][0-9AB][0-9]{7})\b", re.IGNORECASE)
SCRIPT = "core/organisation-search.js"


def tree_model():
    return apps.get_model(TREE_MODEL)


def organisations_for(user, model, action: str = "view", *, kinds=(), exclude_kinds=()) -> QuerySet:
    """Organisations under a node where the user holds the role `model` needs for `action` (one prefix
    condition on the path), optionally only of `kinds` or without `exclude_kinds`, in tree order."""
    minimum = model.required_role(action)
    condition = visibility(user, minimum, "path") if minimum is not None else None
    if condition is None:
        return tree_model().objects.none()
    queryset = tree_model().objects.filter(condition)
    if kinds:
        queryset = queryset.filter(kind__in=kinds)
    if exclude_kinds:
        queryset = queryset.exclude(kind__in=exclude_kinds)
    return queryset.order_by("path")


def label(organisation) -> str:
    """What the field shows and accepts back: the name, and the FINESS number when there is one."""
    return f"{organisation.name} ({organisation.finess})" if organisation.finess else organisation.name


def matching(queryset: QuerySet, text: str) -> QuerySet:
    """Organisations of `queryset` a typed text names: a UUID, a FINESS number (alone or in a label), or else
    the exact name (or the label without its FINESS)."""
    text = text.strip()
    try:
        return queryset.filter(uuid=uuid_module.UUID(text))
    except ValueError:
        pass
    if found := FINESS.search(text):
        return queryset.filter(finess__iexact=found.group(1))
    return queryset.filter(name__iexact=text)


class OrganisationWidget(forms.Select):
    """A <select> up to SELECT_LIMIT choices, beyond that a search input with suggestions."""

    search_params: dict = {}

    def render(self, name, value, attrs=None, renderer=None):
        iterator = self.choices
        if not isinstance(iterator, ModelChoiceIterator):
            return super().render(name, value, attrs, renderer)
        rows = list(iterator.queryset[:SELECT_LIMIT + 1])  # one query decides, and fills the <select>
        if len(rows) <= SELECT_LIMIT:
            select = copy.copy(self)
            empty = [("", iterator.field.empty_label)] if iterator.field.empty_label is not None else []
            select.choices = empty + [iterator.choice(row) for row in rows]
            return forms.Select.render(select, name, value, attrs, renderer)
        attrs = self.build_attrs(self.attrs, attrs)
        list_id = f"{attrs.get('id') or name}-suggestions"
        url = reverse("core:organisation_search") + "?" + urlencode(self.search_params)
        own = {"id": attrs.get("id") or name, "list": list_id, "autocomplete": "off",
               "data-organisation-search": url, "placeholder": gettext("FINESS number or name")}
        return format_html('<input type="search" name="{}" value="{}"{}><datalist id="{}"></datalist>'
                           '<script src="{}" defer></script>',
                           name, self.shown(value), flatatt({**attrs, **own}), list_id, static(SCRIPT))

    def shown(self, value) -> str:
        """The input's text: the chosen organisation's label, or what was typed."""
        if value in (None, ""):
            return ""
        if isinstance(value, tree_model()):
            return label(value)
        queryset = self.choices.queryset
        found = queryset.filter(pk=value).first() if isinstance(value, int) else matching(queryset, str(value)).first()
        return label(found) if found is not None else str(value)


class OrganisationField(forms.ModelChoiceField):
    """An organisation among those the user may act on for `model` and `action` (`offer(user)` sets them).
    Accepts the UUID a <select> posts, or a FINESS number or name typed in the search input."""

    widget = OrganisationWidget
    default_error_messages = {
        "invalid_choice": _("No organisation you may choose matches “%(value)s”: type its FINESS number or name."),
        "ambiguous": _("Several organisations are named “%(value)s”: type the FINESS number."),
    }

    def __init__(self, *, model=None, action: str = "view", kinds=(), exclude_kinds=(), **kwargs):
        kwargs.setdefault("queryset", tree_model().objects.none())
        kwargs.setdefault("to_field_name", "uuid")
        kwargs.setdefault("label", _("Organisation"))
        super().__init__(**kwargs)
        self.model, self.action, self.kinds, self.exclude_kinds = model, action, tuple(kinds), tuple(exclude_kinds)

    def offer(self, user, queryset: QuerySet | None = None) -> None:
        """Offer what `organisations_for` gives the user (or `queryset`, a part of it)."""
        model = self.model or tree_model()
        if queryset is None:
            queryset = organisations_for(user, model, self.action, kinds=self.kinds, exclude_kinds=self.exclude_kinds)
        self.queryset = queryset
        self.widget.search_params = {"model": model._meta.label_lower, "action": self.action,
                                     **({"kinds": ",".join(self.kinds)} if self.kinds else {}),
                                     **({"exclude": ",".join(self.exclude_kinds)} if self.exclude_kinds else {})}

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, tree_model()):
            return value
        try:
            return super().to_python(value)  # what a <select> posts
        except ValidationError:
            pass
        if isinstance(value, int) and (found := self.queryset.filter(pk=value).first()):
            return found  # a form's initial value: the primary key
        found = list(matching(self.queryset, str(value))[:2])
        if len(found) == 1:
            return found[0]
        code = "ambiguous" if found else "invalid_choice"
        raise ValidationError(self.error_messages[code], code=code, params={"value": str(value).strip()})


def search(request, organisations):
    """Up to SEARCH_RESULTS organisations the user may act on for `model` and `action` whose name contains
    `q` or whose FINESS number starts with it: the search input's suggestions. `organisations`, those the
    user sees, comes from the route's declaration (core.urls); the suggestions are among them."""
    try:
        model = apps.get_model(request.GET.get("model") or TREE_MODEL)
    except (LookupError, ValueError):
        return JsonResponse({"error": gettext("Unknown model.")}, status=400)
    if not hasattr(model, "required_role"):
        return JsonResponse({"error": gettext("Unknown model.")}, status=400)
    split = lambda key: [k for k in request.GET.get(key, "").split(",") if k]  # noqa: E731
    queryset = organisations.filter(pk__in=organisations_for(
        request.user, model, request.GET.get("action") or "view", kinds=split("kinds"), exclude_kinds=split("exclude")
    ).values("pk"))
    text = request.GET.get("q", "").strip()
    if text:
        queryset = queryset.filter(Q(name__icontains=text) | Q(finess__istartswith=text.replace(" ", "")))
    rows = queryset.only("uuid", "name", "finess").order_by("name", "path")[:SEARCH_RESULTS]
    return JsonResponse({"results": [{"uuid": str(o.uuid), "label": label(o)} for o in rows]})
