from vigie.core.registry import registry
from vigie.core.roles import Role


def navigation(request):
    """Menu entries: the modules that exist, and the administration pages the user may open."""
    from vigie.accounts.scoping import role_paths

    user = request.user
    is_admin = user.is_authenticated and (user.is_superuser or bool(role_paths(user, Role.ADMIN)))
    modules = sorted(registry.modules.values(), key=lambda m: m.order)
    return {"vigie_modules": modules, "nav_is_admin": is_admin}
