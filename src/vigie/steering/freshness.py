"""Keep the summaries current on change: saving or deleting a record of a model an indicator reads
(`Indicator.sources`) marks its organisation stale, and one background job refreshes what was marked.

The marks of a transaction are gathered and written once it commits (nothing happens if it rolls back);
a job is queued only when none is waiting, so a burst of saves makes one job. The job takes the marks,
refreshes their establishments (an establishment itself, the legal entity of a site, every establishment
under a GHT or region), then removes the marks it took: a mark made while it ran stays for the next job.
"""

import logging

from django.apps import apps
from django.core.exceptions import ObjectDoesNotExist
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.utils import timezone
from django.utils.translation import gettext

from vigie.core.jobs import STALE_AFTER, JobResult, enqueue, handler
from vigie.core.models import Job
from vigie.core.registry import registry
from vigie.organisations.models import Organisation
from vigie.organisations.services import establishments_of

from .models import Stale
from .services import refresh_establishments

logger = logging.getLogger(__name__)
JOB_KIND = "steering.refresh"


class _Marks:
    """The on-commit callback of one transaction, holding the organisations it marked."""

    def __init__(self) -> None:
        self.ids: set[int] = set()

    def __call__(self) -> None:
        flush(self.ids)


def mark_stale(organisation_id: int | None) -> None:
    if organisation_id is None:
        return
    connection = transaction.get_connection()
    if connection.in_atomic_block:
        for entry in connection.run_on_commit:
            if isinstance(entry[1], _Marks):
                entry[1].ids.add(organisation_id)
                return
    marks = _Marks()
    marks.ids.add(organisation_id)
    # Robust: a failure to write the marks is logged, never raised to the request whose data is committed
    # (outside a transaction this runs now). The daily refresh_steering catches what a lost mark missed.
    transaction.on_commit(marks, robust=True)


def forget_pending() -> None:
    """Drop the marks of the current transaction (what it changed was just computed in full)."""
    for entry in transaction.get_connection().run_on_commit:
        if isinstance(entry[1], _Marks):
            entry[1].ids.clear()


def flush(ids) -> Job | None:
    """Write the marks and queue the refresh job unless one is already waiting (it will read them)."""
    if not ids:
        return None
    now = timezone.now()
    existing = Organisation.objects.filter(pk__in=list(ids)).values_list("pk", flat=True)
    Stale.objects.bulk_create([Stale(organisation_id=pk, marked_at=now) for pk in existing],
                              update_conflicts=True, unique_fields=["organisation"], update_fields=["marked_at"])
    # A job queued long ago was lost with its message (a broker emptied, a machine rebuilt): not waited for.
    waiting = Job.objects.filter(kind=JOB_KIND, status=Job.Status.QUEUED, created_at__gte=now - STALE_AFTER)
    if waiting.exists():
        return None
    owner = Organisation.objects.filter(parent__isnull=True).order_by("path").first()
    return enqueue(JOB_KIND, organisation=owner, user=None) if owner is not None else None


def _changed(sender, instance, **kwargs) -> None:
    organisation_id = getattr(instance, "organisation_id", None)
    if organisation_id is None:  # a child record (an exercise's participant): its owner's organisation
        try:
            organisation_id = instance.owning_organisation().pk
        except ObjectDoesNotExist:  # deleted along with its owner
            return
    mark_stale(organisation_id)


def _organisation_saved(sender, instance, **kwargs) -> None:
    """A new establishment gets its rows at once; a moved node or a changed activity share is recounted."""
    mark_stale(instance.pk)


def connect() -> None:
    """Listen to the source models of every registered indicator, and to the tree (called once the apps
    are ready)."""
    post_save.connect(_organisation_saved, sender=Organisation, dispatch_uid="steering.stale.organisation")
    for label in sorted({source for indicator in registry.indicators.values() for source in indicator.sources}):
        model = apps.get_model(label)
        post_save.connect(_changed, sender=model, dispatch_uid=f"steering.stale.save.{label}")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"steering.stale.delete.{label}")


@handler(JOB_KIND)
def refresh_stale(job, progress) -> JobResult:
    """Refresh the establishments of every mark; a fault is logged and named in the job's message."""
    marks = list(Stale.objects.values_list("pk", "organisation_id", "marked_at"))
    queryset = establishments_of([organisation for _pk, organisation, _at in marks]).select_related("parent")
    outcome = refresh_establishments(queryset)
    if marks:  # a mark made again while the job ran is newer than every mark taken: it stays
        Stale.objects.filter(pk__in=[pk for pk, _o, _a in marks], marked_at__lte=max(a for _p, _o, a in marks)).delete()
    message = gettext("Establishments refreshed: %(count)d.") % {"count": outcome.read}
    if outcome.faults:
        message += " " + gettext("Indicators that failed (their previous readings are kept): %(keys)s.") % {
            "keys": ", ".join(f"{key} ({fault})" for key, fault in sorted(outcome.faults.items()))}
        logger.error("steering refresh: %s", message)
    progress(100, message)
    return JobResult()
