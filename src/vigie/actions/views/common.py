"""What the action pages share: scoped lookups and the filtered list."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.utils.http import url_has_allowed_host_and_scheme

from vigie.core.organisation_choice import organisations_for
from vigie.core.scoping import can, scoped

from .. import exports
from ..models import Action

PER_PAGE = 50


def get_action(request, uuid, action: str = "view") -> Action:
    """The action if the user may `action` it, else 404 (whether it exists elsewhere or not)."""
    queryset = Action.objects.select_related("organisation", "owner", "merged_into")
    return get_object_or_404(scoped(queryset, request.user, action), uuid=uuid)


def filtered(request, action: str = "view"):
    """The filter form and the scoped, filtered actions (SQL only)."""
    return exports.filtered(request.user, request.GET, action)


def may(user, action: str, obj) -> bool:
    return can(user, action, obj)


def may_add(user, model=Action) -> bool:
    return organisations_for(user, model, "add").exists()


def require_add(user, model=Action) -> None:
    if not may_add(user, model):
        raise PermissionDenied


def safe_next(request, default: str) -> str:
    candidate = request.POST.get("next") or request.GET.get("next")
    if candidate and url_has_allowed_host_and_scheme(candidate, allowed_hosts={request.get_host()},
                                                     require_https=request.is_secure()):
        return candidate
    return default
