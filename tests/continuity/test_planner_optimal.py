"""The planner is optimal on small instances: compared with an exhaustive search of every schedule."""

from __future__ import annotations

import itertools
import random

import pytest

from vigie.continuity.engine.planner import Activity, Component, Match, Scenario, Team, plan

from .planner_check import assert_feasible, lost_set, waits, weighted


def brute_force(components, teams, activities, scenario) -> int:
    """Best Σ weight × recovery over every active schedule.

    Every precedence-feasible order is placed step by step at the earliest minute its dependencies and
    its team's capacity allow (gaps may be filled). These schedules are exactly the active schedules,
    among which is an optimum for any objective that only grows when a step ends later (this one).
    """
    lost = lost_set(components, scenario)
    by_key = {c.key: c for c in components}
    capacity = {t.key: t.capacity for t in teams}
    before = {k: waits(components, lost, k) for k in lost}
    best = None
    for order in itertools.permutations(sorted(lost)):
        position = {k: i for i, k in enumerate(order)}
        if any(position[w] > position[k] for k in order for w in before[k]):
            continue
        end: dict[str, int] = {}
        placed: dict[str, list[tuple[int, int]]] = {}
        for k in order:
            comp = by_key[k]
            s = max((end[w] for w in before[k]), default=0)
            d = comp.duration_minutes
            if comp.team and d > 0:
                busy = placed.setdefault(comp.team, [])
                # Candidate starts: s and the ends of steps already on the team.
                for c in sorted({s} | {e for _, e in busy if e > s}):
                    if all(sum(1 for a, b in busy if a < m + 1 and b > m) < capacity[comp.team]
                           for m in {c} | {a for a, _ in busy if c < a < c + d}):
                        s = c
                        break
                busy.append((s, s + d))
            end[k] = s + d
        value = weighted(components, lost, activities, end)
        best = value if best is None else min(best, value)
    return best or 0


def random_instance(seed: int, size: int):
    rng = random.Random(seed)
    teams = [Team("t1", "Systems", rng.choice((1, 1, 2))), Team("t2", "Applications", rng.choice((1, 2)))]
    kinds = ("directory", "server", "database", "application", "supplier")
    components = []
    for i in range(size):
        deps = tuple(sorted({f"c{j}" for j in range(i) if rng.random() < 0.35}))
        kind = rng.choice(kinds)
        team = "" if kind == "supplier" else rng.choice(("t1", "t2"))
        components.append(Component(f"c{i}", f"C{i}", kind, team, rng.choice((0, 10, 20, 30, 45, 60, 90)),
                                    deps, ("windows",) if rng.random() < 0.6 else ()))
    activities = [Activity(f"a{i}", f"A{i}", rng.randint(0, 9), rng.choice((30, 60, 120)),
                           tuple(rng.sample([c.key for c in components], rng.randint(1, 3))))
                  for i in range(rng.randint(2, 4))]
    scenario = rng.choice((
        Scenario("all", "all", (Match(),)),
        Scenario("win", "windows", (Match(tags=("windows",)),), propagate=rng.random() < 0.5),
    ))
    return components, teams, activities, scenario


@pytest.mark.parametrize("seed", range(40))
def test_cpsat_matches_exhaustive_search(seed):
    components, teams, activities, scenario = random_instance(seed, 5 + seed % 3)
    result = plan(components, teams, activities, scenario, time_limit_s=20)
    assert_feasible(result, components, teams, activities, scenario)
    if result.steps:
        assert result.status == "optimal"
    assert result.optimal
    assert result.objective == brute_force(components, teams, activities, scenario)
    assert result.lower_bound == result.objective


def test_brute_force_can_beat_a_fixed_order():
    """The reference search is not trivially equal to any one schedule: two activities fight for one team,
    and the light long job must wait for the heavy short one."""
    components = [Component("long", "Long", "server", "t", 100), Component("short", "Short", "server", "t", 10)]
    teams = [Team("t", "T", 1)]
    activities = [Activity("light", "Light", 1, 60, ("long",)), Activity("heavy", "Heavy", 10, 60, ("short",))]
    scenario = Scenario("all", "all", (Match(),))
    assert brute_force(components, teams, activities, scenario) == 10 * 10 + 1 * 110
    result = plan(components, teams, activities, scenario)
    assert [s.component for s in result.steps] == ["short", "long"]
    assert result.objective == 210


def test_greedy_method_is_feasible_and_reported():
    components, teams, activities, scenario = random_instance(3, 7)
    result = plan(components, teams, activities, scenario, method="greedy")
    assert_feasible(result, components, teams, activities, scenario)
    assert (result.method, result.requested, result.status) == ("greedy", "greedy", "greedy")
    assert result.objective == result.greedy_objective


@pytest.mark.parametrize("seed", [85, 103, 114, 124, 366])
def test_cpsat_finds_the_optimum_where_greedy_misses_it(seed):
    """Instances (found by search) where no greedy rule is optimal: the solver must do better."""
    components, teams, activities, scenario = random_instance(seed, 7)
    best = brute_force(components, teams, activities, scenario)
    greedy = plan(components, teams, activities, scenario, method="greedy")
    assert greedy.objective > best
    result = plan(components, teams, activities, scenario, time_limit_s=20)
    assert_feasible(result, components, teams, activities, scenario)
    assert (result.objective, result.status, result.method) == (best, "optimal", "cpsat")
    assert result.greedy_objective == greedy.objective
