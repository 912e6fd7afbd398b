"""Forms of the exercises and scenarios pages: shape only; rules live in models and services.

Every organisation, scenario and user a form offers comes from a scoped queryset.
"""

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from vigie.actions.forms import RulesForm
from vigie.actions.models import Priority
from vigie.core.organisation_choice import OrganisationField
from vigie.core.scoping import scoped

from .models import Exercise, Observation, Participant, Scenario, ScenarioInject
from .scenarios import library

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class ExerciseForm(RulesForm):
    organisation = OrganisationField(model=Exercise, action="add")
    scenario = forms.ModelChoiceField(label=_("Scenario"), queryset=None, to_field_name="uuid", required=False)

    class Meta:
        model = Exercise
        fields = ["organisation", "title", "kit_level", "format", "objectives", "scope", "planned_for", "scenario",
                  "cyber_trigger", "pure_it_test"]
        widgets = {"planned_for": DATETIME, "objectives": forms.Textarea(attrs={"rows": 3}),
                   "scope": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].action = "change" if self.instance.pk else "add"
        self.fields["organisation"].offer(user)
        self.fields["scenario"].queryset = scoped(Scenario.objects.select_related("organisation"), user, "view")
        if self.instance.pk:
            self.fields["organisation"].disabled = True
            if self.instance.status != Exercise.Status.PLANNED:
                self.fields["scenario"].disabled = True

    def clean(self):
        data = super().clean()
        scenario, organisation = data.get("scenario"), data.get("organisation")
        if scenario and organisation and not organisation.path.startswith(scenario.organisation.path) \
                and not scenario.organisation.path.startswith(organisation.path):
            self.add_error("scenario", _("Choose a scenario of this organisation or one above it."))
        return data


class ParticipantForm(RulesForm):
    user = forms.ModelChoiceField(label=_("User"), queryset=None, required=False)

    class Meta:
        model = Participant
        fields = ["function", "role", "user", "name", "affiliation"]

    def __init__(self, *args, exercise, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.exercise = exercise
        prefixes = [exercise.organisation.path[: 7 * i] for i in range(1, exercise.organisation.depth + 1)]
        # platform users with a role on the exercise's organisation, an ancestor, or below it
        self.fields["user"].queryset = get_user_model().objects.filter(is_active=True).filter(
            _user_condition(exercise.organisation.path, prefixes)).distinct().order_by("username")


def _user_condition(path: str, prefixes: list[str]):
    return Q(roles__organisation__path__startswith=path) | Q(roles__organisation__path__in=prefixes)


class RetexForm(forms.ModelForm):
    class Meta:
        model = Exercise
        fields = ["hot_debrief", "strengths", "weaknesses", "retex_done_on"]
        widgets = {"retex_done_on": DATE, "hot_debrief": forms.Textarea(attrs={"rows": 3}),
                   "strengths": forms.Textarea(attrs={"rows": 3}), "weaknesses": forms.Textarea(attrs={"rows": 3})}


class LessonForm(forms.Form):
    title = forms.CharField(label=_("Lesson"), max_length=300)
    detail = forms.CharField(label=_("Detail"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices, initial=Priority.MEDIUM)


class DeclarationForm(forms.Form):
    declared_on = forms.DateField(label=_("Declared on"), widget=DATE)
    reference = forms.CharField(label=_("Reference on the national platform"), max_length=100)


class ObservationForm(forms.ModelForm):
    class Meta:
        model = Observation
        fields = ["timing", "comment"]
        widgets = {"comment": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, inject, **kwargs):
        super().__init__(*args, **kwargs)
        self.reactions = list(inject.expected_reactions)
        seen = set(self.instance.reactions_seen or [])
        for i, reaction in enumerate(self.reactions):
            self.fields[f"seen_{i}"] = forms.BooleanField(label=reaction, required=False, initial=i in seen)

    def seen(self) -> list[int]:
        return [i for i in range(len(self.reactions)) if self.cleaned_data.get(f"seen_{i}")]


class ScenarioForm(RulesForm):
    organisation = OrganisationField(model=Scenario, action="add")
    source = forms.ChoiceField(label=_("Start from"), required=False)

    class Meta:
        model = Scenario
        fields = ["organisation", "title", "summary", "kit_level", "cyber_trigger"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].action = "change" if self.instance.pk else "add"
        self.fields["organisation"].offer(user)
        if self.instance.pk:
            self.fields["organisation"].disabled = True
            del self.fields["source"]
        else:
            self.fields["source"].choices = [("", _("A blank chronogram"))] + [
                (key, s.title) for key, s in library().items()]
            self.fields["title"].required = False

    def clean(self):
        data = super().clean()
        if not self.instance.pk and not data.get("source") and not data.get("title"):
            self.add_error("title", _("Name the scenario, or start from one of the library."))
        return data


class InjectForm(forms.ModelForm):
    expected_text = forms.CharField(label=_("Expected reactions (one a line)"), required=False,
                                    widget=forms.Textarea(attrs={"rows": 3}))

    class Meta:
        model = ScenarioInject
        fields = ["offset_minutes", "channel", "sender", "recipient_role", "title", "content"]
        widgets = {"content": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["expected_text"].initial = "\n".join(self.instance.expected_reactions or [])

    def save(self, commit=True):
        self.instance.expected_reactions = [
            line.strip() for line in self.cleaned_data.get("expected_text", "").splitlines() if line.strip()]
        return super().save(commit)
