"""The CP-SAT model of a recovery schedule (OR-Tools).

One fixed-size interval per restore step; per team a no-overlap (capacity 1) or a cumulative constraint
(capacity > 1); a precedence per effective dependency; per activity a completion variable bounded below by
the ends of its frontier steps and by redundant lower bounds (its critical chain; for each team, the
work it must do for the activity after each earliest start, shared over its capacity); the objective
Σ weight × completion. The best plan found before (greedy, then local search) is the complete hint.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass

from ortools.sat.python import cp_model

from .problem import Problem, bits

__all__ = ["FINISH_MARGIN_S", "LNS_ONLY_FROM", "Model", "Solution", "build_model", "solve"]


#: From this many restore steps on, every worker does large-neighbourhood search around the hint.
LNS_ONLY_FROM = 300
#: What is kept back from the caller's deadline: a fixed part for what follows the search (reading the
#: solution back, left-justifying it, writing the runbook), and a share of the time left, at most
#: `FINISH_MARGIN_MAX_S`, because the solver overruns its own limit by the length of the neighbourhood
#: each worker is solving when the limit falls: 0.6–1.6 s past a 4 s limit measured on the shared,
#: overloaded 2-core machine (bench/README.md).
FINISH_MARGIN_S = 0.3
FINISH_MARGIN_SHARE = 0.25
FINISH_MARGIN_MAX_S = 1.2


@dataclass(frozen=True, slots=True)
class Solution:
    start: list[int] | None  # None when the solver found nothing
    optimal: bool
    bound: int


@dataclass(frozen=True, slots=True)
class Model:
    model: cp_model.CpModel
    start: list[cp_model.IntVar]
    completion: list[cp_model.IntVar]


def build_model(problem: Problem, hint: Sequence[int]) -> Model:
    n = problem.size
    d = problem.duration
    horizon = max(sum(d), max((h + x for h, x in zip(hint, d)), default=0))
    head, tail = problem.head(), problem.tail()
    model = cp_model.CpModel()
    start = [model.new_int_var(head[t], horizon - tail[t], f"s{t}") for t in range(n)]
    per_team: list[list[int]] = [[] for _ in problem.capacity]
    for t in range(n):
        if problem.team[t] >= 0 and d[t] > 0:
            per_team[problem.team[t]].append(t)
    for team, tasks in enumerate(per_team):
        if not tasks:
            continue
        intervals = [model.new_fixed_size_interval_var(start[t], d[t], f"i{t}") for t in tasks]
        if problem.capacity[team] == 1:
            model.add_no_overlap(intervals)
        elif problem.capacity[team] < len(tasks):
            model.add_cumulative(intervals, [1] * len(tasks), problem.capacity[team])
    for t in range(n):
        for p in problem.preds[t]:
            model.add(start[t] >= start[p] + d[p])
    objective = []
    completion = []
    for a, weight in enumerate(problem.weights):
        lower = max(head[t] + d[t] for t in problem.frontier[a])
        for team, steps in _team_work(problem, problem.closure[a], head).items():
            lower = max(lower, _release_bound(steps, problem.capacity[team]))
        done = model.new_int_var(lower, horizon, f"c{a}")
        for t in problem.frontier[a]:
            model.add(done >= start[t] + d[t])
        completion.append(done)
        objective.append(weight * done)
    model.minimize(sum(objective))
    for t in range(n):
        model.add_hint(start[t], hint[t])
    for a, done in enumerate(completion):
        model.add_hint(done, problem.completion(a, hint))
    return Model(model, start, completion)


def _team_work(problem: Problem, mask: int, head: Sequence[int]) -> dict[int, list[tuple[int, int]]]:
    """Per team, the (earliest start, duration) of the steps of bitset ``mask`` it must do."""
    work: dict[int, list[tuple[int, int]]] = {}
    for t in bits(mask):
        if problem.team[t] >= 0 and problem.duration[t] > 0:
            work.setdefault(problem.team[t], []).append((head[t], problem.duration[t]))
    return work


def _release_bound(steps: list[tuple[int, int]], capacity: int) -> int:
    """A minute before which a team cannot finish ``steps``: for every release r, the steps that cannot
    start before r still need their work shared over the team's capacity after r."""
    best, work = 0, 0
    for release, duration in sorted(steps, reverse=True):
        work += duration
        best = max(best, release + math.ceil(work / capacity))
    return best


def solve(problem: Problem, hint: Sequence[int], deadline: float, workers: int, seed: int = 0) -> Solution:
    """CP-SAT's best schedule, returned by ``deadline`` (a ``time.monotonic()`` instant) at the latest."""
    if deadline - time.monotonic() <= FINISH_MARGIN_S:
        return Solution(None, False, 0)
    built = build_model(problem, hint)
    left = deadline - time.monotonic()
    budget = left - FINISH_MARGIN_S - min(FINISH_MARGIN_SHARE * left, FINISH_MARGIN_MAX_S)
    if budget <= 0:
        return Solution(None, False, 0)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = budget
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = seed
    if problem.size >= LNS_ONLY_FROM:
        # Measured (bench/README.md): at this size no proof comes within seconds, and the complete
        # search thread only slows the neighbourhood search that improves on the hint.
        solver.parameters.use_lns_only = True
    status = solver.solve(built.model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return Solution(None, False, 0)
    values = [int(solver.value(s)) for s in built.start]
    return Solution(values, status == cp_model.OPTIMAL, int(math.ceil(solver.best_objective_bound - 1e-6)))
