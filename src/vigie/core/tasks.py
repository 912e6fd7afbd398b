from celery import shared_task

from .jobs import run


@shared_task(acks_late=True, ignore_result=True)
def run_job(job_uuid: str) -> None:
    run(job_uuid)
