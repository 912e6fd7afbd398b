"""The schedule as a Celery task, for a worker's periodic schedule (beat); cron with
`vigie manage run_due_audits` does the same without one. Both claim each due directory once."""

from celery import shared_task

from .services import run_due_audits as run


@shared_task(acks_late=True, ignore_result=True)
def run_due_audits() -> None:
    run()
