"""One filter per listed model of directory audits, shared by the API lists (the pages list a directory's
audits and an audit's findings, unfiltered)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from vigie.core.filters import FilterSet, choices_or_any, organisation_filter
from vigie.core.scoping import scoped

from .models import Audit, Directory, Finding


class DirectoryFilter(FilterSet):
    organisation = organisation_filter(Directory)


class AuditFilter(FilterSet):
    directory = forms.ModelChoiceField(label=_("Directory"), required=False, queryset=Directory.objects.none(),
                                       to_field_name="uuid")
    status = forms.ChoiceField(label=_("Status"), required=False, choices=choices_or_any(Audit.Status.choices,
                                                                                          _("All")))
    organisation = organisation_filter(Audit)

    exact = ("directory", "status")

    def __init__(self, data=None, *, user, **kwargs):
        super().__init__(data, user=user, **kwargs)
        self.fields["directory"].queryset = scoped(Directory.objects.all(), user, "view")


class FindingFilter(FilterSet):
    audit = forms.ModelChoiceField(label=_("Audit"), required=False, queryset=Audit.objects.none(),
                                   to_field_name="uuid")
    rule_id = forms.CharField(label=_("Rule"), required=False, max_length=100)
    level = forms.IntegerField(label=_("Level"), required=False, min_value=1, max_value=5)
    organisation = organisation_filter(Finding)

    exact = ("audit", "rule_id", "level")

    def __init__(self, data=None, *, user, **kwargs):
        super().__init__(data, user=user, **kwargs)
        self.fields["audit"].queryset = scoped(Audit.objects.all(), user, "view")
