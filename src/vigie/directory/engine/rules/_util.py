"""Helpers shared by rule families."""

from __future__ import annotations

from datetime import datetime, timedelta

from ..model import DirectoryObject
from ..results import AffectedObject

__all__ = ["aff", "older_than"]


def aff(o: DirectoryObject, detail: str = "") -> AffectedObject:
    return AffectedObject(o.dn, o.name, detail)


def older_than(o: DirectoryObject, attr: str, now: datetime, days: int) -> bool:
    """True when ``attr`` (a FILETIME) is set and older than ``days``; unset counts as never -> True."""
    t = o.time(attr)
    return t is None or now - t > timedelta(days=days)
