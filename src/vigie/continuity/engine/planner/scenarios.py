"""Scenarios: which components a disaster takes down, and `impact()`, which says why each one is down.

A scenario selects components with `Match` rules (a component is lost when it matches any rule) and says
whether the loss *propagates*: after ransomware, everything that runs on an encrypted server must be
restored too; when only the directory is lost, applications need no work and come back with it.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass

from .errors import UnknownReference
from .model import KINDS, Component, Impact, Loss

__all__ = [
    "BUILTIN_SCENARIOS",
    "Match",
    "Scenario",
    "builtin_scenario",
    "impact",
    "site_loss",
]


@dataclass(frozen=True, slots=True)
class Match:
    """Components whose key is among ``keys`` (if given), kind among ``kinds`` (if given) and that carry
    every tag of ``tags`` (compared case-insensitively). ``Match()`` matches every component."""

    keys: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()

    def matches(self, component: Component) -> bool:
        if self.keys and component.key not in self.keys:
            return False
        if self.kinds and component.kind not in self.kinds:
            return False
        have = {tag.lower() for tag in component.tags}
        return all(tag.lower() in have for tag in self.tags)


@dataclass(frozen=True, slots=True)
class Scenario:
    """A disaster. ``lost``: rules selecting what it destroys; ``propagate``: whether what depends on a
    lost component must be restored too (True) or only waits for it (False). Names and descriptions in
    English and French (``name_fr``, ``description_fr``) for built-in scenarios; the app may leave the
    French fields empty for its own."""

    key: str
    name: str
    lost: tuple[Match, ...]
    propagate: bool = True
    name_fr: str = ""
    description: str = ""
    description_fr: str = ""


BUILTIN_SCENARIOS: tuple[Scenario, ...] = (
    Scenario(
        key="ransomware",
        name="Ransomware: Windows servers and directory encrypted",
        name_fr="Rançongiciel : serveurs Windows et annuaire chiffrés",
        lost=(Match(kinds=("server",), tags=("windows",)), Match(kinds=("directory",))),
        propagate=True,
        description="Every server tagged 'windows' and the directory are encrypted; everything that runs "
                    "on them must be restored as well.",
        description_fr="Tous les serveurs étiquetés « windows » et l'annuaire sont chiffrés ; tout ce qui "
                       "s'appuie sur eux doit aussi être restauré.",
    ),
    Scenario(
        key="storage_loss",
        name="Loss of the storage arrays",
        name_fr="Perte des baies de stockage",
        lost=(Match(kinds=("storage",)),),
        propagate=True,
        description="The storage is destroyed; the servers, databases and applications it holds must be "
                    "restored from backups.",
        description_fr="Le stockage est détruit ; les serveurs, bases de données et applications qu'il "
                       "héberge doivent être restaurés depuis les sauvegardes.",
    ),
    Scenario(
        key="directory_loss",
        name="Loss of the directory",
        name_fr="Perte de l'annuaire",
        lost=(Match(kinds=("directory",)),),
        propagate=False,
        description="The directory must be rebuilt; what depends on it is unavailable until it is back "
                    "but needs no restore of its own.",
        description_fr="L'annuaire doit être reconstruit ; ce qui en dépend est indisponible jusqu'à son "
                       "retour mais n'a pas à être restauré.",
    ),
    Scenario(
        key="supplier_outage",
        name="Outage of the suppliers and SaaS",
        name_fr="Panne des fournisseurs et services SaaS",
        lost=(Match(kinds=("supplier",)),),
        propagate=False,
        description="External suppliers and SaaS services are down; the applications using them wait "
                    "for their return.",
        description_fr="Les fournisseurs externes et services SaaS sont indisponibles ; les applications "
                       "qui les utilisent attendent leur retour.",
    ),
)


def site_loss(site: str | None = None) -> Scenario:
    """Loss of a site (fire, flood): every component tagged ``site:<site>``, or every component but the
    outside suppliers when ``site`` is None (a single machine room). Dependents elsewhere must be
    restored too."""
    if site is None:
        return Scenario(
            key="site_loss", name="Loss of the site", name_fr="Perte du site",
            lost=(Match(kinds=tuple(kind for kind in KINDS if kind != "supplier")),),
            description="The machine room is lost: every component but the outside suppliers must be rebuilt.",
            description_fr="La salle informatique est perdue : tous les composants hors fournisseurs "
                           "externes doivent être reconstruits.",
        )
    return Scenario(
        key=f"site_loss:{site}", name=f"Loss of site {site}", name_fr=f"Perte du site {site}",
        lost=(Match(tags=(f"site:{site}",)),),
        description=f"Every component tagged site:{site} is lost, with what depends on it.",
        description_fr=f"Tous les composants étiquetés site:{site} sont perdus, avec ce qui en dépend.",
    )


def builtin_scenario(key: str) -> Scenario:
    """A built-in scenario by key: those of `BUILTIN_SCENARIOS`, "site_loss" and "site_loss:<site>"."""
    for scenario in BUILTIN_SCENARIOS:
        if scenario.key == key:
            return scenario
    if key == "site_loss":
        return site_loss()
    if key.startswith("site_loss:") and key[len("site_loss:"):]:
        return site_loss(key[len("site_loss:"):])
    raise UnknownReference("built-in scenarios", "key", key, expected="scenario")


def impact(components: Iterable[Component], scenario: Scenario) -> Impact:
    """What ``scenario`` takes down, with the reason for each component.

    Raises a `PlanningError` for bad components (duplicates, unknown dependencies, cycles) or a scenario
    naming unknown components or kinds.
    """
    # cycle: validation imports this module's scenario types (not broken yet)
    from .validation import check_components, check_scenario

    index = check_components(components)
    check_scenario(scenario, index)
    dependents: dict[str, list[str]] = {key: [] for key in index}
    for comp in index.values():
        for dep in comp.depends_on:
            dependents[dep].append(comp.key)
    paths: dict[str, tuple[str, ...]] = {}
    queue: deque[str] = deque()
    for comp in index.values():
        if any(match.matches(comp) for match in scenario.lost):
            paths[comp.key] = (comp.key,)
            queue.append(comp.key)
    direct = set(paths)
    # Breadth first: each dependent gets the shortest chain to a directly lost component.
    while queue:
        key = queue.popleft()
        for dependent in dependents[key]:
            if dependent not in paths:
                paths[dependent] = (dependent,) + paths[key]
                queue.append(dependent)
    lost: list[Loss] = []
    waiting: list[Loss] = []
    for key in index:
        if key not in paths:
            continue
        loss = Loss(key=key, direct=key in direct, cause=paths[key][-1], path=paths[key])
        (lost if loss.direct or scenario.propagate else waiting).append(loss)
    return Impact(scenario=scenario.key, lost=tuple(lost), waiting=tuple(waiting))
