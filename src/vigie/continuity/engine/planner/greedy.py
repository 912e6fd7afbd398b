"""Greedy list scheduling: the baseline CP-SAT is measured against, and its fallback.

Several priority rules, each turned into a schedule by a schedule-generation scheme, and the best kept:

- *activity sequencing* (serial scheme): repeatedly take the activity with the most weight per minute of
  remaining work — work counted as the busiest team's load, or as the sum of the durations — and queue
  the restore steps it still needs, in dependency order; every step is placed at its earliest start that
  respects its predecessors and its team's capacity (gaps are filled);
- *dynamic ratio* (parallel scheme): whenever a team has a free slot, start the ready step serving the
  most weight per minute of remaining work, summed (or maximised) over the activities that need it;
- *critical path* (serial scheme): longest chain of work first, for the makespan.
"""

from __future__ import annotations

import heapq
from bisect import bisect_right
from collections.abc import Callable, Sequence

from .problem import Problem, bits

__all__ = ["Profile", "greedy", "left_justify", "serial"]


class Profile:
    """How many steps a team runs over time: a step function on sorted breakpoints."""

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self.times: list[int] = [0]
        self.usage: list[int] = [0]  # usage[i] holds on [times[i], times[i + 1])

    def earliest(self, est: int, duration: int) -> int:
        times, usage, cap = self.times, self.usage, self.capacity
        i = max(0, bisect_right(times, est) - 1)
        start = est
        while True:
            while usage[i] >= cap:
                i += 1
                start = times[i]
            j = i
            while j + 1 < len(times) and times[j + 1] < start + duration:
                if usage[j + 1] >= cap:
                    break
                j += 1
            else:
                return start
            i = j + 1

    def add(self, start: int, end: int) -> None:
        a = self._split(start)
        b = self._split(end)
        for k in range(a, b):
            self.usage[k] += 1

    def _split(self, t: int) -> int:
        i = bisect_right(self.times, t) - 1
        if self.times[i] == t:
            return i
        self.times.insert(i + 1, t)
        self.usage.insert(i + 1, self.usage[i])
        return i + 1


def serial(problem: Problem, order: Sequence[int]) -> list[int]:
    """Place the steps in ``order`` (precedence-feasible), each as early as its predecessors and team allow."""
    start = [0] * problem.size
    profiles = [Profile(c) for c in problem.capacity]
    for t in order:
        est = max((start[p] + problem.duration[p] for p in problem.preds[t]), default=0)
        d, team = problem.duration[t], problem.team[t]
        if team < 0 or d == 0:
            start[t] = est
        else:
            start[t] = profiles[team].earliest(est, d)
            profiles[team].add(start[t], start[t] + d)
    return start


def left_justify(problem: Problem, start: Sequence[int]) -> list[int]:
    """Re-place a feasible schedule's steps in order of start: no step moves later, gaps close."""
    # Ties on (start, end) between a zero-length predecessor and its successor: keep precedence order.
    rank = {t: r for r, t in enumerate(problem.topo)}
    order = sorted(range(problem.size), key=lambda t: (start[t], start[t] + problem.duration[t], rank[t]))
    return serial(problem, order)


def _eligible_order(problem: Problem, priority: Sequence[float]) -> list[int]:
    """Precedence-feasible order taking, each time, the eligible step of highest priority."""
    waiting = [len(p) for p in problem.preds]
    heap = [(-priority[t], t) for t in range(problem.size) if waiting[t] == 0]
    heapq.heapify(heap)
    order: list[int] = []
    while heap:
        _, t = heapq.heappop(heap)
        order.append(t)
        for s in problem.succs[t]:
            waiting[s] -= 1
            if waiting[s] == 0:
                heapq.heappush(heap, (-priority[s], s))
    return order


def _activity_sequence(problem: Problem, bottleneck: bool) -> list[int]:
    tail = problem.tail()
    rank = {t: r for r, t in enumerate(problem.topo)}
    done = 0
    order: list[int] = []
    remaining = set(range(len(problem.weights)))
    while remaining:
        best, best_ratio = -1, -1.0
        for a in remaining:
            todo = bits(problem.closure[a] & ~done)
            if not todo:
                continue
            if bottleneck:
                load: dict[int, int] = {}
                chain = 0
                for t in todo:
                    team = problem.team[t]
                    if team >= 0:
                        load[team] = load.get(team, 0) + problem.duration[t]
                    chain = max(chain, problem.duration[t])
                work = max([chain] + [v / problem.capacity[k] for k, v in load.items()])
            else:
                work = sum(problem.duration[t] for t in todo)
            ratio = problem.weights[a] / max(work, 1e-9)
            if ratio > best_ratio:
                best, best_ratio = a, ratio
        if best < 0:
            break
        todo = bits(problem.closure[best] & ~done)
        # Dependency order, longest remaining chain first among equals.
        todo.sort(key=lambda t: (rank[t], -tail[t]))
        order.extend(todo)
        done |= problem.closure[best]
        remaining.discard(best)
        remaining = {a for a in remaining if problem.closure[a] & ~done}
    rest = [t for t in problem.topo if not (done >> t) & 1]
    rest.sort(key=lambda t: rank[t])
    return order + rest


def _parallel(problem: Problem, combine: Callable[[list[float]], float]) -> list[int]:
    """Non-delay scheduling with priorities recomputed at every start (remaining work shrinks)."""
    n = problem.size
    serves: list[list[int]] = [[] for _ in range(n)]
    for a, mask in enumerate(problem.closure):
        for t in bits(mask):
            serves[t].append(a)
    remaining = [sum(problem.duration[t] for t in bits(mask)) for mask in problem.closure]
    tail = problem.tail()
    waiting = [len(p) for p in problem.preds]
    ready = {t for t in range(n) if waiting[t] == 0}
    free = list(problem.capacity)
    start = [0] * n
    running: list[tuple[int, int]] = []  # (end, task)
    now = 0
    scheduled = 0
    while scheduled < n:
        while True:
            startable = [t for t in ready if problem.team[t] < 0 or problem.duration[t] == 0
                         or free[problem.team[t]] > 0]
            if not startable:
                break
            t = max(startable, key=lambda t: (
                combine([problem.weights[a] / max(remaining[a], 1) for a in serves[t]]), tail[t], -t))
            ready.discard(t)
            start[t] = now
            scheduled += 1
            for a in serves[t]:
                remaining[a] -= problem.duration[t]
            if problem.team[t] >= 0 and problem.duration[t] > 0:
                free[problem.team[t]] -= 1
            heapq.heappush(running, (now + problem.duration[t], t))
        if not running:
            break
        now = running[0][0]
        while running and running[0][0] == now:
            _, t = heapq.heappop(running)
            if problem.team[t] >= 0 and problem.duration[t] > 0:
                free[problem.team[t]] += 1
            for s in problem.succs[t]:
                waiting[s] -= 1
                if waiting[s] == 0:
                    ready.add(s)
    return start


def greedy(problem: Problem) -> list[int]:
    """The best start times found by the priority rules (lowest Σ weight × recovery time)."""
    if problem.size == 0:
        return []
    candidates = [
        serial(problem, _activity_sequence(problem, bottleneck=True)),
        serial(problem, _activity_sequence(problem, bottleneck=False)),
        left_justify(problem, _parallel(problem, lambda r: sum(r, 0.0))),
        left_justify(problem, _parallel(problem, lambda r: max(r, default=0.0))),
        serial(problem, _eligible_order(problem, [float(x) for x in problem.tail()])),
    ]
    return min(candidates, key=problem.objective)
