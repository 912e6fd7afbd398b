"""Steering indicator of the Active Directory: `directory.level`, the ANSSI level of the latest finished
audit of each directory of the establishment and its sites, the lowest of them. An audit counts for the
period of the CaRE deadline `ad-audit` (a quarter, in the deadlines file): older, it is late; the level is
partly held below CARE_LEVEL (the level D2.O3.A expects).
"""

import datetime
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vigie.actions.services import lapses_on
from vigie.core.indicators import Indicator, Reading, State, by_unit, freshness
from vigie.core.registry import registry
from vigie.organisations.services import by_establishment

from .models import Audit
from .services import CARE_LEVEL, DEADLINE


def _reading(audit: Audit, audits: int, as_of: datetime.date) -> Reading:
    on = timezone.localtime(audit.finished_at).date()
    due = lapses_on(DEADLINE, on)
    level = audit.level or 0
    state = freshness(due, as_of)
    if state != State.LATE and level < CARE_LEVEL:
        state = State.PARTIAL
    return Reading(state, Decimal(level), on, due, {"level": level, "directory": str(audit.directory.uuid),
                                                     "audits": audits},
                   reverse("directory:audit_detail", args=[audit.uuid]))


def levels(establishments, as_of: datetime.date) -> dict[int, Reading]:
    end = timezone.make_aware(datetime.datetime.combine(as_of + datetime.timedelta(days=1), datetime.time()))
    rows = (Audit.objects.filter(status=Audit.Status.DONE, finished_at__lt=end).select_related("directory")
            .order_by("-finished_at", "-id").only("id", "uuid", "organisation_id", "finished_at", "level",
                                                  "directory__uuid"))
    return by_unit(by_establishment(rows, establishments), lambda audit: audit.directory_id,
                   lambda pk, audits: _reading(audits[0], len(audits), as_of))


def register() -> None:
    registry.indicator(Indicator(
        key="directory.level", title=_("Active Directory level (quarterly audit)"), short=_("AD"), order=20,
        compute=levels, objective="D1.ADS", kind="level", target=Decimal(CARE_LEVEL), group="domain1",
        sources=("directory.Audit",)))
