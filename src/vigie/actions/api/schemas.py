"""API shapes for the action plan and the deadlines. Shape only: rules live in the models and services."""

import datetime
from uuid import UUID

from ninja import Schema

from vigie.core.schemas import TenantOut, username_of, uuid_of

from ..models import Priority, Source


class NoteOut(Schema):
    author: str | None
    at: datetime.datetime
    text: str

    resolve_author = username_of("author")


class ActionOut(TenantOut):
    organisation_name: str
    title: str
    description: str
    source: str
    source_key: str
    owner: UUID | None
    owner_username: str | None
    due: datetime.date | None
    priority: str
    status: str
    overdue: bool
    created_at: datetime.datetime
    updated_at: datetime.datetime
    closed_at: datetime.datetime | None
    merged_into: UUID | None

    @staticmethod
    def resolve_organisation_name(obj) -> str:
        return obj.organisation.name

    resolve_owner = uuid_of("owner")
    resolve_owner_username = username_of("owner")

    @staticmethod
    def resolve_overdue(obj) -> bool:
        return obj.is_overdue()

    resolve_merged_into = uuid_of("merged_into")


class ActionDetailOut(ActionOut):
    notes: list[NoteOut]

    @staticmethod
    def resolve_notes(obj) -> list:
        return list(obj.notes.select_related("author"))


class RaiseOut(ActionOut):
    created: bool


class ActionFields(Schema):
    title: str
    description: str = ""
    priority: Priority = Priority.MEDIUM
    due: datetime.date | None = None
    owner: UUID | None = None


class ActionIn(ActionFields):
    organisation: UUID
    source: Source = Source.MANUAL
    source_key: str = ""


class ActionPatch(ActionFields):
    status: str


class RaiseIn(Schema):
    organisation: UUID
    source: Source
    source_key: str
    title: str
    description: str = ""
    priority: Priority = Priority.MEDIUM
    due: datetime.date | None = None


class NoteIn(Schema):
    text: str = ""  # checked after the lookup, so an object the caller cannot see answers 404 first


class CompletionOut(Schema):
    uuid: UUID
    done_on: datetime.date
    reference: str


class DeadlineStatusOut(Schema):
    organisation: UUID
    organisation_name: str
    deadline: str
    title: str
    confidence: str
    source: str
    state: str
    due: datetime.date
    last_completion: CompletionOut | None


class DeadlineQuery(Schema):
    organisation: UUID | None = None
    deadline: str | None = None
    state: str | None = None
    limit: int = 50
    offset: int = 0
