"""An independent reading of the planner's rules, used by the tests to judge its plans.

Written from the specification (docs/continuity-planner.md), not from the engine's code: which
components are lost, when each may start, when an activity is back, and whether a schedule is feasible.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from vigie.continuity.engine.planner import Activity, Component, RecoveryPlan, Scenario, Team


def lost_set(components: Sequence[Component], scenario: Scenario) -> set[str]:
    _memo.clear()  # every check starts here: the memo of gating() only serves one instance at a time
    by_key = {c.key: c for c in components}

    def selected(c: Component) -> bool:
        for m in scenario.lost:
            if m.keys and c.key not in m.keys:
                continue
            if m.kinds and c.kind not in m.kinds:
                continue
            if all(t.lower() in {x.lower() for x in c.tags} for t in m.tags):
                return True
        return False

    lost = {c.key for c in components if selected(c)}
    if scenario.propagate:
        changed = True
        while changed:
            changed = False
            for c in components:
                if c.key not in lost and any(d in lost for d in by_key[c.key].depends_on):
                    lost.add(c.key)
                    changed = True
    return lost


_memo: dict[tuple[frozenset[str], str], frozenset[str]] = {}


def gating(components: Sequence[Component], lost: set[str], key: str) -> set[str]:
    """Lost components whose return makes ``key`` available (itself when lost). Memoised (cleared by lost_set()):
    without it, paths through components that are down but not lost are walked exponentially."""
    memo_key = (frozenset(lost), key)
    if memo_key not in _memo:
        by_key = {c.key: c for c in components}
        if key in lost:
            _memo[memo_key] = frozenset({key})
        else:
            out: set[str] = set()
            for d in by_key[key].depends_on:
                out |= gating(components, lost, d)
            _memo[memo_key] = frozenset(out)
    return set(_memo[memo_key])


def waits(components: Sequence[Component], lost: set[str], key: str) -> set[str]:
    """Lost components that must be back before lost ``key`` starts."""
    by_key = {c.key: c for c in components}
    out: set[str] = set()
    for d in by_key[key].depends_on:
        out |= gating(components, lost, d)
    return out


def recovery(components: Sequence[Component], lost: set[str], activity: Activity, end: dict[str, int]) -> int:
    needed: set[str] = set()
    for need in activity.needs:
        needed |= gating(components, lost, need)
    return max((end[k] for k in needed), default=0)


def weighted(components: Sequence[Component], lost: set[str], activities: Iterable[Activity],
             end: dict[str, int]) -> int:
    return sum(a.weight * recovery(components, lost, a, end) for a in activities)


def assert_feasible(plan: RecoveryPlan, components: Sequence[Component], teams: Sequence[Team],
                    activities: Sequence[Activity], scenario: Scenario) -> None:
    """Every lost component once, with its duration; dependencies first; no team over capacity;
    recovery times and objective as the rules say."""
    by_key = {c.key: c for c in components}
    lost = lost_set(components, scenario)
    assert sorted(s.component for s in plan.steps) == sorted(lost)
    start = {s.component: s.start_minute for s in plan.steps}
    end = {s.component: s.end_minute for s in plan.steps}
    for step in plan.steps:
        comp = by_key[step.component]
        assert step.team == comp.team
        assert step.start_minute >= 0
        assert step.end_minute - step.start_minute == comp.duration_minutes
        for w in waits(components, lost, step.component):
            assert end[w] <= start[step.component], (w, step.component)
    capacity = {t.key: t.capacity for t in teams}
    for team, cap in capacity.items():
        events = sorted((m, delta) for s in plan.steps if s.team == team and s.end_minute > s.start_minute
                        for m, delta in ((s.start_minute, 1), (s.end_minute, -1)))
        running = 0
        for _minute, delta in sorted(events, key=lambda e: (e[0], e[1])):  # ends before starts
            running += delta
            assert running <= cap, team
    assert [s.order for s in plan.steps] == list(range(1, len(plan.steps) + 1))
    assert [s.start_minute for s in plan.steps] == sorted(s.start_minute for s in plan.steps)
    rec = {a.key: recovery(components, lost, a, end) for a in activities}
    for got in plan.activities:
        assert got.recovery_minute == rec[got.activity]
        act = next(a for a in activities if a.key == got.activity)
        assert got.gap_minutes == rec[got.activity] - act.dmia_minutes
        assert got.within_dmia == (rec[got.activity] <= act.dmia_minutes)
    assert plan.objective == weighted(components, lost, activities, end)
    assert plan.objective <= plan.greedy_objective
    assert plan.lower_bound <= plan.objective
