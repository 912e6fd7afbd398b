"""The reminders as a Celery task, for a worker's periodic schedule (cron with `vigie manage
send_reminders` does the same without one)."""

from celery import shared_task

from .reminders import send_reminders as send


@shared_task(acks_late=True, ignore_result=True)
def send_reminders() -> None:
    send()
