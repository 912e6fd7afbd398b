"""Forms describe shape only: rules live in the models' clean() and in services.py.

Every organisation and person a form offers comes from a scoped queryset.
"""

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vigie.core.organisation_choice import OrganisationField
from vigie.core.scoping import scoped

from .deadlines import catalogue
from .filters import colleagues
from .models import Action, DeadlineCompletion, Status

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class RulesForm(forms.ModelForm):
    """Shows Model.clean() errors on fields the form does not display as form-wide errors."""

    def add_error(self, field, error):
        if field is None and isinstance(error, ValidationError) and hasattr(error, "error_dict"):
            remapped: dict[str, list] = {}
            for name, errors in error.error_dict.items():
                key = name if name == NON_FIELD_ERRORS or name in self.fields else NON_FIELD_ERRORS
                remapped.setdefault(key, []).extend(errors)
            error = ValidationError(remapped)
        super().add_error(field, error)


class ActionForm(RulesForm):
    organisation = OrganisationField(model=Action, action="add")
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=None, required=False, to_field_name="uuid",
                                   empty_label=_("Nobody yet"))

    class Meta:
        model = Action
        fields = ["organisation", "title", "description", "owner", "due", "priority", "status"]
        widgets = {"due": DATE, "description": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        creating = self.instance.pk is None
        if creating:
            self.fields["organisation"].offer(user)
        owners = colleagues(user)
        if not creating:
            org = self.instance.organisation
            prefixes = [org.path[: 7 * i] for i in range(1, org.depth + 1)]
            owners = get_user_model().objects.filter(is_active=True, roles__organisation__path__in=prefixes)
            owners = owners.distinct().order_by("username")
            self.fields["status"].choices = [
                (s, Status(s).label) for s in [self.instance.status, *self.instance.allowed_statuses()]]
            del self.fields["organisation"]
        else:
            del self.fields["status"]
        self.fields["owner"].queryset = owners


class NoteForm(forms.Form):
    text = forms.CharField(label=_("Progress note"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)


class MoveForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=Status.choices)


class MergeForm(forms.Form):
    duplicates = forms.ModelMultipleChoiceField(
        label=_("Duplicates to merge into this action"), queryset=None, to_field_name="uuid",
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, survivor: Action, user, **kwargs):
        super().__init__(*args, **kwargs)
        candidates = scoped(Action.objects.all(), user, "change").filter(
            organisation=survivor.organisation, merged_into__isnull=True).exclude(pk=survivor.pk)
        self.fields["duplicates"].queryset = candidates.in_order()


class CompletionForm(RulesForm):
    organisation = OrganisationField(model=DeadlineCompletion, action="add")
    deadline = forms.ChoiceField(label=_("Deadline"))

    class Meta:
        model = DeadlineCompletion
        fields = ["organisation", "deadline", "done_on", "reference"]
        widgets = {"done_on": DATE}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].kinds = tuple(catalogue().kinds())
        self.fields["organisation"].offer(user)
        self.fields["deadline"].choices = [(d.code, d.title()) for d in catalogue()]
        self.fields["done_on"].initial = timezone.localdate()
