"""One filter per listed model of compliance, shared by its page and its API list."""

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from vigie.core.filters import FilterSet, choices_or_any, organisation_filter

from .models import Assessment, Declaration, Evidence


class AssessmentFilter(FilterSet):
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=choices_or_any(Assessment.Status.choices, _("All")))
    framework = forms.SlugField(label=_("Framework"), required=False, max_length=64,
                                help_text=_("Its key, e.g. care-d2"))
    organisation = organisation_filter(Assessment)

    exact = ("status",)

    def narrow(self, queryset: QuerySet, data: dict) -> QuerySet:
        return queryset.filter(version__framework__key=data["framework"]) if data["framework"] else queryset


class EvidenceFilter(FilterSet):
    requirement = forms.CharField(label=_("Requirement (framework:CODE)"), required=False, max_length=100)
    organisation = organisation_filter(Evidence)

    def clean_requirement(self) -> str:
        reference = self.cleaned_data["requirement"].strip()
        if reference and ":" not in reference:
            raise forms.ValidationError(_("Give the framework and the code, e.g. care-d2:D2.P1."))
        return reference

    def narrow(self, queryset: QuerySet, data: dict) -> QuerySet:
        if not data["requirement"]:
            return queryset
        key, _sep, code = data["requirement"].partition(":")
        return queryset.filter(targets__framework_key=key, targets__code=code)


class DeclarationFilter(FilterSet):
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=choices_or_any(Declaration.Status.choices, _("All")))
    call = forms.SlugField(label=_("Funding call"), required=False, max_length=64, help_text=_("Its key"))
    organisation = organisation_filter(Declaration)

    exact = ("status",)

    def narrow(self, queryset: QuerySet, data: dict) -> QuerySet:
        return queryset.filter(call__key=data["call"]) if data["call"] else queryset
