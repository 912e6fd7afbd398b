"""Who is acting, from where: set per request (or per job) and read by the audit log."""

from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Actor:
    user: object | None
    ip: str | None = None
    user_agent: str = ""


current_actor: ContextVar[Actor | None] = ContextVar("current_actor", default=None)
