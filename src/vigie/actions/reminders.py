"""E-mail reminders: owners of actions due within N days or overdue; managers of organisations whose
programme deadlines are due within N days or late.

Each (item, recipient, day) is claimed by inserting a ReminderLog row under a unique constraint before
anything is sent, so two runs at the same time, or twice the same day, send each reminder once. One e-mail
per recipient per run gathers their items. If sending fails, that recipient's claims are released so the
next run tries again; the other recipients are not held up.

Deadline reminders go to the managers and administrators holding their role *on the organisation
itself*, not to everyone above it (a national administrator would receive every hospital's reminders).
E-mails are in French.
"""

import datetime
import logging
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import ngettext, override

from vigie.accounts.models import RoleAssignment
from vigie.core.roles import Role
from vigie.organisations.models import Organisation

from .deadlines import DUE, LATE
from .models import Action, ReminderLog
from .services import applicable_organisations, statuses_for

log = logging.getLogger(__name__)
CHUNK = 200


@dataclass
class Outbox:
    actions: list = field(default_factory=list)
    deadlines: list = field(default_factory=list)
    claims: list = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Report:
    emails: int
    actions: int
    deadlines: int
    failed: int


def claim(kind: str, item: str, recipient, day: datetime.date) -> ReminderLog | None:
    """The claim row if this reminder was not sent yet today, else None (someone else has it)."""
    try:
        with transaction.atomic():
            return ReminderLog.objects.create(kind=kind, item=item, recipient=recipient, day=day)
    except IntegrityError:
        return None


def _collect_actions(outboxes, today, days):
    due = (Action.objects.active().filter(due__lte=today + datetime.timedelta(days=days), owner__is_active=True)
           .exclude(owner__email="").select_related("organisation", "owner").order_by("due", "id"))
    for action in due.iterator(chunk_size=CHUNK):
        row = claim(ReminderLog.Kind.ACTION, str(action.uuid), action.owner, today)
        if row is not None:
            outboxes[action.owner].actions.append(action)
            outboxes[action.owner].claims.append(row)


def _managers(organisations):
    found = defaultdict(list)
    rows = (RoleAssignment.objects.filter(organisation__in=[o.pk for o in organisations], role__gte=Role.MANAGER,
                                          user__is_active=True).exclude(user__email="").select_related("user"))
    for row in rows:
        found[row.organisation_id].append(row.user)
    return found


def _collect_deadlines(outboxes, today, days):
    organisations = applicable_organisations(Organisation.objects.all())
    for offset in range(0, organisations.count(), CHUNK):
        chunk = list(organisations[offset:offset + CHUNK])
        managers = _managers(chunk)
        for org, states in statuses_for(chunk, today):
            for state, _last in states:
                if not (state.state == LATE or (state.state == DUE and state.days_left(today) <= days)):
                    continue
                for user in managers.get(org.pk, []):
                    row = claim(ReminderLog.Kind.DEADLINE, f"{state.deadline.code}:{org.uuid}", user, today)
                    if row is not None:
                        outboxes[user].deadlines.append((org, state))
                        outboxes[user].claims.append(row)


def _message(user, outbox: Outbox, today, base_url: str, connection) -> EmailMessage:
    with override("fr"):
        count = len(outbox.actions) + len(outbox.deadlines)
        subject = ngettext("[Vigie] Reminder: %(count)s item needs your attention",
                           "[Vigie] Reminder: %(count)s items need your attention", count) % {"count": count}
        body = render_to_string("actions/email/reminder.txt", {
            "user": user, "actions": outbox.actions, "deadlines": outbox.deadlines, "today": today,
            "base_url": base_url,
        })
    return EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email], connection=connection)


def send_reminders(*, days: int | None = None, today: datetime.date | None = None,
                   base_url: str | None = None) -> Report:
    today = today or timezone.localdate()
    days = settings.VIGIE_REMINDER_DAYS if days is None else days
    base_url = (settings.VIGIE_EMAIL_BASE_URL if base_url is None else base_url).rstrip("/")
    outboxes: dict = defaultdict(Outbox)
    _collect_actions(outboxes, today, days)
    _collect_deadlines(outboxes, today, days)
    sent = failed = 0
    connection = get_connection()
    for user, outbox in outboxes.items():
        try:
            _message(user, outbox, today, base_url, connection).send()
            sent += 1
        except Exception:  # noqa: BLE001 - SMTP raises many kinds; release the claims and go on
            log.exception("reminder to %s failed; it will be tried again at the next run", user.email)
            ReminderLog.objects.filter(pk__in=[row.pk for row in outbox.claims]).delete()
            failed += 1
    connection.close()
    return Report(
        emails=sent, failed=failed,
        actions=sum(len(o.actions) for o in outboxes.values()),
        deadlines=sum(len(o.deadlines) for o in outboxes.values()),
    )
