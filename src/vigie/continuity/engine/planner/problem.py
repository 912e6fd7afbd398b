"""The scheduling problem behind a plan, in indices: what the greedy scheduler and CP-SAT both read.

Tasks are the lost components (in the order given). A task waits for its *effective* predecessors: the
lost components it depends on, directly or through components that are down but need no work. An
activity is back at the latest end among its *frontier* tasks (the lost components it reaches first).
"""

from __future__ import annotations

import heapq
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from .model import Activity, Component, Team

__all__ = ["Problem", "bits", "build"]


@dataclass(frozen=True, slots=True)
class Problem:
    keys: tuple[str, ...]  # task index -> component key
    duration: tuple[int, ...]
    team: tuple[int, ...]  # task -> team index, -1 for an outside party (no capacity used)
    capacity: tuple[int, ...]  # team index -> capacity
    preds: tuple[tuple[int, ...], ...]  # effective predecessors, transitively reduced
    direct: tuple[tuple[int, ...], ...]  # effective predecessors as declared (what the runbook prints)
    succs: tuple[tuple[int, ...], ...]
    topo: tuple[int, ...]  # a topological order of the tasks
    ancestors: tuple[int, ...]  # bitset of all (transitive) predecessors of each task
    weights: tuple[int, ...]  # per affected activity
    act_index: tuple[int, ...]  # affected activity -> index among the activities given
    frontier: tuple[tuple[int, ...], ...]  # affected activity -> tasks whose ends bring it back
    closure: tuple[int, ...]  # affected activity -> bitset of every task it needs
    waits_for: tuple[tuple[int, ...], ...]  # per activity given (affected or not): every task it needs

    @property
    def size(self) -> int:
        return len(self.keys)

    def head(self) -> list[int]:
        """Earliest start of each task from the precedences alone."""
        head = [0] * self.size
        for t in self.topo:
            for s in self.succs[t]:
                head[s] = max(head[s], head[t] + self.duration[t])
        return head

    def tail(self) -> list[int]:
        """Longest chain of work from the start of each task to the end of its last successor."""
        tail = [0] * self.size
        for t in reversed(self.topo):
            tail[t] = self.duration[t] + max((tail[s] for s in self.succs[t]), default=0)
        return tail

    def objective(self, start: Sequence[int]) -> int:
        return sum(w * self.completion(a, start) for a, w in enumerate(self.weights))

    def completion(self, a: int, start: Sequence[int]) -> int:
        return max(start[t] + self.duration[t] for t in self.frontier[a])


def bits(mask: int) -> list[int]:
    out = []
    while mask:
        low = mask & -mask
        out.append(low.bit_length() - 1)
        mask ^= low
    return out


def build(components: Mapping[str, Component], teams: Mapping[str, Team], activities: Sequence[Activity],
          lost: frozenset[str]) -> Problem:
    """The problem of restoring ``lost`` (inputs already validated, dependencies acyclic)."""
    keys = tuple(key for key in components if key in lost)
    index = {key: i for i, key in enumerate(keys)}
    team_keys = list(teams)
    team_index = {key: i for i, key in enumerate(team_keys)}

    # Lost components that gate the availability of each component (itself when it is lost).
    gate: dict[str, int] = {}

    def gates(key: str) -> int:
        if key in gate:
            return gate[key]
        stack = [key]
        while stack:  # iterative post-order: deep dependency chains must not hit the recursion limit
            top = stack[-1]
            if top in gate:
                stack.pop()
                continue
            if top in index:
                gate[top] = 1 << index[top]
                stack.pop()
                continue
            missing = [d for d in components[top].depends_on if d not in gate]
            if missing:
                stack.extend(missing)
                continue
            mask = 0
            for d in components[top].depends_on:
                mask |= gate[d]
            gate[top] = mask
            stack.pop()
        return gate[key]

    direct: list[int] = []
    for key in keys:
        mask = 0
        for d in components[key].depends_on:
            mask |= gates(d)
        direct.append(mask)

    # Topological order (Kahn, smallest index first for determinism) and transitive ancestors.
    n = len(keys)
    indegree = [len(bits(m)) for m in direct]
    children: list[list[int]] = [[] for _ in range(n)]
    for t, m in enumerate(direct):
        for p in bits(m):
            children[p].append(t)
    ready = [t for t in range(n) if indegree[t] == 0]
    topo: list[int] = []
    heapq.heapify(ready)
    while ready:
        t = heapq.heappop(ready)
        topo.append(t)
        for c in children[t]:
            indegree[c] -= 1
            if indegree[c] == 0:
                heapq.heappush(ready, c)
    ancestors = [0] * n
    for t in topo:
        mask = 0
        for p in bits(direct[t]):
            mask |= ancestors[p] | (1 << p)
        ancestors[t] = mask
    # Transitive reduction: keep p only when no other predecessor already comes after it.
    preds: list[tuple[int, ...]] = []
    for t in range(n):
        ps = bits(direct[t])
        implied = 0
        for p in ps:
            implied |= ancestors[p]
        preds.append(tuple(p for p in ps if not (implied >> p) & 1))
    succs: list[list[int]] = [[] for _ in range(n)]
    for t, reduced in enumerate(preds):
        for p in reduced:
            succs[p].append(t)

    weights: list[int] = []
    act_index: list[int] = []
    frontier: list[tuple[int, ...]] = []
    closure: list[int] = []
    waits_for: list[tuple[int, ...]] = []
    for i, act in enumerate(activities):
        mask = 0
        for need in act.needs:
            mask |= gates(need)
        full = mask
        for t in bits(mask):
            full |= ancestors[t]
        waits_for.append(tuple(bits(full)))
        if not mask:
            continue
        covered = 0
        for t in bits(mask):
            covered |= ancestors[t]
        weights.append(act.weight)
        act_index.append(i)
        frontier.append(tuple(bits(mask & ~covered)))
        closure.append(full)

    return Problem(
        keys=keys,
        duration=tuple(components[k].duration_minutes for k in keys),
        team=tuple(team_index[components[k].team] if components[k].team else -1 for k in keys),
        capacity=tuple(teams[k].capacity for k in team_keys),
        preds=tuple(preds),
        direct=tuple(tuple(bits(m)) for m in direct),
        succs=tuple(tuple(s) for s in succs),
        topo=tuple(topo),
        ancestors=tuple(ancestors),
        weights=tuple(weights),
        act_index=tuple(act_index),
        frontier=tuple(frontier),
        closure=tuple(closure),
        waits_for=tuple(waits_for),
    )
