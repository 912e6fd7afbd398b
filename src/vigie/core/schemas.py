"""API shapes shared by every app: objects owned by an organisation, background jobs, messages."""

from datetime import datetime
from uuid import UUID

from django.urls import reverse
from ninja import Schema


class TenantOut(Schema):
    """An object owned by an organisation: its `uuid` and its organisation's. A subclass that declares
    `url` gets the object's page (`get_absolute_url()`), one that declares `job` the uuid of its job."""

    uuid: UUID
    organisation: UUID

    @staticmethod
    def resolve_organisation(obj) -> UUID:
        return obj.organisation.uuid

    @staticmethod
    def resolve_url(obj) -> str:
        return obj.get_absolute_url()

    @staticmethod
    def resolve_job(obj) -> UUID | None:
        return obj.job.uuid if obj.job_id else None


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
