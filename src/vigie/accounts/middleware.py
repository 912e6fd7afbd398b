from django.conf import settings
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse

from vigie.core.context import Actor, current_actor

OPEN_PREFIXES = ("/accounts/login", "/static/", "/i18n/", "/api/")


def client_ip(request) -> str | None:
    """The socket peer, or the X-Forwarded-For entry added by a configured trusted proxy."""
    peer = request.META.get("REMOTE_ADDR")
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR")
    if forwarded and peer in settings.TRUSTED_PROXIES:
        return forwarded.split(",")[-1].strip()
    return peer


class SecondFactorRequiredMiddleware:
    """A session counts only once its second factor was checked; anything else is logged out."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and not user.is_verified() and not request.path.startswith(OPEN_PREFIXES):
            logout(request)
            return redirect(settings.LOGIN_URL)
        return self.get_response(request)


class PasswordChangeRequiredMiddleware:
    """A user whose password was set by an administrator changes it before doing anything else."""

    ALLOWED_NAMES = ("accounts:password_change", "accounts:logout", "accounts:recovery_codes")
    ALLOWED_PREFIXES = ("/static/", "/i18n/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and user.must_change_password and not request.path.startswith(self.ALLOWED_PREFIXES):
            allowed = {reverse(name) for name in self.ALLOWED_NAMES}
            if request.path not in allowed:
                return redirect("accounts:password_change")
        return self.get_response(request)


class AuditContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user if request.user.is_authenticated else None
        token = current_actor.set(Actor(user, client_ip(request), request.META.get("HTTP_USER_AGENT", "")))
        try:
            return self.get_response(request)
        finally:
            current_actor.reset(token)
