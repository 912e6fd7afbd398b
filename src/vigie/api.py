"""The JSON API: one NinjaAPI, one router per app, OpenAPI schema at /api/openapi.json, docs at /api/docs.

Authentication: a personal token (`Authorization: Bearer vig_…`) or the browser session (CSRF-checked).
Every route's queryset goes through `scoped()`, as the pages do.
"""

from django.utils import timezone
from ninja import NinjaAPI
from ninja.security import APIKeyCookie, HttpBearer

from vigie.core.context import Actor, current_actor


def _bind_actor(request, user):
    from vigie.accounts.middleware import client_ip

    request.user = user
    current_actor.set(Actor(user, client_ip(request), request.META.get("HTTP_USER_AGENT", "")))
    return user


class TokenAuth(HttpBearer):
    def authenticate(self, request, token):
        from vigie.accounts.models import ApiToken

        found = ApiToken.objects.select_related("user").filter(digest=ApiToken.hash(token)).first()
        if found is None or not found.is_valid() or not found.user.is_active or found.user.is_locked():
            return None
        ApiToken.objects.filter(pk=found.pk).update(last_used_at=timezone.now())
        return _bind_actor(request, found.user)


class VerifiedSessionAuth(APIKeyCookie):
    """The browser session, only once its second factor was checked."""

    param_name = "sessionid"

    def authenticate(self, request, key):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_verified():
            return _bind_actor(request, user)
        return None


api = NinjaAPI(
    title="Vigie API",
    version="1",
    description="CaRE programme platform. Every list and object is limited to what the caller's roles allow.",
    auth=[TokenAuth(), VerifiedSessionAuth()],
    urls_namespace="api",
)

from vigie.organisations.api import router as organisations_router  # noqa: E402
from vigie.accounts.api import router as accounts_router  # noqa: E402
from vigie.core.api import router as core_router  # noqa: E402

api.add_router("/organisations", organisations_router)
api.add_router("/accounts", accounts_router)
api.add_router("/jobs", core_router)
