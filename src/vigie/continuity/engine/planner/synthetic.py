"""Generated information systems for the benchmark, the large-instance tests and demonstrations.

`generate(n, seed)` builds a plausible hospital IS of ``n`` components in layers (network and storage,
virtualisation and directory, servers, databases, applications, suppliers) with about ``4 × n``
dependencies, always pointing to an earlier component (so the graph is a DAG), 3–10 teams, and BIA
activities with weights and DMIAs. Same ``n`` and ``seed``, same instance.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from .model import Activity, Component, Team

__all__ = ["Instance", "generate"]

_LAYERS: tuple[tuple[str, float, tuple[int, int]], ...] = (
    # kind, share of the components, restore duration range in minutes
    ("network", 0.04, (30, 180)),
    ("storage", 0.03, (120, 600)),
    ("virtualisation", 0.04, (60, 240)),
    ("directory", 0.02, (120, 480)),
    ("backup", 0.02, (60, 240)),
    ("server", 0.35, (30, 240)),
    ("database", 0.15, (60, 720)),
    ("application", 0.30, (30, 360)),
    ("supplier", 0.05, (240, 2880)),
)


@dataclass(frozen=True, slots=True)
class Instance:
    components: tuple[Component, ...]
    teams: tuple[Team, ...]
    activities: tuple[Activity, ...]


def generate(n: int, seed: int = 0, *, teams: int | None = None, dependencies_per_component: float = 4.0
             ) -> Instance:
    rng = random.Random(seed)
    team_count = teams if teams is not None else rng.randint(3, 10)
    team_list = tuple(Team(f"team{i}", f"Team {i}", rng.choice((1, 1, 2, 2, 3))) for i in range(team_count))
    kinds: list[tuple[str, tuple[int, int]]] = []
    for kind, share, durations in _LAYERS:
        kinds.extend([(kind, durations)] * max(1, round(share * n)))
    kinds = kinds[:n] + [("application", (30, 360))] * max(0, n - len(kinds))
    kinds.sort(key=lambda k: [layer[0] for layer in _LAYERS].index(k[0]) if k[0] != "supplier" else -1)
    components: list[Component] = []
    target = round(dependencies_per_component * n)
    edges_left = target
    for i, (kind, (low, high)) in enumerate(kinds):
        remaining_nodes = n - i
        want = 0 if i == 0 else min(i, max(0, round(edges_left / max(remaining_nodes, 1)
                                                    + rng.uniform(-1.5, 1.5))))
        if i > 0 and i * (i - 1) // 2 < target:  # the first nodes cannot hold many edges
            want = min(want, i)
        # Prefer recent components (same or adjacent layer) and the infrastructure base.
        pool = list(range(i))
        deps = sorted(set(rng.choices(pool, weights=[1.0 + (j / max(i, 1)) ** 3 * 4 for j in pool],
                                      k=want))) if want else []
        edges_left -= len(deps)
        tags = [f"site:{rng.choice(('a', 'a', 'b'))}"]
        if kind in ("server", "directory", "database", "backup") and rng.random() < 0.7:
            tags.append("windows")
        duration = int(round(low * (high / low) ** rng.random()))
        components.append(Component(
            key=f"c{i:04d}", name=f"{kind} {i}", kind=kind,
            team="" if kind == "supplier" else rng.choice(team_list).key,
            duration_minutes=duration,
            depends_on=tuple(f"c{j:04d}" for j in deps), tags=tuple(tags)))
    apps = [c.key for c in components if c.kind in ("application", "database")]
    activities = []
    for a in range(max(2, n // 5)):
        needs = tuple(sorted(set(rng.sample(apps, k=min(len(apps), rng.randint(1, 4))))))
        weight = rng.choice((1, 2, 3, 5, 8, 13, 21, 34, 55, 89))
        dmia = rng.choice((60, 240, 480, 1440, 4320, 10080))
        activities.append(Activity(f"a{a:03d}", f"Activity {a}", weight, dmia, needs))
    return Instance(tuple(components), team_list, tuple(activities))
