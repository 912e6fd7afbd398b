"""Local search on the order in which restore steps are placed, before CP-SAT takes over.

A plan is encoded as a precedence-feasible list of the restore steps. The decoder is the serial
list-scheduling scheme of the greedy baseline: each step in turn is placed as early as its predecessors
and its team allow (gaps are filled, so no step placed earlier moves). Every active schedule, hence an
optimal one, is the decoding of some list, and the greedy plan is the decoding of its steps sorted by
start. Because a placed step never moves, an activity's recovery minute is bounded below, at any point
of the decoding, by the latest end among its frontier steps placed so far (and by its critical chain),
and exact once they are all placed. Two things are cheap then:

- a move that changes the list from position ``p`` on replays the decoder from a snapshot taken at or
  before ``p`` (one every ``_SNAPSHOT_EVERY`` positions);
- a replay stops as soon as the weighted sum of those lower bounds exceeds the current plan's cost.

Moves: *pull an activity* (every step it needs that is placed after position ``p`` moves, in its order,
to ``p``: the activity comes back earlier at the expense of what it overtakes), or *shift one step*
within the window its predecessors and successors leave. A move is kept when the plan costs no more
(ties are kept too: walking across them is how the search leaves a plateau). The best plan becomes
CP-SAT's hint. The search stops at its deadline, or earlier after enough tries without a strict
improvement (``_PATIENCE_PER_STEP`` per step, at least ``_PATIENCE_MIN``).
"""

from __future__ import annotations

import random
import time
from collections.abc import Sequence
from dataclasses import dataclass

from .greedy import Profile
from .problem import Problem, bits

__all__ = ["improve"]

_SNAPSHOT_EVERY = 16
#: Tries without a strict improvement after which the search gives up before its deadline, per step
#: and at least: 50 steps give up after about 0.2 s, 475 still improve after seconds.
_PATIENCE_PER_STEP = 20
_PATIENCE_MIN = 1000
#: Share of the tries that pull an activity (the others shift one step).
_PULL_SHARE = 0.5


@dataclass(slots=True)
class _State:
    """The decoder's state before one position of the list."""

    start: list[int]
    profiles: list[Profile]
    back: list[int]  # per activity: a lower bound on its recovery, exact once its frontier is placed
    cost: int  # Σ weight × back: a lower bound on the plan's cost, exact once every step is placed

    def copy(self) -> _State:
        profiles = []
        for p in self.profiles:
            c = Profile(p.capacity)
            c.times, c.usage = p.times[:], p.usage[:]
            profiles.append(c)
        return _State(self.start[:], profiles, self.back[:], self.cost)


class _Decoder:
    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        self.ends_of: list[list[int]] = [[] for _ in range(problem.size)]  # step -> activities it may bring back
        for a, front in enumerate(problem.frontier):
            for t in front:
                self.ends_of[t].append(a)
        head = problem.head()
        # Before anything is placed an activity is back at best at the end of its critical chain.
        self.earliest = [max(head[t] + problem.duration[t] for t in front) for front in problem.frontier]

    def empty(self) -> _State:
        p = self.problem
        cost = sum(w * e for w, e in zip(p.weights, self.earliest))
        return _State([0] * p.size, [Profile(c) for c in p.capacity], self.earliest[:], cost)

    def run(self, state: _State, order: Sequence[int], begin: int, end: int, limit: int | None) -> bool:
        """Place ``order[begin:end]`` into ``state``; False as soon as its cost exceeds ``limit``."""
        p = self.problem
        start, profiles, back = state.start, state.profiles, state.back
        duration, team, preds, weights, ends_of = p.duration, p.team, p.preds, p.weights, self.ends_of
        for i in range(begin, end):
            t = order[i]
            est = 0
            for q in preds[t]:
                e = start[q] + duration[q]
                if e > est:
                    est = e
            k, d = team[t], duration[t]
            if k >= 0 and d > 0:
                est = profiles[k].earliest(est, d)
                profiles[k].add(est, est + d)
            start[t] = est
            finish = est + d
            for a in ends_of[t]:
                if finish > back[a]:
                    state.cost += weights[a] * (finish - back[a])
                    back[a] = finish
                    if limit is not None and state.cost > limit:
                        return False
        return True

    def snapshots(self, order: Sequence[int], kept: list[_State], position: int) -> list[_State]:
        """Snapshots at every multiple of ``_SNAPSHOT_EVERY``, reusing those of ``kept`` up to ``position``."""
        index = position // _SNAPSHOT_EVERY
        out = kept[:index + 1]
        state = out[index].copy()
        at = index * _SNAPSHOT_EVERY
        while at < len(order):
            nxt = min(at + _SNAPSHOT_EVERY, len(order))
            self.run(state, order, at, nxt, None)
            out.append(state.copy())
            at = nxt
        return out

    def cost_from(self, snaps: list[_State], order: Sequence[int], position: int, limit: int) -> int | None:
        index = position // _SNAPSHOT_EVERY
        state = snaps[index].copy()
        if not self.run(state, order, index * _SNAPSHOT_EVERY, len(order), limit):
            return None
        return state.cost


def _list_of(problem: Problem, start: Sequence[int]) -> list[int]:
    """The steps by start, then end, then dependency order: the serial scheme decodes it to ``start`` or better."""
    rank = {t: r for r, t in enumerate(problem.topo)}
    return sorted(range(problem.size), key=lambda t: (start[t], start[t] + problem.duration[t], rank[t]))


def _pull(order: list[int], position: int, needed: int) -> list[int]:
    """Move every step of bitset ``needed`` found after ``position`` to ``position``, keeping their order."""
    head, rest = order[:position], order[position:]
    return head + [t for t in rest if (needed >> t) & 1] + [t for t in rest if not (needed >> t) & 1]


def improve(problem: Problem, start: Sequence[int], deadline: float, seed: int = 0) -> list[int]:
    """A schedule at least as good as ``start``, searched for until ``deadline`` (``time.monotonic()``)."""
    given = list(start)
    n = problem.size
    if n < 2 or not problem.weights or time.monotonic() >= deadline:
        return given
    decoder = _Decoder(problem)
    rng = random.Random(seed)
    order = _list_of(problem, given)
    position = {t: i for i, t in enumerate(order)}
    snaps = decoder.snapshots(order, [decoder.empty()], 0)
    cost = snaps[-1].cost
    activities = len(problem.weights)
    tries = stale = 0
    patience = max(_PATIENCE_MIN, _PATIENCE_PER_STEP * n)
    while stale < patience:
        tries += 1
        stale += 1
        if tries % 8 == 0 and time.monotonic() >= deadline:
            break
        if rng.random() < _PULL_SHARE:
            needed = problem.closure[rng.randrange(activities)]
            last = max(position[t] for t in bits(needed))
            if last == 0:
                continue
            first = rng.randrange(last)
            candidate = _pull(order, first, needed)
        else:
            t = rng.randrange(n)
            low = max((position[q] + 1 for q in problem.preds[t]), default=0)
            high = min((position[s] - 1 for s in problem.succs[t]), default=n - 1)
            target = rng.randint(low, high)
            if target == position[t]:
                continue
            candidate = order[:]
            candidate.insert(target, candidate.pop(position[t]))
            first = min(target, position[t])
        value = decoder.cost_from(snaps, candidate, first, cost)
        if value is None:
            continue
        if value < cost:
            stale = 0
        order, cost = candidate, value
        position = {t: i for i, t in enumerate(order)}
        snaps = decoder.snapshots(order, snaps, first)
    state = decoder.empty()
    decoder.run(state, order, 0, n, None)
    found = state.start
    return found if problem.objective(found) < problem.objective(given) else given
