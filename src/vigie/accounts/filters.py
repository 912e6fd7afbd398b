"""Filters for listed models: the same class filters the page, its CSV export and (later) the API list."""

from datetime import datetime, time, timedelta

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import AuditEvent
from .services import administered_organisations


class AuditEventFilter(forms.Form):
    action = forms.ChoiceField(label=_("Action"), required=False,
                               choices=[("", _("Any action"))] + list(AuditEvent.Action.choices))
    username = forms.CharField(label=_("User"), required=False, max_length=150)
    date_from = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    organisation = forms.ModelChoiceField(label=_("Organisation"), required=False, queryset=None,
                                          to_field_name="uuid", empty_label=_("All my organisations"),
                                          help_text=_("Includes everything below it."))

    def __init__(self, data=None, *, user, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["organisation"].queryset = administered_organisations(user).order_by("path")

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date is before the start date."))
        return cleaned

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        """Apply the valid filters; an invalid form filters nothing more (its errors are shown)."""
        if not self.is_valid():
            return queryset
        data = self.cleaned_data
        if data["action"]:
            queryset = queryset.filter(action=data["action"])
        if data["username"]:
            queryset = queryset.filter(username__icontains=data["username"])
        if data["date_from"]:
            queryset = queryset.filter(at__gte=_start_of(data["date_from"]))
        if data["date_to"]:
            queryset = queryset.filter(at__lt=_start_of(data["date_to"] + timedelta(days=1)))
        if data["organisation"] is not None:
            queryset = queryset.filter(organisation_path__startswith=data["organisation"].path)
        return queryset

    def active_filters(self) -> dict:
        if not self.is_valid():
            return {}
        return {
            key: (value.path if key == "organisation" else str(value))
            for key, value in self.cleaned_data.items() if value not in (None, "")
        }


def _start_of(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))
