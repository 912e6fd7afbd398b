"""Forms of the trajectories: shape only, the rules are in the models (clean) and trajectories.py."""

from django import forms
from django.utils.translation import gettext_lazy as _

from vigie.core.organisation_choice import OrganisationField
from vigie.organisations.models import Kind

from ..models import BudgetDeclaration, IdentityApplication, IdentityIndicators, Means
from . import DateInput


class TenantForm(forms.ModelForm):
    """The organisation is chosen among those where the user may add this kind of object."""

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields.get("organisation")
        if field is not None:
            if self.instance.pk:
                del self.fields["organisation"]  # an object stays with its organisation
            else:
                self.fields["organisation"] = OrganisationField(
                    model=self._meta.model, action="add", exclude_kinds=(Kind.NATIONAL, Kind.REGION),
                    label=field.label, help_text=field.help_text)
                self.fields["organisation"].offer(user)


class IdentityApplicationForm(TenantForm):
    means = forms.MultipleChoiceField(label=_("Authentication means"), choices=Means.choices,
                                      widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = IdentityApplication
        fields = ["organisation", "name", "patient_record", "means", "pro_sante_connect", "homologation",
                  "homologated_on", "note"]
        widgets = {"homologated_on": DateInput(), "note": forms.Textarea(attrs={"rows": 2})}


class IdentityIndicatorsForm(TenantForm):
    class Meta:
        model = IdentityIndicators
        fields = ["organisation", "year", "measured_on", "doctors_nurses", "doctors_nurses_2fa", "all_users",
                  "all_users_2fa", "dmp_patients", "dmp_consents", "dmp_users", "dmp_consulting"]
        widgets = {"measured_on": DateInput()}


class BudgetDeclarationForm(TenantForm):
    class Meta:
        model = BudgetDeclaration
        fields = ["organisation", "year", "total_budget", "digital_budget", "cyber_budget", "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 2})}
