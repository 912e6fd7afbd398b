"""One filter per listed model of exposure, shared by its page, its API list and its export."""

from django import forms
from django.utils.translation import gettext_lazy as _

from vigie.core.filters import FilterSet, choices_or_any, organisation_filter

from .models import Asset, Audit, Finding, Scan, ScopeEntry, Severity


class FindingFilter(FilterSet):
    """Open findings unless another status (or any, given empty) is asked: the page, the API and the
    export agree."""

    status = forms.ChoiceField(label=_("Status"), required=False, choices=choices_or_any(Finding.Status.choices,
                                                                                          _("All")))
    severity = forms.ChoiceField(label=_("Severity"), required=False, choices=choices_or_any(Severity.choices,
                                                                                              _("All")))
    check_id = forms.CharField(label=_("Check"), required=False, max_length=100)
    organisation = organisation_filter(Finding)

    defaults = {"status": Finding.Status.OPEN}
    exact = ("status", "severity", "check_id")


class ScopeEntryFilter(FilterSet):
    organisation = organisation_filter(ScopeEntry)


class ScanFilter(FilterSet):
    organisation = organisation_filter(Scan)


class AssetFilter(FilterSet):
    organisation = organisation_filter(Asset)


class AuditFilter(FilterSet):
    organisation = organisation_filter(Audit)
