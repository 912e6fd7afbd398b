"""One filter for the matrix of a level: its page, its export job and its API list use it.

Every condition and every sort becomes SQL on the stored summaries (steering.models.Summary): a state
filter is an EXISTS on the reading of one indicator, a sort on a column a join on that one reading, so a national matrix of thousands of establishments is ordered and cut
into pages by the database.
"""

from django import forms
from django.db.models import (
    Case, Count, Exists, F, FilteredRelation, IntegerField, OuterRef, Q, QuerySet, Value, When,
)
from django.utils.translation import gettext_lazy as _

from vigie.core.indicators import STATE_RANK, State
from vigie.core.organisation_choice import OrganisationField
from vigie.core.registry import registry
from vigie.organisations.models import Kind

from .models import Summary

LATE_FIRST = "late"
BY_NAME = "name"
NEVER_RANK = STATE_RANK[State.NEVER]


def _readings(key: str | None = None):
    rows = Summary.objects.filter(organisation=OuterRef("pk"))
    return rows.filter(key=key) if key is not None else rows


def with_late_count(queryset: QuerySet) -> QuerySet:
    """Annotate `late`: how many of an establishment's readings are late. A join restricted to the late
    readings, then grouped: on PostgreSQL at 3,000 × 12 it costs a fraction of a correlated count per
    establishment or of a join over every reading (bench/steering_matrix.py)."""
    late_rows = FilteredRelation("steering_summaries", condition=Q(steering_summaries__state=State.LATE))
    return queryset.annotate(late_rows=late_rows).annotate(late=Count("late_rows"))


def with_column_sort(queryset: QuerySet, key: str) -> QuerySet:
    """Annotate `sort_rank` (STATE_RANK of the reading of `key`; no reading ranks as never) and
    `sort_value`, through a join on that one reading (unique per establishment and key): a correlated
    subquery per establishment cost ten times more at 3,000 establishments (bench/steering_matrix.py)."""
    reading = FilteredRelation("steering_summaries", condition=Q(steering_summaries__key=key))
    rank = Case(*(When(sorted_reading__state=state, then=Value(r)) for state, r in STATE_RANK.items()),
                default=Value(NEVER_RANK), output_field=IntegerField())
    return queryset.annotate(sorted_reading=reading).annotate(sort_rank=rank, sort_value=F("sorted_reading__value"))


def state_condition(key: str, state: str) -> Q:
    """Establishments whose reading of `key` is in `state`; "never" also matches no reading at all."""
    if state == State.NEVER:
        return ~Exists(_readings(key).exclude(state=State.NEVER))
    return Q(Exists(_readings(key).filter(state=state)))


def sort_choices():
    choices = [(LATE_FIRST, _("Most late readings first")), (BY_NAME, _("Name"))]
    for indicator in registry.ordered_indicators():
        choices.append((indicator.key, _("%(title)s, best first") % {"title": indicator.title}))
        choices.append((f"-{indicator.key}", _("%(title)s, worst first") % {"title": indicator.title}))
    return choices


def state_choices():
    """Grouped by indicator: "<key>:<state>" for every registered indicator and state."""
    return [
        (indicator.title, [(f"{indicator.key}:{state}", f"{indicator.short} — {label}") for state, label in State.choices])
        for indicator in registry.ordered_indicators()
    ]


class MatrixFilter(forms.Form):
    q = forms.CharField(label=_("Name or FINESS"), required=False, max_length=200)
    within = OrganisationField(label=_("GHT or region"), required=False, kinds=(Kind.REGION, Kind.GHT),
                               empty_label=_("All"), help_text=_("Only the establishments under it."))
    state = forms.MultipleChoiceField(label=_("States"), required=False,
                                      help_text=_("An establishment is shown when, for every indicator chosen, "
                                                  "its reading is in one of the states chosen for it."))
    sort = forms.ChoiceField(label=_("Sort"), required=False)

    def __init__(self, data=None, *, node, levels, **kwargs):
        """`levels`: the GHT and region nodes under `node` the user may see (a queryset)."""
        super().__init__(data, **kwargs)
        self.node = node
        self.fields["within"].offer(None, levels.filter(path__startswith=node.path).exclude(pk=node.pk).filter(
            kind__in=(Kind.REGION, Kind.GHT)).order_by("path"))
        self.fields["state"].choices = state_choices()
        self.fields["sort"].choices = sort_choices()

    def _data(self) -> dict:
        if self.is_bound and self.is_valid():
            return self.cleaned_data
        return {"q": "", "within": None, "state": [], "sort": ""}

    @property
    def sort_key(self) -> str:
        return self._data()["sort"] or LATE_FIRST

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        """Apply the valid filters and the sort to establishments; an invalid form only sorts late first
        (its errors are shown)."""
        return self.order(self.narrow(queryset))

    def narrow(self, queryset: QuerySet) -> QuerySet:
        """The valid filters only, without the order (what the page counts)."""
        data = self._data()
        if data["q"]:
            text = data["q"].strip()
            queryset = queryset.filter(Q(name__icontains=text) | Q(finess__startswith=text.replace(" ", "")))
        if data["within"] is not None:
            queryset = queryset.filter(path__startswith=data["within"].path)
        wanted: dict[str, list[str]] = {}
        for choice in data["state"]:
            key, state = choice.split(":", 1)
            wanted.setdefault(key, []).append(state)
        for key, states in wanted.items():
            condition = Q()
            for state in states:
                condition |= state_condition(key, state)
            queryset = queryset.filter(condition)
        return queryset

    def order(self, queryset: QuerySet) -> QuerySet:
        """Annotate the late count (rows show it) and sort."""
        queryset = with_late_count(queryset)
        sort = self.sort_key
        if sort == LATE_FIRST:
            return queryset.order_by("-late", "name", "pk")
        if sort == BY_NAME:
            return queryset.order_by("name", "pk")
        queryset = with_column_sort(queryset, sort.lstrip("-"))
        if sort.startswith("-"):
            return queryset.order_by("-sort_rank", F("sort_value").asc(nulls_last=True), "name", "pk")
        return queryset.order_by("sort_rank", F("sort_value").desc(nulls_last=True), "name", "pk")

    def query_string(self) -> str:
        """The filters as a query string, for the export's form and the page links."""
        return self.data.urlencode() if hasattr(self.data, "urlencode") else ""
