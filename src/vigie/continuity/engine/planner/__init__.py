"""The recovery planner: which components a disaster takes down, and in what order to restore them.

Pure Python (OR-Tools CP-SAT for the optimisation), no Django. Public API::

    impact(components, scenario) -> Impact              what is lost, and why
    plan(components, teams, activities, scenario, *, time_limit_s=10.0, method="cpsat", workers=2,
         seed=0, on_progress=None) -> RecoveryPlan      schedule, runbook, recovery vs DMIA

Inputs: `Component`, `Team`, `Activity`, `Scenario` (with `Match` rules; built-ins in
`BUILTIN_SCENARIOS`, `site_loss()`, `builtin_scenario()`). Errors: `PlanningError` and its subclasses
(see `errors`). Progress is reported through ``on_progress(done, total, message)``.
See docs/continuity-planner.md.
"""

from .errors import DependencyCycle, DuplicateKey, InvalidValue, PlanningError, UnknownReference, UnknownTeam
from .model import (
    KINDS,
    METHODS,
    Activity,
    ActivityRecovery,
    Component,
    Impact,
    Loss,
    Method,
    RecoveryPlan,
    Status,
    Step,
    Team,
)
from .planning import ProgressCallback, plan
from .scenarios import BUILTIN_SCENARIOS, Match, Scenario, builtin_scenario, impact, site_loss

__all__ = [
    "BUILTIN_SCENARIOS",
    "KINDS",
    "METHODS",
    "Activity",
    "ActivityRecovery",
    "Component",
    "DependencyCycle",
    "DuplicateKey",
    "Impact",
    "InvalidValue",
    "Loss",
    "Match",
    "Method",
    "PlanningError",
    "ProgressCallback",
    "RecoveryPlan",
    "Scenario",
    "Status",
    "Step",
    "Team",
    "UnknownReference",
    "UnknownTeam",
    "builtin_scenario",
    "impact",
    "plan",
    "site_loss",
]
