"""Models of the exercises app, one module per family, re-exported here."""

from .incidents import Incident
from .log import CrisisLog, LogEntry

__all__ = ["CrisisLog", "Incident", "LogEntry"]
from .exercise import Exercise, ExerciseInject, Lesson, Observation, Participant, Scenario, ScenarioInject  # noqa: F401,E501
