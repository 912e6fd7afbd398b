from django.utils.translation import gettext_lazy as _

from vigie.core.registry import registry
from vigie.core.roles import Role
from vigie.core.scoping import role_paths

# The menu groups, in menu order; a module names its group (core.registry.Module.group).
MENU_GROUPS = (
    ("programme", _("Programme")),
    ("audits", _("Technical audits")),
    ("resilience", _("Crisis and continuity")),
)


def navigation(request):
    """Menu entries: the modules that exist, grouped, and the administration pages the user may open."""
    user = request.user
    is_admin = user.is_authenticated and (user.is_superuser or bool(role_paths(user, Role.ADMIN)))
    modules = sorted(registry.modules.values(), key=lambda m: m.order)
    menu = [(label, [m for m in modules if m.group == key]) for key, label in MENU_GROUPS]
    return {
        "vigie_modules": modules,
        "vigie_menu": [(label, entries) for label, entries in menu if entries],
        "vigie_menu_loose": [m for m in modules if m.group not in dict(MENU_GROUPS)],
        "nav_is_admin": is_admin,
    }
