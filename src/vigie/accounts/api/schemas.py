"""API shapes for the caller's account, role assignments and the audit log. Shape only."""

from datetime import datetime
from typing import Any
from uuid import UUID

from ninja import Field, Schema

from vigie.core.roles import Role
from vigie.core.schemas import username_of

from ..filters import AuditEventFilter


class OrganisationRef(Schema):
    uuid: UUID
    kind: str
    name: str


class UserRef(Schema):
    uuid: UUID
    username: str


class RoleOut(Schema):
    uuid: UUID
    user: UserRef
    organisation: OrganisationRef
    role: int
    role_label: str
    granted_by: str | None
    granted_at: datetime

    @staticmethod
    def resolve_role_label(obj) -> str:
        return str(obj.get_role_display())

    resolve_granted_by = username_of("granted_by")


class RoleIn(Schema):
    user: UUID
    organisation: UUID
    role: Role = Field(description="10 reader, 20 contributor, 30 manager (RSSI), 40 administrator")


class MyRole(Schema):
    uuid: UUID
    organisation: OrganisationRef
    role: int
    role_label: str

    @staticmethod
    def resolve_role_label(obj) -> str:
        return str(obj.get_role_display())


class MeOut(Schema):
    uuid: UUID
    username: str
    first_name: str
    last_name: str
    email: str
    roles: list[MyRole]

    @staticmethod
    def resolve_roles(obj) -> list:
        return list(obj.roles.select_related("organisation").order_by("organisation__path"))


class AuditEventOut(Schema):
    uuid: UUID
    at: datetime
    username: str
    action: str
    object_type: str
    object_uuid: str
    object_repr: str
    organisation: UUID | None
    changes: dict[str, Any]
    ip: str | None

    @staticmethod
    def resolve_organisation(obj) -> UUID | None:
        return obj.organisation.uuid if obj.organisation_id and obj.organisation else None


class AuditFilters(AuditEventFilter.api_query()):
    """The audit page's filters (accounts.filters.AuditEventFilter), plus `since` to poll for new events."""

    since: datetime | None = Field(None, description="events at or after this instant")
