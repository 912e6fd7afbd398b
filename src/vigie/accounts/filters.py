"""Filters for listed models: the same class filters the page, its CSV export and the API list."""

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from vigie.core.filters import DateRangeMixin, FilterSet, choices_or_any, day_range, organisation_filter

from .models import AuditEvent


class AuditEventFilter(DateRangeMixin, FilterSet):
    action = forms.ChoiceField(label=_("Action"), required=False,
                               choices=choices_or_any(AuditEvent.Action.choices, _("Any action")))
    username = forms.CharField(label=_("User"), required=False, max_length=150)
    organisation = organisation_filter(None, action="audit")  # the subtrees the user administers

    field_order = ("action", "username", "date_from", "date_to", "organisation")
    exact = ("action",)
    organisation_path = "organisation_path"

    def narrow(self, queryset: QuerySet, data: dict) -> QuerySet:
        if data["username"]:
            queryset = queryset.filter(username__icontains=data["username"])
        return day_range(queryset, "at", data["date_from"], data["date_to"])
