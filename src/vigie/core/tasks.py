from celery import shared_task


@shared_task(acks_late=True, ignore_result=True)
def run_job(job_uuid: str) -> None:
    from .jobs import run

    run(job_uuid)
