"""Shapes only: the rules live in the models (clean), scope.py, findings.py and audits.py."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .audits import FIELDS, PRESETS
from .models import Audit, Schedule, ScopeEntry

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ScopeEntryForm(forms.Form):
    value = forms.CharField(label=_("Domain, host name, address or range"), max_length=253)
    is_domain = forms.BooleanField(label=_("This name is a domain (read its DNS records, look for its subdomains)"),
                                   required=False)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class AttestForm(forms.Form):
    entries = forms.ModelMultipleChoiceField(label=_("Entries"), queryset=ScopeEntry.objects.none(),
                                             widget=forms.CheckboxSelectMultiple)
    name = forms.CharField(label=_("Person who attests"), max_length=200,
                           help_text=_("Who attests the organisation owns these targets or is allowed to test them."))
    function = forms.CharField(label=_("Their function"), max_length=200, help_text=_("e.g. director, RSSI, DSI"))
    until = forms.DateField(label=_("Attestation expires on"), widget=DATE)
    confirm = forms.BooleanField(label=_("I confirm this attestation was given and the organisation may test these "
                                         "targets."))

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["entries"].queryset = ScopeEntry.objects.filter(organisation=organisation)
        self.fields["until"].initial = timezone.localdate() + datetime.timedelta(days=365)


class ScheduleForm(forms.ModelForm):
    class Meta:
        model = Schedule
        fields = ["scheduled", "every_months", "next_due", "ports", "nameservers"]
        widgets = {"next_due": DATE}


class FileForm(forms.Form):
    file = forms.FileField(label=_("File"))


class AcceptRiskForm(forms.Form):
    reason = forms.CharField(label=_("Justification"), widget=forms.Textarea(attrs={"rows": 4}))
    until = forms.DateField(label=_("Accepted until"), widget=DATE)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["until"].initial = timezone.localdate() + datetime.timedelta(days=90)


class ReportImportForm(forms.Form):
    file = forms.FileField(label=_("Report (CSV or XLSX)"))
    provider = forms.ChoiceField(label=_("Provider"), choices=[c for c in Audit.Provider.choices if c[0] != "vigie"])
    title = forms.CharField(label=_("Title"), max_length=200)
    performed_on = forms.DateField(label=_("Performed on"), widget=DATE)
    preset = forms.ChoiceField(label=_("Column names"), required=False, choices=[
        ("", _("As mapped below")), ("ans", _("ANS cyber-surveillance export")), ("generic", _("English names"))])

    LABELS = {"severity": _("Column of the severity"), "asset": _("Column of the affected system"),
              "port": _("Column of the port"), "title": _("Column of the title"),
              "description": _("Column of the description"), "recommendation": _("Column of the recommendation"),
              "category": _("Column of the category")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in FIELDS:
            self.fields[f"map_{field}"] = forms.CharField(label=self.LABELS[field], required=False, max_length=200,
                                                          initial=PRESETS["generic"][field])

    def clean_performed_on(self):
        # An audit dated ahead would wait, unseen, to complete a D1.O2.B pair: most likely a typing slip.
        day = self.cleaned_data["performed_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("This date is in the future: give the day the audit was performed."))
        return day

    def is_preset(self) -> bool:
        return bool(self.cleaned_data.get("preset"))

    def mapping(self) -> dict[str, str]:
        preset = self.cleaned_data.get("preset")
        if preset:
            return dict(PRESETS[preset])
        return {field: self.cleaned_data.get(f"map_{field}", "").strip() for field in FIELDS}
