"""Periodic job of the live run: release due injects even when nobody is polling.

Schedule it every 30 s with Celery beat (`vigie.exercises.tasks.release_due_injects`); the
participants' screens also release due injects on each poll, so the run works without it.
"""

from celery import shared_task

from .run import release_all_running


@shared_task(name="vigie.exercises.release_due_injects")
def release_due_injects() -> int:
    return release_all_running()
