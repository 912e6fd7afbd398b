"""The JSON API: one NinjaAPI, one router per app, OpenAPI schema at /api/openapi.json, docs at /api/docs.

Authentication: a personal token (`Authorization: Bearer vig_…`) or the browser session (CSRF-checked).
Every route's queryset goes through `scoped()`, as the pages do.
"""

from django.utils import timezone
from ninja import NinjaAPI
from ninja.security import APIKeyCookie, HttpBearer

from vigie.core.api import install_error_map
from vigie.core.context import Actor, current_actor
from vigie.core.registry import registry


def _bind_actor(request, user):
    request.user = user
    current_actor.set(Actor(user, client_ip(request), request.META.get("HTTP_USER_AGENT", "")))
    return user


class TokenAuth(HttpBearer):
    def authenticate(self, request, token):
        found = ApiToken.objects.select_related("user").filter(digest=ApiToken.hash(token)).first()
        if found is None or not found.is_valid() or not found.user.is_active or found.user.is_locked():
            return None
        ApiToken.objects.filter(pk=found.pk).update(last_used_at=timezone.now())
        request.api_token = found
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


install_error_map(api)

registry.route("api:openapi-json", None, "", "exempt", "the API's description (OpenAPI), no data")
registry.route("api:openapi-view", None, "", "exempt", "interactive API documentation, no data")
registry.route("api:api-root", None, "", "exempt", "the API's root, no data")

from vigie.accounts.middleware import client_ip  # noqa: E402
from vigie.accounts.models import ApiToken  # noqa: E402

ROUTERS = {  # prefix: each app's router (imported by ninja from its dotted path)
    "/organisations": "vigie.organisations.api.router",
    "/contacts": "vigie.organisations.api.contacts",
    "/accounts": "vigie.accounts.api.router",
    "/roles": "vigie.accounts.api.roles",
    "/audit-events": "vigie.accounts.api.audit",
    "/jobs": "vigie.core.api.router",
    "/compliance": "vigie.compliance.api.router",
    "/actions": "vigie.actions.api.router",
    "/directory": "vigie.directory.api.router",
    "/exercises": "vigie.exercises.api.router",
    "/exposure": "vigie.exposure.api.router",
    "/continuity": "vigie.continuity.api.router",
    "/steering": "vigie.steering.api.router",
}
for prefix, app_router in ROUTERS.items():
    api.add_router(prefix, app_router)
