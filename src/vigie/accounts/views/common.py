from functools import wraps

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.shortcuts import resolve_url

from vigie.core.generic import safe_next

from ..services import is_user_admin


def next_or_home(request, candidate: str | None) -> str:
    return safe_next(request, resolve_url(settings.LOGIN_REDIRECT_URL), candidate or "")


def admin_required(view):
    """Pages for administrators (ADMIN on some node, or superuser); 403 for everyone else."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not is_user_admin(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def no_store(response):
    """For pages that show a secret once: never cached, never kept by the browser."""
    response["Cache-Control"] = "no-store, max-age=0"
    return response
