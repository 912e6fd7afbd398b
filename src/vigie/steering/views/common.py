"""What every steering page starts with: the node of the URL, among those the user may act on, or 404."""

from django.shortcuts import get_object_or_404

from vigie.core.scoping import scoped
from vigie.organisations.models import Organisation


def node_for(request, uuid, action: str = "view") -> Organisation:
    return get_object_or_404(scoped(Organisation.objects.select_related("parent"), request.user, action), uuid=uuid)
