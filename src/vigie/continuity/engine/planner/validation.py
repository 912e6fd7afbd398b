"""Input checks shared by `impact()` and `plan()`: every problem raises a `PlanningError` naming it."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TypeVar

from .errors import DependencyCycle, DuplicateKey, InvalidValue, UnknownReference, UnknownTeam
from .model import KINDS, Activity, Component, Team
from .scenarios import Scenario

__all__ = [
    "check_activities",
    "check_assignments",
    "check_components",
    "check_scenario",
    "check_teams",
    "find_cycle",
]


T = TypeVar("T", Component, Team, Activity)


def _index(what: str, items: Iterable[T]) -> dict[str, T]:
    index: dict[str, T] = {}
    for item in items:
        if not item.key:
            raise InvalidValue(f"{what} named {item.name!r}", "key", item.key, "a key cannot be empty")
        if item.key in index:
            raise DuplicateKey(what, item.key)
        index[item.key] = item
    return index


def check_components(components: Iterable[Component]) -> dict[str, Component]:
    """Index components by key; refuse duplicates, unknown dependencies, bad kinds or durations, cycles."""
    index = _index("component", components)
    for comp in index.values():
        owner = f"component {comp.key!r}"
        if comp.kind not in KINDS:
            raise InvalidValue(owner, "kind", comp.kind, "expected one of " + ", ".join(KINDS))
        if not isinstance(comp.duration_minutes, int) or comp.duration_minutes < 0:
            raise InvalidValue(owner, "duration_minutes", comp.duration_minutes,
                               "must be a whole number of minutes, zero or more")
        for dep in comp.depends_on:
            if dep not in index:
                raise UnknownReference(owner, "depends_on", dep)
    cycle = find_cycle({key: comp.depends_on for key, comp in index.items()})
    if cycle:
        raise DependencyCycle(cycle)
    return index


def find_cycle(edges: Mapping[str, Sequence[str]]) -> tuple[str, ...]:
    """A dependency cycle as (a, b, c, a), or () when the graph is acyclic. Iterative DFS, input order."""
    state: dict[str, int] = {}  # absent: unvisited, 1: on the current path, 2: done
    for root in edges:
        if root in state:
            continue
        path: list[str] = [root]
        iters = [iter(edges[root])]
        state[root] = 1
        while iters:
            nxt = next(iters[-1], None)
            if nxt is None:
                state[path.pop()] = 2
                iters.pop()
            elif state.get(nxt) == 1:
                return tuple(path[path.index(nxt):]) + (nxt,)
            elif nxt not in state:
                state[nxt] = 1
                path.append(nxt)
                iters.append(iter(edges.get(nxt, ())))
    return ()


def check_teams(teams: Iterable[Team]) -> dict[str, Team]:
    index = _index("team", teams)
    for team in index.values():
        if not isinstance(team.capacity, int) or team.capacity < 1:
            raise InvalidValue(f"team {team.key!r}", "capacity", team.capacity,
                               "a team must be able to run at least one task at once")
    return index


def check_assignments(components: Mapping[str, Component], teams: Mapping[str, Team]) -> None:
    for comp in components.values():
        if comp.team and comp.team not in teams:
            raise UnknownTeam(comp.key, comp.team)


def check_activities(activities: Iterable[Activity], components: Mapping[str, Component]) -> dict[str, Activity]:
    index = _index("activity", activities)
    for act in index.values():
        owner = f"activity {act.key!r}"
        if not isinstance(act.weight, int) or act.weight < 0:
            raise InvalidValue(owner, "weight", act.weight, "must be a whole number, zero or more")
        if not isinstance(act.dmia_minutes, int) or act.dmia_minutes < 0:
            raise InvalidValue(owner, "dmia_minutes", act.dmia_minutes,
                               "must be a whole number of minutes, zero or more")
        for need in act.needs:
            if need not in components:
                raise UnknownReference(owner, "needs", need)
    return index


def check_scenario(scenario: Scenario, components: Mapping[str, Component]) -> None:
    owner = f"scenario {scenario.key!r}"
    if not scenario.lost:
        raise InvalidValue(owner, "lost", (), "a scenario must select at least one group of components")
    for match in scenario.lost:
        for key in match.keys:
            if key not in components:
                raise UnknownReference(owner, "lost", key)
        for kind in match.kinds:
            if kind not in KINDS:
                raise InvalidValue(owner, "kinds", kind, "expected one of " + ", ".join(KINDS))
