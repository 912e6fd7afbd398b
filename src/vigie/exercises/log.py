"""The crisis log's services: open a log, append an entry (the only way to write one), read what is new,
export to PDF. Other apps (and the exercises' live run) call these, never the models directly.

Sequence numbers: `append_entry` locks the log's row (SELECT … FOR UPDATE on PostgreSQL; on SQLite the
transaction is IMMEDIATE, which takes the database's write lock at BEGIN), increments `last_seq` and writes
the entry in the same transaction, so concurrent writers are serialised per log: no number is lost, none
is given twice, and the server's time-stamp follows the number.
"""

import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from vigie.accounts import audit
from vigie.accounts.models import AuditEvent
from vigie.core.pdf import html_to_pdf

from .models import CrisisLog, LogEntry

logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
MAX_TEXT = 10_000  # characters in one entry


class LogClosed(ValidationError):
    """The log is closed: nothing more may be written to it."""


def open_log(*, organisation, title: str, kind: str = CrisisLog.Kind.INCIDENT, user=None) -> CrisisLog:
    log = CrisisLog(organisation=organisation, title=title, kind=kind, created_by=user)
    log.full_clean()
    log.save()
    return log


def close_log(log: CrisisLog) -> CrisisLog:
    """Close the log (idempotent): later appends are refused."""
    CrisisLog.objects.filter(pk=log.pk, closed_at__isnull=True).update(closed_at=timezone.now())
    log.refresh_from_db(fields=["closed_at"])
    return log


def author_label(user) -> str:
    if user is None:
        return ""
    return (user.get_full_name() or user.username)[:150]


def append_entry(log: CrisisLog, *, author, category: str, text: str, corrects: LogEntry | None = None) -> LogEntry:
    """Write a new entry at the end of `log`, numbered and time-stamped by the server.

    `corrects`, when given, must be an entry of the same log: the new entry corrects it (the old one stays,
    shown struck). Raises ValidationError on bad input and LogClosed on a closed log.
    """
    text = (text or "").strip()
    if len(text) > MAX_TEXT:
        raise ValidationError({"text": _("An entry holds at most %(max)s characters.") % {"max": MAX_TEXT}})
    with transaction.atomic():
        locked = CrisisLog.objects.select_for_update().get(pk=log.pk)
        if locked.closed_at is not None:
            raise LogClosed(_("This log is closed: nothing more can be written to it."))
        if corrects is not None and corrects.log_id != locked.pk:
            raise ValidationError({"corrects": _("The corrected entry must belong to the same log.")})
        seq = locked.last_seq + 1
        entry = LogEntry(log=locked, seq=seq, recorded_at=timezone.now(), author=author,
                         author_name=author_label(author), category=category, text=text, corrects=corrects)
        entry.full_clean(validate_unique=False, validate_constraints=False)
        CrisisLog.objects.filter(pk=locked.pk).update(last_seq=seq)
        entry.save(force_insert=True)
    log.last_seq = seq
    return entry


def entries(log: CrisisLog, after: int = 0):
    """The log's entries numbered after `after`, in order, with what the page shows of each."""
    return (LogEntry.objects.filter(log=log, seq__gt=after)
            .select_related("corrects", "author")
            .prefetch_related("corrections")
            .order_by("seq"))


def export_pdf(log: CrisisLog, user) -> bytes:
    """The whole log as a PDF, as it stands now; recorded as an EXPORT in the audit log."""
    html = render_to_string("exercises/log/pdf.html", {
        "log": log, "entries": entries(log), "generated_at": timezone.now(),
    })
    pdf = html_to_pdf(html)
    audit.record(AuditEvent.Action.EXPORT, obj=log, user=user, changes={"format": "pdf"})
    return pdf


