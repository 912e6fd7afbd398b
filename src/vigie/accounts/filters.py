"""Filters for listed models: the same class filters the page, its CSV export and the API list."""

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from vigie.core.filters import DateRangeMixin, FilterSet, choices_or_any, day_range, organisation_filter
from vigie.core.roles import Role
from vigie.core.scoping import scoped

from .models import AuditEvent, RoleAssignment, User


class AuditEventFilter(DateRangeMixin, FilterSet):
    action = forms.ChoiceField(label=_("Action"), required=False,
                               choices=choices_or_any(AuditEvent.Action.choices, _("Any action")))
    username = forms.CharField(label=_("User"), required=False, max_length=150)
    organisation = organisation_filter(None, action="audit")  # the subtrees the user administers

    field_order = ("action", "username", "date_from", "date_to", "organisation")
    exact = ("action",)
    organisation_path = "organisation_path"

    def narrow(self, queryset: QuerySet, data: dict) -> QuerySet:
        if data["username"]:
            queryset = queryset.filter(username__icontains=data["username"])
        return day_range(queryset, "at", data["date_from"], data["date_to"])


class RoleAssignmentFilter(FilterSet):
    organisation = organisation_filter(RoleAssignment)
    user = forms.ModelChoiceField(label=_("User"), required=False, queryset=User.objects.none(), to_field_name="uuid")
    role = forms.TypedChoiceField(label=_("Role"), required=False, coerce=int, empty_value=None,
                                  choices=choices_or_any(Role.choices, _("Any role")))

    exact = ("user", "role")

    def __init__(self, data=None, *, user, **kwargs):
        super().__init__(data, user=user, **kwargs)
        self.fields["user"].queryset = scoped(User.objects.all(), user, "view")
