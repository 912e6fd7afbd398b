"""Forms describe shape only: every rule lives in Organisation.clean() or in services.py.

Every organisation choice offered by a form comes from a scoped queryset.
"""

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext_lazy as _

from vigie.core.roles import Role
from vigie.core.scoping import scoped

from .finess import normalise
from .models import ALLOWED_PARENTS, Contact, Kind, Organisation
from .services import child_kinds

ORGANISATION_FIELDS = [
    "name", "code", "finess", "legal_status", "activity_share", "bed_count", "address", "email", "phone",
]


class ModelRulesForm(forms.ModelForm):
    """A model form that shows Model.clean() errors on fields it does not display as form-wide errors."""

    def add_error(self, field, error):
        if field is None and isinstance(error, ValidationError) and hasattr(error, "error_dict"):
            remapped: dict[str, list] = {}
            for name, errors in error.error_dict.items():
                key = name if name == NON_FIELD_ERRORS or name in self.fields else NON_FIELD_ERRORS
                remapped.setdefault(key, []).extend(errors)
            error = ValidationError(remapped)
        super().add_error(field, error)


class OrganisationForm(ModelRulesForm):
    finess = forms.CharField(
        label=_("FINESS number"), required=False, max_length=20,
        help_text=Organisation._meta.get_field("finess").help_text,
    )

    class Meta:
        model = Organisation
        fields = ORGANISATION_FIELDS

    def clean_finess(self):
        return normalise(self.cleaned_data.get("finess", "")) or None

    def _post_clean(self):
        super()._post_clean()
        errors = self._errors.get("finess") if self._errors else None
        if errors and len(errors) > 1:  # the model's length rule and finess.py say the same thing
            errors.data[:] = [e for e in errors.as_data() if e.code != "max_length"] or errors.data


class OrganisationCreateForm(OrganisationForm):
    """A new organisation under a fixed parent; only the kinds allowed under that parent are offered."""

    class Meta(OrganisationForm.Meta):
        fields = ["kind", *ORGANISATION_FIELDS]

    def __init__(self, *args, parent: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.parent = parent
        kinds = child_kinds(parent)
        self.fields["kind"].choices = [(k, Kind(k).label) for k in kinds]
        if len(kinds) == 1:
            self.fields["kind"].initial = kinds[0]

    def _post_clean(self):
        if self._errors and "kind" in self._errors:
            return  # the model's rules all depend on the kind: report the kind first
        super()._post_clean()


class OrganisationEditForm(OrganisationForm):
    """Edit, and move to another parent only where the user may add organisations."""

    class Meta(OrganisationForm.Meta):
        fields = ["parent", *ORGANISATION_FIELDS]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        org = self.instance
        may_move = scoped(Organisation.objects.filter(pk=org.pk), user, "move").exists()
        if org.kind == Kind.NATIONAL or org.parent_id is None or not may_move:
            del self.fields["parent"]
            return
        destinations = scoped(
            Organisation.objects.filter(kind__in=ALLOWED_PARENTS[org.kind]), user, "add"
        ).exclude(path__startswith=org.path)
        current = Organisation.objects.filter(pk=org.parent_id)  # staying put is not a move
        field = self.fields["parent"]
        field.queryset = (destinations | current).distinct().order_by("path")
        field.required = True
        field.empty_label = None
        field.help_text = _("Moving is possible only under an organisation where you may add organisations.")


class ContactForm(forms.ModelForm):
    class Meta:
        model = Contact
        fields = ["name", "function", "email", "phone"]


class GrantForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150)
    role = forms.TypedChoiceField(label=_("Role"), coerce=int)

    def __init__(self, *args, granter_role: Role | None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [
            (value, label) for value, label in Role.choices if granter_role is not None and value <= granter_role
        ]


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("File"), help_text=_("CSV (UTF-8, separated by ; or ,) or Excel workbook (.xlsx).")
    )
