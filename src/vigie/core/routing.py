"""`page()` declares a URL and, in the same line, what it serves: the registry the isolation test reads."""

from django.urls import path

from .registry import registry


def page(route: str, view, name: str, *, app: str, model: type | None, action: str, kind: str = "object",
         reason: str = "", workflow: bool = False):
    registry.route(f"{app}:{name}", model, action, kind, reason, workflow)
    return path(route, view, name=name)
