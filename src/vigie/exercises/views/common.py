"""What the exercise pages share: scoped lookups (404 outside what the user may do) and redirects."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from vigie.core.organisation_choice import organisations_for
from vigie.core.scoping import can, scoped


def get_scoped_or_404(queryset, request, uuid, action: str = "view"):
    return get_object_or_404(scoped(queryset, request.user, action), uuid=uuid)


def may(user, action: str, obj) -> bool:
    return can(user, action, obj)


def require_add(user, model) -> None:
    if not organisations_for(user, model, "add").exists():
        raise PermissionDenied
