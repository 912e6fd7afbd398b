"""API shapes for the organisation tree and its contacts. Shape only: the rules live in Model.clean()."""

from decimal import Decimal
from uuid import UUID

from ninja import Schema


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

    @staticmethod
    def resolve_parent(obj) -> UUID | None:
        return obj.parent.uuid if obj.parent_id else None


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


class ContactOut(Schema):
    uuid: UUID
    organisation: UUID
    name: str
    function: str
    email: str
    phone: str

    @staticmethod
    def resolve_organisation(obj) -> UUID:
        return obj.organisation.uuid


class ContactFields(Schema):
    name: str
    function: str = "other"
    email: str = ""
    phone: str = ""


class ContactIn(ContactFields):
    organisation: UUID
