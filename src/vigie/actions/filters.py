"""One filter for actions: the list page, the board, the calendar, the exports and the API list use it.

Every condition becomes SQL; the organisation filter is a prefix condition on the tree's path.
"""

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vigie.core.roles import Role
from vigie.core.scoping import visibility
from vigie.organisations.models import Kind
from vigie.organisations.services import visible_organisations

from .models import ACTIVE, Priority, Source, Status

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
    return visible_organisations(user).exclude(kind=Kind.SITE).order_by("path")


class ActionFilter(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[
        ("", _("Any status")), (ACTIVE_CHOICE, _("Open or in progress")), *Status.choices])
    priority = forms.ChoiceField(label=_("Priority"), required=False,
                                 choices=[("", _("Any priority")), *Priority.choices])
    source = forms.ChoiceField(label=_("Source"), required=False, choices=[("", _("Any source")), *Source.choices])
    owner = forms.ModelChoiceField(label=_("Owner"), required=False, queryset=None, to_field_name="uuid",
                                   empty_label=_("Anyone"))
    mine = forms.BooleanField(label=_("Mine only"), required=False)
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
    organisation = forms.ModelChoiceField(label=_("Organisation"), required=False, queryset=None,
                                          to_field_name="uuid", empty_label=_("All my organisations"),
                                          help_text=_("Includes everything below it."))

    def __init__(self, data=None, *, user, **kwargs):
        super().__init__(data, **kwargs)
        self.user = user
        self.fields["owner"].queryset = colleagues(user)
        self.fields["organisation"].queryset = filter_organisations(user)

    def filter_queryset(self, queryset: QuerySet, today=None) -> QuerySet:
        """Apply the valid filters; an invalid form filters nothing more (its errors are shown)."""
        if not self.is_bound or not self.is_valid():
            return queryset
        data = self.cleaned_data
        if data["q"]:
            queryset = queryset.filter(title__icontains=data["q"])
        if data["status"] == ACTIVE_CHOICE:
            queryset = queryset.filter(status__in=ACTIVE)
        elif data["status"]:
            queryset = queryset.filter(status=data["status"])
        for name in ("priority", "source"):
            if data[name]:
                queryset = queryset.filter(**{name: data[name]})
        if data["owner"] is not None:
            queryset = queryset.filter(owner=data["owner"])
        if data["mine"]:
            queryset = queryset.filter(owner=self.user)
        if data["overdue"]:
            queryset = queryset.filter(status__in=ACTIVE, due__lt=today or timezone.localdate())
        if data["organisation"] is not None:
            queryset = queryset.filter(organisation__path__startswith=data["organisation"].path)
        return queryset

    def active_filters(self) -> dict:
        if not self.is_bound or not self.is_valid():
            return {}
        shown = {"owner": lambda u: u.username, "organisation": lambda o: o.path}
        return {k: shown.get(k, str)(v) for k, v in self.cleaned_data.items() if v not in (None, "", False)}
