"""Plans for large generated information systems respect dependencies and team capacity."""

from __future__ import annotations

import pytest

from vigie.continuity.engine.planner import BUILTIN_SCENARIOS, plan, site_loss
from vigie.continuity.engine.planner.synthetic import generate

from .planner_check import assert_feasible


@pytest.mark.parametrize(("size", "seed", "teams"), [(200, 1, 3), (500, 0, None)])
@pytest.mark.parametrize("method", ["greedy", "cpsat"])
def test_large_plans_are_feasible(size, seed, teams, method):
    inst = generate(size, seed, teams=teams)
    components, team_list, activities = list(inst.components), list(inst.teams), list(inst.activities)
    assert sum(len(c.depends_on) for c in components) >= 3.9 * size
    scenario = site_loss()
    result = plan(components, team_list, activities, scenario, method=method, time_limit_s=3)
    assert len(result.steps) > 0.9 * size
    assert_feasible(result, components, team_list, activities, scenario)


@pytest.mark.parametrize("scenario", BUILTIN_SCENARIOS + (site_loss("b"),), ids=lambda s: s.key)
def test_every_builtin_scenario_plans_feasibly(scenario):
    inst = generate(120, 4)
    components, teams, activities = list(inst.components), list(inst.teams), list(inst.activities)
    result = plan(components, teams, activities, scenario, time_limit_s=2)
    assert result.steps
    assert_feasible(result, components, teams, activities, scenario)


def test_tiny_time_limit_falls_back_on_greedy():
    """The solver cannot even finish presolve on 500 components in a millisecond: the greedy plan is
    returned, complete and feasible."""
    inst = generate(500, 2, teams=3)
    components, teams, activities = list(inst.components), list(inst.teams), list(inst.activities)
    result = plan(components, teams, activities, site_loss(), time_limit_s=0.001)
    assert (result.method, result.requested, result.status) == ("greedy", "cpsat", "greedy")
    assert not result.optimal
    assert result.objective == result.greedy_objective
    assert_feasible(result, components, teams, activities, site_loss())


def test_generated_instances_are_reproducible():
    assert generate(50, 7) == generate(50, 7)
    assert generate(50, 7) != generate(50, 8)


def test_progress_is_reported():
    inst = generate(50, 1)
    seen = []
    plan(inst.components, inst.teams, inst.activities, site_loss(), time_limit_s=2,
         on_progress=lambda done, total, message: seen.append((done, total)))
    assert seen == [(1, 3), (2, 3), (3, 3)]
