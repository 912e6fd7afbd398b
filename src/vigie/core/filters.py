"""One filter class per listed model: its page, its API list and its export read the same parameters,
validate them the same way and apply the same defaults.

A filter is a Django form (the page renders it and shows its errors) whose valid data narrows a queryset in
SQL. A parameter left out of the query takes the filter's `defaults`; given empty, it means "any". A bad value
is never a silent empty list: the page shows the form's error, the API answers 422 naming the parameter, and
an invalid filter narrows nothing.

Why not django-filter: its FilterSet builds a form of its own and the ninja API would need a third shape
beside it; a plain Django form already renders on the page, and `api_query()` derives the API's parameters
from the same fields, so one class and no new dependency serve the page, the API and the export job.
"""

from datetime import date, datetime, time, timedelta
from functools import cache

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import QueryDict
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from ninja import Schema
from pydantic import Field, create_model

from .organisation_choice import OrganisationField


def organisation_filter(model, **kwargs) -> OrganisationField:
    """The `organisation` parameter of a filter: a node among those where the user may see `model`, which
    keeps that node's subtree."""
    return OrganisationField(model=model, required=False, empty_label=_("All my organisations"),
                             help_text=_("Includes everything below it."), **kwargs)


class FilterSet(forms.Form):
    """Subclasses declare their fields (all optional) and `narrow()`; `exact` names the fields that are a
    plain equality on the column of the same name, `organisation` (when declared) keeps that node's subtree
    through `organisation_path` (the lookup of the row's organisation path)."""

    defaults: dict[str, str] = {}
    exact: tuple[str, ...] = ()
    organisation_path = "organisation__path"

    def __init__(self, data=None, *, user, action: str = "view", **kwargs):
        """`action`: what the rows are for ("view", or "export" for an export): the organisations offered
        are those where the user may do it."""
        super().__init__(self.with_defaults(data), **kwargs)
        self.user = user
        for field in self.fields.values():
            if isinstance(field, OrganisationField):
                field.action = action if field.model is not None else field.action
                field.offer(user)

    @classmethod
    def with_defaults(cls, data) -> QueryDict:
        """The query with the defaults of the parameters it leaves out (`data`: a QueryDict, a dict or None)."""
        merged = QueryDict(mutable=True)
        if data:
            items = data.lists() if hasattr(data, "lists") else (
                (key, value if isinstance(value, (list, tuple)) else [value]) for key, value in data.items())
            for key, values in items:
                merged.setlist(key, [str(value) for value in values])
        for key, value in cls.defaults.items():
            merged.setdefault(key, value)
        return merged

    def narrow(self, queryset: QuerySet, data: dict) -> QuerySet:
        """The filter's own conditions, on valid data (the `exact` and `organisation` ones are applied)."""
        return queryset

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        """Apply the valid filters; an invalid form narrows nothing (its errors are shown, or answered 422)."""
        if not self.is_valid():
            return queryset
        data = self.cleaned_data
        for name in self.exact:
            if data.get(name) not in (None, ""):
                queryset = queryset.filter(**{name: data[name]})
        if data.get("organisation") is not None:
            queryset = queryset.filter(**{f"{self.organisation_path}__startswith": data["organisation"].path})
        return self.narrow(queryset, data)

    def active_filters(self) -> dict:
        """The filters in effect, as text (the audit log of an export records them)."""
        if not self.is_valid():
            return {}
        return {key: _shown(value) for key, value in self.cleaned_data.items() if value not in (None, "", False, [])}

    def params(self) -> dict:
        """The query as given, defaults included: what an export job stores to filter the same rows."""
        return {key: values if len(values) > 1 else values[0] for key, values in self.data.lists()
                if key in self.fields}

    def query_string(self) -> str:
        """The filter's parameters as a query string, for the export's link and the pages' links."""
        query = QueryDict(mutable=True)
        for key, values in self.data.lists():
            if key in self.fields:
                query.setlist(key, values)
        return query.urlencode()

    @classmethod
    def for_api(cls, query: Schema, user, **kwargs) -> "FilterSet":
        """The filter of an API list's parameters (`query`, parsed from `api_query()`). A bad one raises
        ValidationError, which the API answers 422 with every message by parameter (core.api's error map)."""
        form = cls(query.dict(exclude_none=True), user=user, **kwargs)
        if not form.is_valid():
            raise ValidationError(form.errors.as_data())
        return form

    @classmethod
    def api_query(cls) -> type[Schema]:
        """The API's query parameters: the form's, each documented with its label and help."""
        return _api_query(cls)


def _shown(value) -> str:
    if hasattr(value, "path"):  # an organisation: its path names it and its subtree
        return value.path
    if hasattr(value, "get_username"):
        return value.get_username()
    if isinstance(value, (list, tuple)):
        return ",".join(str(v) for v in value)
    return str(value)


@cache
def _api_query(filter_class: type[FilterSet]) -> type[Schema]:
    fields = {}
    for name, field in filter_class.base_fields.items():
        kind = bool if isinstance(field, forms.BooleanField) else int if isinstance(field, forms.IntegerField) else (
            list[str] if isinstance(field, forms.MultipleChoiceField) else str)
        with translation.override("en"):  # the API's description is in English, built once
            description = " ".join(str(part) for part in (field.label, field.help_text) if part)
        if name in filter_class.defaults:
            description += f" (default: {filter_class.defaults[name]}; empty: any)"
        fields[name] = (kind | None, Field(None, description=description))
    return create_model(f"{filter_class.__name__}Query", __base__=Schema, **fields)


def start_of(day: date) -> datetime:
    """Midnight at the start of `day`, in the site's time zone (date filters cover whole days)."""
    return timezone.make_aware(datetime.combine(day, time.min))


def day_range(queryset: QuerySet, lookup: str, start: date | None, end: date | None) -> QuerySet:
    """Rows whose `lookup` (a datetime) falls between the two days, both included."""
    if start:
        queryset = queryset.filter(**{f"{lookup}__gte": start_of(start)})
    if end:
        queryset = queryset.filter(**{f"{lookup}__lt": start_of(end + timedelta(days=1))})
    return queryset


class DateRangeMixin(forms.Form):
    """`date_from` and `date_to`, whole days, the end not before the start."""

    date_from = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date is before the start date."))
        return cleaned


def choices_or_any(choices, any_label) -> list:
    """A choice field's choices with the empty "any" first."""
    return [("", any_label), *choices]
