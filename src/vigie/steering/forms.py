from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

FIRST_YEAR = 2023  # the CaRE programme was announced at the end of 2023


class ReportForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        this_year = timezone.localdate().year  # read per form: the bound moves on the 1st of January
        self.fields["year"] = forms.IntegerField(label=_("Year"), min_value=FIRST_YEAR, max_value=this_year,
                                                 initial=this_year)


class MonitoringForm(forms.Form):
    format = forms.ChoiceField(label=_("Format"), choices=[("csv", "CSV"), ("xlsx", "XLSX (Excel)")],
                               initial="xlsx")
