"""An establishment's anonymised position among similar establishments, on every indicator with a value.

Peers are the other establishments of the same legal status and bed band (compliance's peer group). Their
values are read as bare numbers — never a name, uuid or FINESS — and summarised as quartiles, and only when
at least PEER_MINIMUM of them have a value: fewer could let someone recognise one. Users of a steering
level above the establishment (GHT, ARS, national) also get a ranked list with names, drawn through
scoped() so that it holds only establishments of their own subtree.
"""

import statistics
from dataclasses import dataclass, field
from decimal import Decimal
from uuid import UUID

from django.urls import reverse
from django.utils.translation import gettext as _

from vigie.core.scoping import role_paths, scoped
from vigie.compliance.services import PEER_MINIMUM, peer_group
from vigie.core.registry import registry
from vigie.core.roles import Role
from vigie.organisations.models import Kind, Organisation

from .models import Summary
from .services import LEVEL_KINDS

RANKED = 10  # names listed per indicator in a level user's ranked list


@dataclass(frozen=True, slots=True)
class Ranked:
    name: str
    uuid: UUID
    value: Decimal
    rank: int
    own: bool

    @property
    def url(self) -> str:
        return reverse("organisations:detail", args=[self.uuid])


@dataclass(slots=True)
class Position:
    key: str
    title: str
    own: Decimal | None
    peers: int
    lower_quartile: Decimal | None = None
    median: Decimal | None = None
    upper_quartile: Decimal | None = None
    quartile: int | None = None  # 1 (lowest quarter) to 4 (highest) for the establishment's own value
    reason: str = ""
    ranked: list[Ranked] = field(default_factory=list)
    own_rank: int | None = None
    ranked_total: int = 0

    @property
    def available(self) -> bool:
        return self.median is not None


def _decimal(value: float) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"))


def _quartile(own: Decimal, cuts: list[float]) -> int:
    return 1 + sum(float(own) > cut for cut in cuts)


def _order(key: str) -> tuple:
    indicator = registry.indicators.get(key)
    return (indicator.order, key) if indicator is not None else (10_000, key)


def _title(key: str) -> str:
    indicator = registry.indicators.get(key)
    return indicator.title if indicator is not None else key


def sees_names(user, organisation: Organisation) -> bool:
    """Whether the user holds a role on a steering level (GHT, region, national) above the establishment."""
    if user.is_superuser:
        return True
    paths = [p for p in role_paths(user, Role.READER) if organisation.path.startswith(p) and p != organisation.path]
    return Organisation.objects.filter(path__in=paths, kind__in=LEVEL_KINDS).exists() if paths else False


def _peer_values(organisation: Organisation, group) -> dict[str, list[float]]:
    """Every peer's value per indicator: numbers only, no other column of the peers is read."""
    rows = (Summary.objects.filter(group.condition("organisation__"), organisation__kind=Kind.LEGAL_ENTITY,
                                   value__isnull=False)
            .exclude(organisation=organisation).values_list("key", "value"))
    values: dict[str, list[float]] = {}
    for key, value in rows:
        values.setdefault(key, []).append(float(value))
    return values


def _ranked(user, organisation: Organisation, group, positions: dict[str, Position]) -> None:
    """The peers of the user's own subtree (the establishment included), ranked per indicator."""
    rows = (scoped(Summary.objects.filter(group.condition("organisation__"), organisation__kind=Kind.LEGAL_ENTITY,
                                          value__isnull=False, key__in=list(positions)), user, "view")
            .order_by("key", "-value", "organisation__name")
            .values_list("key", "organisation_id", "organisation__name", "organisation__uuid", "value"))
    counts: dict[str, int] = {}
    for key, org_id, name, uuid, value in rows:
        position = positions[key]
        counts[key] = rank = counts.get(key, 0) + 1
        if org_id == organisation.pk:
            position.own_rank = rank
        if rank <= RANKED:
            position.ranked.append(Ranked(name, uuid, value, rank, org_id == organisation.pk))
    for key, count in counts.items():
        positions[key].ranked_total = count


def compare(organisation: Organisation, user) -> dict:
    """{"group": PeerGroup or None, "reason": why there is no comparison, "positions": [Position],
    "names": whether ranked lists with names are shown}: four or five queries."""
    group, reason = peer_group(organisation)
    if group is None:
        return {"group": None, "reason": reason, "positions": [], "names": False}
    peers = _peer_values(organisation, group)
    own = dict(Summary.objects.filter(organisation=organisation, value__isnull=False).values_list("key", "value"))
    positions: dict[str, Position] = {}
    for key in sorted(set(peers) | set(own), key=_order):
        values = peers.get(key, [])
        position = Position(key, _title(key), own.get(key), len(values))
        if len(values) < PEER_MINIMUM:
            position.reason = _(
                "Only %(count)s comparable establishments have a value; at least %(minimum)s are needed to show "
                "a comparison without revealing anyone.") % {"count": len(values), "minimum": PEER_MINIMUM}
        else:
            cuts = statistics.quantiles(values, n=4, method="inclusive")
            position.lower_quartile, position.upper_quartile = _decimal(cuts[0]), _decimal(cuts[2])
            position.median = _decimal(statistics.median(values))
            if position.own is not None:
                position.quartile = _quartile(position.own, cuts)
        positions[key] = position
    names = sees_names(user, organisation)
    if names and positions:
        _ranked(user, organisation, group, positions)
    return {"group": group, "reason": "", "positions": list(positions.values()), "names": names}
