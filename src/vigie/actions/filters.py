"""One filter for actions: the list page, the board, the calendar, the exports and the API list use it.

Every condition becomes SQL; the organisation filter is a prefix condition on the tree's path.
"""

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vigie.core.filters import FilterSet, choices_or_any, organisation_filter
from vigie.core.organisation_choice import organisations_for
from vigie.core.roles import Role
from vigie.core.scoping import visibility
from vigie.organisations.models import Kind

from .models import ACTIVE, Action, Priority, Source, Status

ACTIVE_CHOICE = "active"


def colleagues(user):
    """Active users holding a role somewhere the user can see: who may be named owner or filtered on."""
    condition = visibility(user, Role.READER, "roles__organisation__path")
    users = get_user_model().objects.filter(is_active=True)
    if condition is None:
        return users.filter(pk=user.pk)
    return users.filter(condition).distinct().order_by("username")


def filter_organisations(user):
    """Nodes to filter on (each with its subtree): the visible tree above the sites."""
    return organisations_for(user, Action, exclude_kinds=(Kind.SITE,))


class ActionFilter(FilterSet):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    status = forms.ChoiceField(label=_("Status"), required=False, choices=choices_or_any(
        [(ACTIVE_CHOICE, _("Open or in progress")), *Status.choices], _("Any status")))
    priority = forms.ChoiceField(label=_("Priority"), required=False,
                                 choices=choices_or_any(Priority.choices, _("Any priority")))
    source = forms.ChoiceField(label=_("Source"), required=False, choices=choices_or_any(Source.choices,
                                                                                          _("Any source")))
    owner = forms.ModelChoiceField(label=_("Owner"), required=False, queryset=None, to_field_name="uuid",
                                   empty_label=_("Anyone"))
    mine = forms.BooleanField(label=_("Mine only"), required=False)
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
    # The nodes to filter on (each with its subtree): the visible tree above the sites.
    organisation = organisation_filter(Action, exclude_kinds=(Kind.SITE,))

    exact = ("priority", "source", "owner")

    def __init__(self, data=None, *, user, **kwargs):
        super().__init__(data, user=user, **kwargs)
        self.fields["owner"].queryset = colleagues(user)

    def narrow(self, queryset: QuerySet, data: dict) -> QuerySet:
        if data["q"]:
            queryset = queryset.filter(title__icontains=data["q"])
        if data["status"] == ACTIVE_CHOICE:
            queryset = queryset.filter(status__in=ACTIVE)
        elif data["status"]:
            queryset = queryset.filter(status=data["status"])
        if data["mine"]:
            queryset = queryset.filter(owner=self.user)
        if data["overdue"]:
            queryset = queryset.filter(status__in=ACTIVE, due__lt=timezone.localdate())
        return queryset
