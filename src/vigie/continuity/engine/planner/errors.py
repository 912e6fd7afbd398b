"""Errors raised by the recovery planner. Catch the root to handle every planner failure::

    PlanningError                  root of every planner error
    ├── DuplicateKey               two components, teams, activities or scenarios share a key
    ├── UnknownReference           a key points to nothing: a dependency, a needed component, a team,
    │   │                          a component named by a scenario, a built-in scenario
    │   └── UnknownTeam            a component's team does not exist
    ├── DependencyCycle            the dependencies loop; ``cycle`` names it (a → b → c → a)
    └── InvalidValue               a value out of range: zero capacity, negative duration or weight,
                                   unknown kind or method, non-positive time limit

Each error carries the object and field at fault as attributes (``owner``, ``key``, ``field``…) so the
app can show a translated message; ``str(error)`` is an English sentence naming them. Nothing is planned
when an error is raised.
"""

from __future__ import annotations

__all__ = [
    "DependencyCycle",
    "DuplicateKey",
    "InvalidValue",
    "PlanningError",
    "UnknownReference",
    "UnknownTeam",
]


class PlanningError(Exception):
    """Root of every error raised by ``vigie.continuity.engine.planner``."""


class DuplicateKey(PlanningError):
    """``what`` ("component", "team", "activity", "scenario") has two entries keyed ``key``."""

    def __init__(self, what: str, key: str) -> None:
        super().__init__(f"{what} {key!r} is declared twice")
        self.what = what
        self.key = key


class UnknownReference(PlanningError):
    """``owner`` (e.g. "component 'erp'") refers in ``field`` to ``missing``, which does not exist."""

    def __init__(self, owner: str, field: str, missing: str, expected: str = "component") -> None:
        super().__init__(f"{owner}: {field} refers to unknown {expected} {missing!r}")
        self.owner = owner
        self.field = field
        self.missing = missing
        self.expected = expected


class UnknownTeam(UnknownReference):
    """A component is assigned to a team that is not among the teams given."""

    def __init__(self, component: str, team: str) -> None:
        super().__init__(f"component {component!r}", "team", team, expected="team")
        self.component = component
        self.team = team


class DependencyCycle(PlanningError):
    """The dependencies loop: ``cycle`` is the list of keys, first key repeated at the end."""

    def __init__(self, cycle: tuple[str, ...]) -> None:
        super().__init__("dependency cycle: " + " → ".join(cycle))
        self.cycle = cycle


class InvalidValue(PlanningError):
    """``owner``'s ``field`` holds ``value``, which is not allowed (``reason`` says why)."""

    def __init__(self, owner: str, field: str, value: object, reason: str) -> None:
        super().__init__(f"{owner}: {field} = {value!r}: {reason}")
        self.owner = owner
        self.field = field
        self.value = value
        self.reason = reason
