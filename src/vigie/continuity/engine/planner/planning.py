"""`plan()`: validate, build the problem, schedule (greedy, then CP-SAT seeded with it), write the runbook."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable

from .cpsat import LNS_ONLY_FROM, solve
from .errors import InvalidValue
from .greedy import greedy, left_justify
from .localsearch import improve
from .model import METHODS, Activity, ActivityRecovery, Component, Method, RecoveryPlan, Status, Step, Team
from .problem import Problem, build
from .scenarios import Scenario, impact
from .validation import check_activities, check_assignments, check_components, check_teams

__all__ = ["ProgressCallback", "plan"]

ProgressCallback = Callable[[int, int, str], None]

#: Share of the time left after the greedy plan that the local search may use before CP-SAT starts
#: from its best plan (measured on the benchmark instances: bench/README.md, "Recovery planner"). Below
#: `LNS_ONLY_FROM` steps CP-SAT's complete search often proves optimality and gets most of the time;
#: from there on the local search improves faster than the neighbourhood search and gets most of it.
LOCAL_SEARCH_SHARE_SMALL = 0.3
LOCAL_SEARCH_SHARE_LARGE = 0.8


def plan(components: Iterable[Component], teams: Iterable[Team], activities: Iterable[Activity],
         scenario: Scenario, *, time_limit_s: float = 10.0, method: Method = "cpsat", workers: int = 2,
         seed: int = 0, on_progress: ProgressCallback | None = None) -> RecoveryPlan:
    """Schedule the recovery from ``scenario`` minimising Σ activity weight × recovery minute.

    ``method="greedy"`` returns the greedy list schedule; ``"cpsat"`` (default) seeds CP-SAT with it and
    returns the better of the two (the greedy plan is the floor: it is returned when the solver finds
    nothing better within ``time_limit_s``). ``workers`` is CP-SAT's number of search threads, ``seed``
    its random seed. ``on_progress(done, total, message)`` is called at each stage.
    Raises a `PlanningError` subclass naming what is wrong in the inputs; nothing is planned then.
    """
    began = time.monotonic()
    progress = on_progress or (lambda done, total, message: None)
    if method not in METHODS:
        raise InvalidValue("plan", "method", method, "expected one of " + ", ".join(METHODS))
    if not time_limit_s > 0:
        raise InvalidValue("plan", "time_limit_s", time_limit_s, "must be more than zero seconds")
    if not isinstance(workers, int) or workers < 1:
        raise InvalidValue("plan", "workers", workers, "must be a whole number, one or more")
    comps = check_components(components)
    team_index = check_teams(teams)
    check_assignments(comps, team_index)
    acts = list(check_activities(activities, comps).values())
    loss = impact(comps.values(), scenario)
    problem = build(comps, team_index, acts, loss.lost_keys)
    progress(1, 3, "inputs checked")

    base = greedy(problem)
    greedy_objective = problem.objective(base)
    progress(2, 3, "greedy plan")
    start, used, status, bound = base, "greedy", "greedy", 0
    if problem.size == 0:
        status = "no_loss"
    elif method == "cpsat":
        deadline = began + time_limit_s
        share = LOCAL_SEARCH_SHARE_LARGE if problem.size >= LNS_ONLY_FROM else LOCAL_SEARCH_SHARE_SMALL
        searched = improve(problem, base, time.monotonic() + share * (deadline - time.monotonic()), seed)
        best, value = searched, problem.objective(searched)
        found = solve(problem, searched, deadline, workers, seed)
        bound = found.bound
        if found.start is not None:
            solved = left_justify(problem, found.start)
            if problem.objective(solved) <= value:
                best, value = solved, problem.objective(solved)
        if value < greedy_objective or (found.optimal and value == greedy_objective):
            start, used = best, "cpsat"
            status = "optimal" if found.optimal else "feasible"
        elif found.optimal:
            status = "optimal"  # greedy was already optimal: the proof holds for it
    objective = problem.objective(start)
    if status in ("optimal", "no_loss"):
        bound = objective
    progress(3, 3, "plan ready")
    return RecoveryPlan(
        scenario=scenario.key,
        impact=loss,
        steps=_runbook(problem, comps, start),
        activities=_recoveries(problem, acts, start),
        objective=objective,
        greedy_objective=greedy_objective,
        lower_bound=bound,
        makespan_minutes=max((s + d for s, d in zip(start, problem.duration)), default=0),
        method=used,  # type: ignore[arg-type]
        requested=method,
        status=status,  # type: ignore[arg-type]
        solve_seconds=time.monotonic() - began,
    )


def _runbook(problem: Problem, comps: dict[str, Component], start: list[int]) -> tuple[Step, ...]:
    rank = {t: r for r, t in enumerate(problem.topo)}
    order = sorted(range(problem.size), key=lambda t: (start[t], comps[problem.keys[t]].team, rank[t]))
    steps = []
    for i, t in enumerate(order, 1):
        comp = comps[problem.keys[t]]
        waits = sorted(problem.direct[t], key=lambda p: rank[p])
        steps.append(Step(order=i, component=comp.key, name=comp.name, kind=comp.kind, team=comp.team,
                          start_minute=start[t], end_minute=start[t] + problem.duration[t],
                          waits_for=tuple(problem.keys[p] for p in waits)))
    return tuple(steps)


def _recoveries(problem: Problem, acts: list[Activity], start: list[int]) -> tuple[ActivityRecovery, ...]:
    affected = {i: a for a, i in enumerate(problem.act_index)}
    out = []
    for i, act in enumerate(acts):
        a = affected.get(i)
        if a is None:
            minute, last = 0, ""
        else:
            last_t = max(problem.frontier[a], key=lambda t: (start[t] + problem.duration[t], -t))
            minute, last = start[last_t] + problem.duration[last_t], problem.keys[last_t]
        out.append(ActivityRecovery(
            activity=act.key, name=act.name, weight=act.weight, dmia_minutes=act.dmia_minutes,
            recovery_minute=minute, gap_minutes=minute - act.dmia_minutes,
            within_dmia=minute <= act.dmia_minutes, affected=a is not None, last_component=last,
            waits_for=tuple(problem.keys[t] for t in problem.waits_for[i])))
    return tuple(out)
