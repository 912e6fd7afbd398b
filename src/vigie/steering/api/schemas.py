"""API shapes of the steering matrix. Shape only: the filter and the rows come from filters.py and matrix.py."""

import datetime
from decimal import Decimal
from uuid import UUID

from ninja import Field, Schema


class MatrixQuery(Schema):
    q: str | None = None
    within: UUID | None = Field(None, description="a GHT or region under the node: only its establishments")
    state: list[str] = Field(default_factory=list,
                             description='"<indicator key>:<state>", repeatable, e.g. exposure.level:late')
    sort: str | None = Field(None, description='"late" (default), "name", "<indicator key>" or "-<indicator key>"')
    page: int = Field(1, ge=1)


class ReadingOut(Schema):
    key: str
    state: str
    value: Decimal | None
    on: datetime.date | None
    due: datetime.date | None
    url: str
    computed_at: datetime.datetime | None


class MatrixRowOut(Schema):
    uuid: UUID
    name: str
    finess: str | None
    under: str | None = Field(description="the GHT or region the establishment sits under")
    late: int
    nothing_recorded: bool
    readings: list[ReadingOut]


class MatrixPageOut(Schema):
    count: int
    page: int
    pages: int
    items: list[MatrixRowOut]
