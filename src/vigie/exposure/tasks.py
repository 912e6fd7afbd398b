"""The schedule as a Celery task, for a worker's periodic schedule (beat); cron with
`vigie manage run_due_scans` does the same without one. Both claim each due organisation once."""

from celery import shared_task

from .services import run_due_scans as run


@shared_task(acks_late=True, ignore_result=True)
def run_due_scans() -> None:
    run()
