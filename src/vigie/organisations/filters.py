"""One filter per listed model of the tree, shared by the API lists (the tree page has its own search,
`services.search`, capped for the national tree)."""

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from vigie.core.filters import FilterSet, choices_or_any, organisation_filter
from vigie.core.organisation_choice import OrganisationField

from .finess import normalise
from .models import Contact, Kind


class OrganisationFilter(FilterSet):
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=choices_or_any(Kind.choices, _("All")))
    parent = OrganisationField(label=_("Parent"), required=False, help_text=_("Only its children."))
    search = forms.CharField(label=_("Name or FINESS"), required=False, max_length=200)

    exact = ("kind", "parent")

    def narrow(self, queryset: QuerySet, data: dict) -> QuerySet:
        if data["search"]:
            queryset = queryset.filter(Q(name__icontains=data["search"])
                                       | Q(finess__startswith=normalise(data["search"])))
        return queryset


class ContactFilter(FilterSet):
    organisation = organisation_filter(Contact)
    function = forms.ChoiceField(label=_("Function"), required=False,
                                 choices=choices_or_any(Contact.Function.choices, _("All")))
    search = forms.CharField(label=_("Name or e-mail"), required=False, max_length=200)

    exact = ("function",)

    def narrow(self, queryset: QuerySet, data: dict) -> QuerySet:
        if data["search"]:
            queryset = queryset.filter(Q(name__icontains=data["search"]) | Q(email__icontains=data["search"]))
        return queryset
