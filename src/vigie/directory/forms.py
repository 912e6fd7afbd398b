"""Shapes only: the rules live in the models (clean) and services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from vigie.core.organisation_choice import OrganisationField

from .models import Directory


class DirectoryForm(forms.ModelForm):
    new_password = forms.CharField(
        label=_("Password"), required=False, strip=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=_("Never shown back. Leave empty to keep the stored password."),
    )
    clear_password = forms.BooleanField(label=_("Remove the stored password"), required=False)
    organisation = OrganisationField(model=Directory, action="add", to_field_name=None)

    class Meta:
        model = Directory
        fields = ["organisation", "name", "domain", "dedicated_backup", "server", "port", "security", "auth_method",
                  "username", "kerberos_host", "base_dn", "ca_certificate", "verify_certificate", "scheduled", "audit_every_months",
                  "next_due"]
        widgets = {"ca_certificate": forms.Textarea(attrs={"rows": 4}),
                   "next_due": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].offer(user)
        if self.instance.pk:
            self.fields["organisation"].disabled = True
            self.fields["new_password"].label = _("Replace the password") if self.instance.has_password \
                else _("Password")
        else:
            del self.fields["clear_password"]

    def save(self, commit=True):
        directory = super().save(commit=False)
        if self.cleaned_data.get("clear_password"):
            directory.set_password("")
        elif self.cleaned_data.get("new_password"):
            directory.set_password(self.cleaned_data["new_password"])
        if commit:
            directory.save()
        return directory


class SnapshotUploadForm(forms.Form):
    snapshot = forms.FileField(label=_("Snapshot file (.jsonl.gz)"))

