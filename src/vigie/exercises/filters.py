"""One filter per listed model of exercises, shared by its page and its API list."""

from django import forms
from django.utils.translation import gettext_lazy as _

from vigie.core.filters import FilterSet, choices_or_any, organisation_filter

from .models import CrisisLog, Exercise, Incident


class ExerciseFilter(FilterSet):
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=choices_or_any(Exercise.Status.choices, _("All")))
    organisation = organisation_filter(Exercise)

    exact = ("status",)


class IncidentFilter(FilterSet):
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=choices_or_any(Incident.Status.choices, _("All")))
    organisation = organisation_filter(Incident)

    exact = ("status",)


class CrisisLogFilter(FilterSet):
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=choices_or_any(CrisisLog.Kind.choices,
                                                                                      _("All")))
    organisation = organisation_filter(CrisisLog)

    exact = ("kind",)
