"""API shapes for background jobs."""

from datetime import datetime
from uuid import UUID

from django.urls import reverse
from ninja import Schema


class JobOut(Schema):
    uuid: UUID
    kind: str
    organisation: UUID
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
    def resolve_organisation(obj) -> UUID:
        return obj.organisation.uuid

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
