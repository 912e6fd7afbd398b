"""API shapes for the organisation tree and its contacts. Shape only: the rules live in Model.clean()."""

from decimal import Decimal
from uuid import UUID

from ninja import Schema

from vigie.core.schemas import TenantOut, uuid_of


class OrganisationOut(Schema):
    uuid: UUID
    kind: str
    parent: UUID | None
    name: str
    code: str
    finess: str | None
    legal_status: str
    activity_share: Decimal | None
    bed_count: int | None
    address: str
    email: str
    phone: str

    resolve_parent = uuid_of("parent")


class OrganisationFields(Schema):
    """The fields a caller may set; kind and parent are chosen at creation."""

    name: str
    code: str = ""
    finess: str | None = None
    legal_status: str = ""
    activity_share: Decimal | None = None
    bed_count: int | None = None
    address: str = ""
    email: str = ""
    phone: str = ""


class OrganisationIn(OrganisationFields):
    kind: str
    parent: UUID


class OrganisationPatch(OrganisationFields):
    parent: UUID


class ContactOut(TenantOut):
    name: str
    function: str
    email: str
    phone: str


class ContactFields(Schema):
    name: str
    function: str = "other"
    email: str = ""
    phone: str = ""


class ContactIn(ContactFields):
    organisation: UUID
