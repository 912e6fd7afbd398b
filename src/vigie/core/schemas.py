"""API shapes shared by every app: objects owned by an organisation, background jobs, messages."""

from datetime import datetime
from uuid import UUID

from django.urls import reverse
from ninja import Schema


def uuid_of(field: str) -> staticmethod:
    """The resolver of a related object's uuid (None when there is none): `resolve_owner = uuid_of("owner")`."""
    return staticmethod(lambda obj: related.uuid if (related := getattr(obj, field)) is not None else None)


def uuids_of(field: str) -> staticmethod:
    """The resolver of the uuids of a many-to-many's objects (read from what was prefetched)."""
    return staticmethod(lambda obj: [related.uuid for related in getattr(obj, field).all()])


def username_of(field: str) -> staticmethod:
    """The resolver of a related user's username (None when there is none)."""
    return staticmethod(lambda obj: related.username if (related := getattr(obj, field)) is not None else None)


class TenantOut(Schema):
    """An object owned by an organisation: its `uuid` and its organisation's. A subclass that declares
    `url` gets the object's page (`get_absolute_url()`), one that declares `job` the uuid of its job."""

    uuid: UUID
    organisation: UUID

    resolve_organisation = uuid_of("organisation")
    resolve_job = uuid_of("job")

    @staticmethod
    def resolve_url(obj) -> str:
        return obj.get_absolute_url()


class JobOut(TenantOut):
    kind: str
    status: str
    progress: int
    message: str
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    result_name: str
    url: str
    download_url: str | None

    @staticmethod
    def resolve_url(obj) -> str:
        return reverse("api:job_get", args=[obj.uuid])

    @staticmethod
    def resolve_download_url(obj) -> str | None:
        if obj.status != obj.Status.DONE or not obj.result_name:
            return None
        return reverse("core:job_download", args=[obj.uuid])


class Message(Schema):
    detail: str
