"""What the action list pages share: the filter form and the scoped, filtered actions."""

from .. import exports

PER_PAGE = 50


def filtered(request, action: str = "view"):
    """The filter form and the scoped, filtered actions (SQL only)."""
    return exports.filtered(request.user, request.GET, action)
