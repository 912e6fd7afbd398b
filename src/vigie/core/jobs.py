"""Background jobs: a Job row holds progress and result; a Celery task runs the registered handler.

A handler is `handler(job, progress) -> JobResult | None`, where `progress(percent, message)` saves
progress for the page that polls it. Handlers are registered by kind with `@handler("kind")`.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from .models import Job


@dataclass(frozen=True, slots=True)
class JobResult:
    """What a job produced: a file to download, and/or the page where its result lives."""

    filename: str = ""
    content: bytes = b""
    url: str = ""
    written: bool = False  # the handler wrote the file itself at output_path(), a row at a time


Progress = Callable[[int, str], None]
STALE_AFTER = timedelta(hours=1)
HANDLERS: dict[str, Callable[[Job, Progress], JobResult | None]] = {}


def handler(kind: str):
    def register(function):
        HANDLERS[kind] = function
        return function

    return register


def enqueue(kind: str, *, organisation, user, params: dict | None = None) -> Job:
    """Create the job row and send it to the workers once the row is committed."""
    if kind not in HANDLERS:
        raise KeyError(kind)
    job = Job.objects.create(kind=kind, organisation=organisation, created_by=user, params=params or {})

    def send() -> None:
        # cycle: tasks.py imports this module (Celery's task wraps run()); also keeps Celery off the CLI
        from .tasks import run_job

        run_job.delay(str(job.uuid))

    transaction.on_commit(send)
    return job


def result_path(job: Job) -> Path:
    return Path(settings.MEDIA_ROOT) / "jobs" / str(job.uuid) / job.result_name


def output_path(job: Job, filename: str) -> Path:
    """Where a handler writes a large result as it goes (then returns JobResult(filename, written=True)),
    so an export of a million rows never sits whole in the worker's memory."""
    job.result_name = filename
    path = result_path(job)
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def run(job_uuid: str) -> None:
    """Claim the job (only one worker can), run its handler, store its result. Safe to call twice.

    A job still "running" after STALE_AFTER was left by a worker that died (the broker delivers its
    message again, as tasks are acknowledged late): it is claimed again rather than stuck forever.
    """
    now = timezone.now()
    claimable = Q(status=Job.Status.QUEUED) | Q(status=Job.Status.RUNNING, started_at__lt=now - STALE_AFTER)
    claimed = Job.objects.filter(claimable, uuid=job_uuid).update(status=Job.Status.RUNNING, started_at=now)
    if claimed != 1:
        return
    job = Job.objects.select_related("organisation", "created_by").get(uuid=job_uuid)

    def progress(percent: int, message: str = "") -> None:
        Job.objects.filter(pk=job.pk).update(progress=max(0, min(100, percent)), message=message[:300])

    try:
        result = HANDLERS[job.kind](job, progress)
    except Exception as exc:  # a failed job is reported on its page, the worker goes on
        Job.objects.filter(pk=job.pk).update(
            status=Job.Status.FAILED, message=str(exc)[:300], finished_at=timezone.now()
        )
        raise
    fields = {"status": Job.Status.DONE, "progress": 100, "finished_at": timezone.now()}
    if result is not None and result.url:
        fields["result_url"] = result.url
    if result is not None and result.filename:
        job.result_name = result.filename
        path = result_path(job)
        path.parent.mkdir(parents=True, exist_ok=True)
        if not result.written:
            path.write_bytes(result.content)
        fields.update(result_name=result.filename, result_file=str(path))
    Job.objects.filter(pk=job.pk).update(**fields)
