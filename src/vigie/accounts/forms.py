"""Forms of the accounts pages: they describe shape; the rules and the work live in services.py."""

from django import forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from vigie.core.organisation_choice import OrganisationField
from vigie.core.roles import Role, grantable
from vigie.core.scoping import highest_role

from .models import User


class LoginForm(forms.Form):
    username = forms.CharField(
        label=_("Username"), max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True, "autocapitalize": "none"}),
    )
    password = forms.CharField(
        label=_("Password"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"), max_length=40,
        help_text=_("The 6-digit code shown by your authenticator app, or one of your recovery codes."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True, "autocapitalize": "none"}),
    )


class TotpCodeForm(forms.Form):
    code = forms.RegexField(
        label=_("Code from your authenticator app"), regex=r"^\s*\d{3}\s?\d{3}\s*$", max_length=8,
        error_messages={"invalid": _("Enter the 6 digits shown by your authenticator app.")},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["first_name", "last_name", "email"]


class TokenForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100,
                           help_text=_("What the token is for, e.g. the script or tool using it."))
    expires_in_days = forms.IntegerField(
        label=_("Expires after (days)"), required=False, min_value=1, max_value=3650,
        help_text=_("Leave empty for a token that does not expire."),
    )


class UserCreateForm(forms.Form):
    username = forms.RegexField(
        label=_("Username"), max_length=150, regex=r"^[\w.@+-]+\Z",
        error_messages={"invalid": _("Letters, digits and @ . + - _ only.")},
    )
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    email = forms.EmailField(label=_("E-mail"))
    organisation = OrganisationField(
        action="audit", help_text=_("The node the role is granted on; it covers everything below it."),
    )  # the nodes the user administers
    role = forms.TypedChoiceField(label=_("Role"), choices=Role.choices, coerce=int)

    def __init__(self, *args, admin, **kwargs):
        super().__init__(*args, **kwargs)
        self.admin = admin
        self.fields["organisation"].offer(admin)

    def clean_username(self):
        username = self.cleaned_data["username"]
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("This username is already taken."))
        return username

    def clean(self):
        cleaned = super().clean()
        organisation, role = cleaned.get("organisation"), cleaned.get("role")
        if organisation is not None and role is not None:
            mine = highest_role(self.admin, organisation)
            if mine is None or role > mine:
                self.add_error("role", _("You cannot grant a role above your own on this organisation."))
            elif not grantable(role, organisation.kind):
                self.add_error("role", _("The role %(role)s is granted on a region only.") % {"role": Role(role).label})
        return cleaned


def password_help() -> str:
    return password_validation.password_validators_help_text_html()
