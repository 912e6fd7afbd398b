"""Recovery planner benchmark: Vigie's planner (local search, then CP-SAT) against the greedy baseline.

    .venv/bin/python bench/continuity_planner.py [--sizes 50 200 500] [--seeds 0 1 2] [--time-limit 10]
                                                 [--workers 2] [--scenario site_loss] [--repeat 1]
    .venv/bin/python bench/continuity_planner.py --sizes 500 --bounds 600 [--bound-workers 8]
                                                 [--bound-subsolvers max_lp lb_tree_search ...]

Generated information systems (vigie.continuity.engine.planner.synthetic: layered IS, 4 dependencies per
component forming a DAG, 3–10 teams of capacity 1–3, one activity per 5 components with weights and
DMIAs). For each instance both methods run in this process on the same input; the table gives Σ weight ×
recovery minute for each, the wall time of the whole plan() call, the lower bound CP-SAT proved within
the limit and the ratio Vigie / greedy. ``--repeat N`` runs Vigie N times per instance and prints each run.

``--bounds S`` is the one-off question "how much better than greedy can any plan be?": instead of the
table, CP-SAT runs S seconds per instance with its full portfolio (``--bound-workers`` workers, complete
search and LP-based bounding included), hinted with Vigie's plan, and the table gives the best lower
bound it proves and the largest improvement over greedy that bound leaves possible.
"""

from __future__ import annotations

import argparse
import math
import time

from ortools.sat.python import cp_model

from vigie.continuity.engine.planner import builtin_scenario, plan
from vigie.continuity.engine.planner.cpsat import build_model
from vigie.continuity.engine.planner.greedy import greedy
from vigie.continuity.engine.planner.problem import Problem, build
from vigie.continuity.engine.planner.scenarios import Scenario, impact
from vigie.continuity.engine.planner.synthetic import Instance, generate
from vigie.continuity.engine.planner.validation import (
    check_activities,
    check_assignments,
    check_components,
    check_teams,
)


def problem_of(inst: Instance, scenario: Scenario) -> Problem:
    comps = check_components(inst.components)
    team_index = check_teams(inst.teams)
    check_assignments(comps, team_index)
    acts = list(check_activities(inst.activities, comps).values())
    return build(comps, team_index, acts, impact(comps.values(), scenario).lost_keys)


def compare(args: argparse.Namespace, scenario: Scenario) -> None:
    print("| components | deps | teams (capacities) | tasks | greedy Σw·t | greedy s | Vigie Σw·t | Vigie s "
          "| status | lower bound | Vigie / greedy |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for size in args.sizes:
        for seed in args.seeds:
            inst = generate(size, seed)
            began = time.perf_counter()
            base = plan(inst.components, inst.teams, inst.activities, scenario, method="greedy")
            greedy_s = time.perf_counter() - began
            caps = ",".join(str(t.capacity) for t in inst.teams)
            deps = sum(len(c.depends_on) for c in inst.components)
            for _ in range(args.repeat):
                began = time.perf_counter()
                best = plan(inst.components, inst.teams, inst.activities, scenario, method="cpsat",
                            time_limit_s=args.time_limit, workers=args.workers)
                vigie_s = time.perf_counter() - began
                print(f"| {size} (seed {seed}) | {deps} | {len(inst.teams)} ({caps}) | {len(best.steps)} "
                      f"| {base.objective:,} | {greedy_s:.2f} | {best.objective:,} | {vigie_s:.2f} "
                      f"| {best.status} | {best.lower_bound:,} | {best.objective / max(base.objective, 1):.3f} |",
                      flush=True)


def bounds(args: argparse.Namespace, scenario: Scenario) -> None:
    portfolio = ", ".join(args.bound_subsolvers) or "default portfolio"
    print(f"Lower bounds: CP-SAT {args.bounds:g} s per instance, {args.bound_workers} workers ({portfolio}), "
          f"hinted with Vigie's {args.time_limit:g} s plan.")
    print("| components | greedy Σw·t | Vigie Σw·t | best found | proven lower bound | status "
          "| largest possible gain over greedy | Vigie's gain |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for size in args.sizes:
        for seed in args.seeds:
            inst = generate(size, seed)
            problem = problem_of(inst, scenario)
            base = problem.objective(greedy(problem))
            vigie = plan(inst.components, inst.teams, inst.activities, scenario, time_limit_s=args.time_limit,
                         workers=args.workers)
            start = {k: i for i, k in enumerate(problem.keys)}
            hint = [0] * problem.size
            for step in vigie.steps:
                hint[start[step.component]] = step.start_minute
            built = build_model(problem, hint)
            solver = cp_model.CpSolver()
            solver.parameters.max_time_in_seconds = args.bounds
            solver.parameters.num_workers = args.bound_workers
            for name in args.bound_subsolvers:
                solver.parameters.subsolvers.append(name)
            status = solver.solve(built.model)
            found = round(solver.objective_value) if status in (cp_model.OPTIMAL, cp_model.FEASIBLE) else 0
            bound = math.ceil(solver.best_objective_bound - 1e-6)
            print(f"| {size} (seed {seed}) | {base:,} | {vigie.objective:,} | {found:,} | {bound:,} "
                  f"| {solver.status_name(status).lower()} | {1 - bound / base:.1%} "
                  f"| {1 - vigie.objective / base:.1%} |", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[50, 200, 500])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--time-limit", type=float, default=10.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--scenario", default="site_loss")
    parser.add_argument("--repeat", type=int, default=1, help="Vigie runs per instance (timings are noisy)")
    parser.add_argument("--bounds", type=float, metavar="SECONDS",
                        help="instead of the comparison, prove lower bounds with this long a CP-SAT run")
    parser.add_argument("--bound-workers", type=int, default=8)
    parser.add_argument("--bound-subsolvers", nargs="+", default=[], metavar="NAME",
                        help="CP-SAT subsolvers for --bounds (default: its own portfolio)")
    args = parser.parse_args()
    scenario = builtin_scenario(args.scenario)
    if args.bounds:
        bounds(args, scenario)
    else:
        compare(args, scenario)


if __name__ == "__main__":
    main()
