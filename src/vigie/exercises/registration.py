"""What the exercises part of the app declares at start-up: the home-page module, the evidence provider,
the audited models, the periodic release task, and the scenario library check (a malformed file stops
start-up with the file, the inject and the field)."""

from django.utils.translation import gettext_lazy as _

from vigie.accounts import audit
from vigie.compliance.providers import register_provider
from vigie.core.registry import Module, registry

from . import indicators, tasks, validity
from .models import Exercise, Lesson, Observation, Participant, Scenario, ScenarioInject
from .scenarios import library


def register() -> None:
    library()
    indicators.register()
    audit.connect(Exercise, Participant, Lesson, Observation, Scenario, ScenarioInject)
    registry.module(Module(
        key="exercises", group="resilience", title=_("Crisis exercises"), url_name="exercises:exercise_list", order=50,
        description=_("Plan, run and debrief the yearly cyber-crisis exercise; scenario library; RETEX."),
    ))
    register_provider("exercises.crisis", ["dns-2025-12:A1", "care-d2:D2.O1.D"], validity.evidence,
                      label=validity.LABEL)
