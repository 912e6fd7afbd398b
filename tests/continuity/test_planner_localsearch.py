"""The local search that feeds CP-SAT: never worse than its start, optimal on small cases, feasible on large ones."""

from __future__ import annotations

import time

import pytest

from vigie.continuity.engine.planner import cpsat, plan, planning, site_loss
from vigie.continuity.engine.planner.greedy import greedy
from vigie.continuity.engine.planner.localsearch import improve
from vigie.continuity.engine.planner.problem import build
from vigie.continuity.engine.planner.scenarios import impact
from vigie.continuity.engine.planner.synthetic import generate
from vigie.continuity.engine.planner.validation import (
    check_activities,
    check_assignments,
    check_components,
    check_teams,
)

from .planner_check import assert_feasible
from .test_planner_optimal import brute_force, random_instance


def problem_of(components, teams, activities, scenario):
    comps = check_components(components)
    team_index = check_teams(teams)
    check_assignments(comps, team_index)
    acts = list(check_activities(activities, comps).values())
    return build(comps, team_index, acts, impact(comps.values(), scenario).lost_keys)


@pytest.mark.parametrize("seed", [85, 103, 114, 124, 366])
def test_local_search_alone_reaches_the_optimum_greedy_misses(seed):
    components, teams, activities, scenario = random_instance(seed, 7)
    problem = problem_of(components, teams, activities, scenario)
    base = greedy(problem)
    found = improve(problem, base, time.monotonic() + 20)
    best = brute_force(components, teams, activities, scenario)
    assert problem.objective(base) > best
    assert problem.objective(found) == best


def test_local_search_returns_its_start_when_out_of_time():
    inst = generate(120, 3)
    problem = problem_of(inst.components, inst.teams, inst.activities, site_loss())
    base = greedy(problem)
    assert improve(problem, base, time.monotonic() - 1) == base


def test_local_search_plan_is_feasible_and_better_than_greedy(monkeypatch):
    """With CP-SAT out of the way the plan returned is the local search's: checked by the independent rules."""
    monkeypatch.setattr(planning, "solve", lambda *args: cpsat.Solution(None, False, 0))
    inst = generate(200, 1, teams=3)
    components, teams, activities = list(inst.components), list(inst.teams), list(inst.activities)
    result = plan(components, teams, activities, site_loss(), time_limit_s=5)
    assert_feasible(result, components, teams, activities, site_loss())
    assert (result.method, result.status) == ("cpsat", "feasible")
    assert result.objective < result.greedy_objective


def test_cpsat_keeps_within_the_deadline_it_is_given():
    """solve() returns nothing rather than start a search it has no time for."""
    inst = generate(200, 1)
    problem = problem_of(inst.components, inst.teams, inst.activities, site_loss())
    found = cpsat.solve(problem, greedy(problem), time.monotonic() + cpsat.FINISH_MARGIN_S / 2, workers=1)
    assert found.start is None
