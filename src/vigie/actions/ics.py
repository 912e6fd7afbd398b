"""A user's calendar feed (iCalendar, RFC 5545): the programme deadlines of the organisations they see and
the due dates of the open actions they see, as all-day events.

What the feed holds is what the user's roles allow *now*: revoking a role narrows it at the next refresh.
Titles and organisations only, no descriptions or notes: calendar applications copy feeds to places
Vigie does not control.
"""

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override
from icalendar import Calendar, Event

from vigie.core.scoping import scoped
from vigie.organisations.services import visible_organisations

from .deadlines import STATE_LABELS
from .models import Action
from .services import applicable_organisations, statuses_for

MAX_ACTIONS = 2000
MAX_ORGANISATIONS = 300  # a national account sees thousands: the feed keeps the first ones by tree order
PRODID = "-//Vigie//CaRE deadlines and action plan//FR"


def _event(uid: str, day: datetime.date, summary: str, url: str, stamp: datetime.datetime) -> Event:
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp)
    event.add("dtstart", day)
    event.add("dtend", day + datetime.timedelta(days=1))
    event.add("summary", summary)
    event.add("transp", "TRANSPARENT")
    if url:
        event.add("url", url)
    return event


def feed(user, base_url: str = "", today: datetime.date | None = None) -> bytes:
    today = today or timezone.localdate()
    stamp = timezone.now().replace(microsecond=0)
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    with override("fr"):
        calendar.add("x-wr-calname", _("Vigie — deadlines and actions"))
        actions = scoped(Action.objects.active().filter(due__isnull=False), user, "view")
        for action in actions.select_related("organisation").order_by("due", "id")[:MAX_ACTIONS]:
            summary = _("[PAQ] %(title)s — %(organisation)s") % {
                "title": action.title, "organisation": action.organisation.name}
            if action.is_overdue(today):
                summary = _("[PAQ, overdue] %(title)s — %(organisation)s") % {
                    "title": action.title, "organisation": action.organisation.name}
            calendar.add_component(_event(f"action-{action.uuid}@vigie", action.due, summary,
                                          base_url + action.get_absolute_url(), stamp))
        organisations = applicable_organisations(visible_organisations(user))[:MAX_ORGANISATIONS]
        for org, states in statuses_for(organisations, today):
            for state, _last in states:
                if state.state == "done" and not state.deadline.recurring:
                    continue
                summary = _("[CaRE] %(deadline)s — %(organisation)s (%(state)s)") % {
                    "deadline": state.deadline.title(), "organisation": org.name, "state": STATE_LABELS[state.state]}
                uid = f"deadline-{state.deadline.code}-{org.uuid}-{state.due.isoformat()}@vigie"
                calendar.add_component(_event(uid, state.due, summary, "", stamp))
    return calendar.to_ical()
