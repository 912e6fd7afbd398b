from django.shortcuts import get_object_or_404

from vigie.core.scoping import scoped


def fetch(request, queryset, uuid, action: str):
    """The object if the user may `action` it, else 404 (whatever the method)."""
    return get_object_or_404(scoped(queryset, request.user, action), uuid=uuid)


def is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"
