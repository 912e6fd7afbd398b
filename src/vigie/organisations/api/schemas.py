"""API shapes for the organisation tree and its contacts. Shape only: the rules live in Model.clean()."""

from decimal import Decimal
from typing import Annotated
from uuid import UUID

from django.db.models import Q
from ninja import FilterSchema, Schema
from ninja.filter_schema import FilterLookup

from vigie.core.schemas import TenantOut, uuid_of

from ..finess import normalise


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


class OrganisationFilters(FilterSchema):
    kind: str | None = None
    parent: Annotated[UUID | None, FilterLookup("parent__uuid")] = None
    search: str | None = None

    def filter_search(self, value: str | None) -> Q:
        if not value:
            return Q()
        return Q(name__icontains=value) | Q(finess__startswith=normalise(value))


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


class ContactFilters(FilterSchema):
    organisation: Annotated[UUID | None, FilterLookup("organisation__uuid")] = None
    function: str | None = None
    search: str | None = None

    def filter_search(self, value: str | None) -> Q:
        if not value:
            return Q()
        return Q(name__icontains=value) | Q(email__icontains=value)

