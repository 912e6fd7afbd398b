"""Forms of the funding declarations: shape only, the rules are in the model and declarations.py."""

from django import forms
from django.utils.translation import gettext_lazy as _

from vigie.core.organisation_choice import OrganisationField
from vigie.core.scoping import visibility
from vigie.organisations.models import Organisation

from ..declarations import ESTABLISHMENT, calls
from ..models import CallDate, Declaration, FundingCall
from ..models.declarations import CANDIDATE_KINDS
from . import DateInput


def candidates_for(user):
    """GHTs and legal entities on which the user holds the establishment's role (a role on the node itself,
    or on a GHT/legal entity above it), limited to what the user sees."""
    condition = visibility(user, ESTABLISHMENT.minimum, "path")
    if condition is None:
        return Organisation.objects.none()
    return Organisation.objects.filter(condition, kind__in=CANDIDATE_KINDS).order_by("path")


class DeclarationCreateForm(forms.Form):
    organisation = OrganisationField(label=_("Candidate"), kinds=CANDIDATE_KINDS,
                                     help_text=_("A GHT files one dossier for all its members; a legal "
                                                 "entity outside any GHT files its own."))
    call = forms.ModelChoiceField(label=_("Funding call"), queryset=FundingCall.objects.none(), to_field_name="key")
    reference = forms.CharField(label=_("Dossier number"), max_length=64, required=False)
    amount_requested = forms.DecimalField(label=_("Amount requested (EUR)"), max_digits=12, decimal_places=2,
                                          required=False)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].offer(user, candidates_for(user))
        self.fields["call"].queryset = calls()


class DeclarationEditForm(forms.ModelForm):
    class Meta:
        model = Declaration
        fields = ["reference", "amount_requested", "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 3})}

    def _post_clean(self):  # the service validates the model
        pass


class TransitionForm(forms.Form):
    step = forms.CharField(widget=forms.HiddenInput)
    comment = forms.CharField(label=_("Comment"), required=False, max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 2}))
    amount_paid = forms.DecimalField(label=_("Amount paid (EUR)"), max_digits=12, decimal_places=2, required=False,
                                     min_value=0)


class CommentForm(forms.Form):
    comment = forms.CharField(label=_("Comment"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class CallDateForm(forms.ModelForm):
    class Meta:
        model = CallDate
        fields = ["date", "source"]
        widgets = {"date": DateInput()}
