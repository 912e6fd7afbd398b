"""What the planner takes and gives: plain, immutable values.

Times are whole minutes counted from the moment recovery starts (minute 0: the incident is contained and
the teams are at work). A component is *back* at the end of its restore step; a component that is not
lost is available at minute 0 unless it depends on a lost one (then it is back when its lost
dependencies are). An activity is back when every component it needs, transitively, is back.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = [
    "KINDS",
    "Impact",
    "Loss",
    "METHODS",
    "Activity",
    "ActivityRecovery",
    "Component",
    "Method",
    "RecoveryPlan",
    "Status",
    "Step",
    "Team",
]

#: Component kinds the planner knows (scenarios select on them).
KINDS: tuple[str, ...] = (
    "application",
    "backup",
    "database",
    "directory",
    "medical_device",
    "network",
    "other",
    "server",
    "storage",
    "supplier",
    "virtualisation",
    "workstation",
)

Method = Literal["cpsat", "greedy"]
METHODS: tuple[Method, ...] = ("cpsat", "greedy")

#: How the returned schedule was obtained:
#: "optimal"   CP-SAT proved it optimal;
#: "feasible"  CP-SAT's best within the time limit (no proof), at least as good as greedy;
#: "greedy"    greedy was asked for, or CP-SAT found nothing better than greedy in time (greedy is the floor);
#: "no_loss"   the scenario loses nothing: there is nothing to schedule.
Status = Literal["optimal", "feasible", "greedy", "no_loss"]


@dataclass(frozen=True, slots=True)
class Component:
    """A piece of the information system that may have to be restored or rebuilt.

    ``duration_minutes`` is how long its restore or rebuild takes once it can start (the app derives it
    from the throughput measured by restore tests × data size, or a declared estimate). ``team`` is the
    key of the team that does the work; ``""`` means an outside party (a supplier restoring its SaaS):
    the step takes its time but uses no team's capacity. ``depends_on`` lists the keys of the components
    it needs to run (an application on its server and database, a server on the directory…).
    ``tags`` are free labels scenarios select on, lower-case by convention ("windows", "site:<code>").
    """

    key: str
    name: str
    kind: str
    team: str
    duration_minutes: int
    depends_on: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Team:
    """People who restore components; ``capacity`` is how many restore steps they can run at once."""

    key: str
    name: str
    capacity: int = 1


@dataclass(frozen=True, slots=True)
class Activity:
    """A care or support activity from the BIA.

    ``weight`` is its patient-impact weight (the objective counts weight × minutes down), ``dmia_minutes``
    its maximum tolerable interruption (DMIA), ``needs`` the keys of the components it uses directly.
    """

    key: str
    name: str
    weight: int
    dmia_minutes: int
    needs: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Loss:
    """Why a component is down in a scenario.

    ``direct`` when the scenario selects it; otherwise it depends on a lost component and ``path`` is the
    chain of dependencies from it to the directly lost one (``path[0] == key``, ``path[-1] == cause``).
    """

    key: str
    direct: bool
    cause: str
    path: tuple[str, ...]

    @property
    def because_of(self) -> str:
        """The dependency through which it is lost ("" when lost directly)."""
        return self.path[1] if len(self.path) > 1 else ""


@dataclass(frozen=True, slots=True)
class Impact:
    """What a scenario takes down.

    ``lost`` must be restored or rebuilt (a planning step each). ``waiting`` are down only because they
    depend on a lost component, and come back by themselves when it does (a scenario that does not
    propagate: e.g. applications waiting for the directory).
    Both are in the order the components were given.
    """

    scenario: str
    lost: tuple[Loss, ...]
    waiting: tuple[Loss, ...] = ()

    @property
    def lost_keys(self) -> frozenset[str]:
        return frozenset(loss.key for loss in self.lost)

    def reason(self, key: str) -> Loss | None:
        """The loss of component ``key`` (lost or waiting), or None when it is untouched."""
        for loss in self.lost + self.waiting:
            if loss.key == key:
                return loss
        return None


@dataclass(frozen=True, slots=True)
class Step:
    """One line of the runbook: restore ``component`` with ``team`` from ``start_minute`` to ``end_minute``.

    ``waits_for`` are the lost components that must be back before it starts (direct or through
    components that are down but need no work). ``order`` is its 1-based rank in the runbook.
    """

    order: int
    component: str
    name: str
    kind: str
    team: str
    start_minute: int
    end_minute: int
    waits_for: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ActivityRecovery:
    """When an activity is predicted back, against its DMIA.

    ``gap_minutes`` is recovery − DMIA: positive means late by that many minutes. An activity that needs
    nothing lost is not ``affected`` and is back at minute 0. ``last_component`` is the lost component
    whose end brings it back ("" when not affected); ``waits_for`` all the lost components it needs.
    """

    activity: str
    name: str
    weight: int
    dmia_minutes: int
    recovery_minute: int
    gap_minutes: int
    within_dmia: bool
    affected: bool
    last_component: str
    waits_for: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class RecoveryPlan:
    """The planner's answer.

    ``steps`` is the runbook in the order documents print it (by start minute, then team, then key).
    ``objective`` is Σ weight × recovery minute over activities; ``greedy_objective`` the same for the
    greedy plan, for comparison; ``lower_bound`` the best bound CP-SAT proved (equal to ``objective``
    when optimal, ``0`` when unknown). ``method`` is the method whose schedule is returned, ``requested``
    the one asked for; ``status`` see :data:`Status`. ``solve_seconds`` is the wall time spent planning.
    """

    scenario: str
    impact: Impact
    steps: tuple[Step, ...]
    activities: tuple[ActivityRecovery, ...]
    objective: int
    greedy_objective: int
    lower_bound: int
    makespan_minutes: int
    method: Method
    requested: Method
    status: Status
    solve_seconds: float

    @property
    def optimal(self) -> bool:
        """True when the schedule is proven to minimise the weighted recovery time."""
        return self.status in ("optimal", "no_loss")

    @property
    def late(self) -> tuple[ActivityRecovery, ...]:
        """Activities predicted back after their DMIA, latest first."""
        return tuple(sorted((a for a in self.activities if not a.within_dmia),
                            key=lambda a: (-a.gap_minutes, a.activity)))

    def step(self, component: str) -> Step:
        """The runbook step restoring ``component`` (KeyError when it is not restored)."""
        for step in self.steps:
            if step.component == component:
                return step
        raise KeyError(component)

