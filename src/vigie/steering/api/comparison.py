"""API of the anonymised comparison: the same answer as the page, numbers only for the peers; names (and
uuids) only in the ranked lists of level users, drawn from their own subtree."""

from decimal import Decimal
from uuid import UUID

from ninja import Schema

from vigie.core.api import operation
from vigie.core.schemas import Message
from vigie.organisations.models import Kind, Organisation

from ..comparison import compare
from . import router

class RankedOut(Schema):
    name: str
    uuid: UUID
    value: Decimal
    rank: int
    own: bool


class PositionOut(Schema):
    key: str
    title: str
    own: Decimal | None
    peers: int
    lower_quartile: Decimal | None
    median: Decimal | None
    upper_quartile: Decimal | None
    quartile: int | None
    reason: str
    ranked: list[RankedOut]
    own_rank: int | None
    ranked_total: int


class ComparisonOut(Schema):
    uuid: UUID
    group: str | None
    reason: str
    positions: list[PositionOut]
    names: bool


@operation(router, "GET", "/establishments/{uuid:uuid}/comparison", "steering_comparison", Organisation, "view",
           queryset=Organisation.objects.filter(kind=Kind.LEGAL_ENTITY),
           response={200: ComparisonOut, 403: Message, 404: Message})
def comparison(request, organisation):
    """The establishment's position among establishments of the same legal status and bed band: quartiles
    per indicator (at least five peers with a value, or the reason), never a peer's name or identifier;
    GHT, ARS and national users also get ranked lists of the establishments of their own subtree."""
    # Custom: computed from the precomputed summaries, not a stored object.
    found = compare(organisation, request.auth)
    group = found["group"]
    return {"uuid": organisation.uuid, "group": group.label if group is not None else None,
            "reason": found["reason"], "positions": found["positions"], "names": found["names"]}
