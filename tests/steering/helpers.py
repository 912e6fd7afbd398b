"""Helpers of the steering tests: read one indicator for some establishments, as of a fixed day."""

import datetime

from vigie.core.indicators import Reading, State
from vigie.core.registry import registry

AS_OF = datetime.date(2026, 6, 15)


def days_before(days: int, as_of: datetime.date = AS_OF) -> datetime.date:
    return as_of - datetime.timedelta(days=days)


def read(key: str, *establishments, as_of: datetime.date = AS_OF) -> dict[int, Reading]:
    return registry.indicators[key].compute(list(establishments), as_of)


def state_of(key: str, org, as_of: datetime.date = AS_OF) -> str:
    return read(key, org, as_of=as_of).get(org.pk, Reading(State.NEVER)).state
