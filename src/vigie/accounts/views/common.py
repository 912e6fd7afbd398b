from functools import wraps

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.shortcuts import resolve_url
from django.utils.http import url_has_allowed_host_and_scheme

from ..services import is_user_admin


def safe_next(request, candidate: str | None) -> str:
    """`candidate` if it stays on this site, else ""."""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return ""


def next_or_home(request, candidate: str | None) -> str:
    return safe_next(request, candidate) or resolve_url(settings.LOGIN_REDIRECT_URL)


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
