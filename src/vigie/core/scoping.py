"""The one place where a user's roles become a database filter.

Every queryset that reaches a page, an API route or an export goes through `scoped()`. A role on a node
covers the node's subtree, so visibility is a prefix condition on the materialised path: a handful of
OR-ed `LIKE 'prefix%'` terms (one per node the user holds a role on), evaluated by the database.

It lives in core because every app needs it, core included (its jobs, API helpers and menu). Roles are
stored by the accounts app, which sits above core: like `get_user_model()`, core names that model by its
label and never imports it.
"""

from django.apps import apps
from django.db.models import Q, QuerySet

from .roles import Role

ROLE_ASSIGNMENT_MODEL = "accounts.RoleAssignment"


def _assignments():
    return apps.get_model(ROLE_ASSIGNMENT_MODEL).objects


def role_paths(user, minimum: Role) -> list[str]:
    """Paths of the nodes where the user holds at least `minimum`: a user holds few roles."""
    paths = _assignments().filter(user=user, role__gte=minimum).values_list("organisation__path", flat=True)
    return list(paths)


def visibility(user, minimum: Role, lookup: str) -> Q | None:
    """The Q object for "under a node where the user holds `minimum`", None when nothing is visible."""
    if not user.is_authenticated or not user.is_active:
        return None
    if user.is_superuser:
        return Q()
    paths = [path for path in role_paths(user, minimum) if path]  # an empty prefix would match everything
    if not paths:
        return None
    condition = Q()
    for path in paths:
        condition |= Q(**{f"{lookup}__startswith": path})
    return condition


def scoped(queryset: QuerySet, user, action: str) -> QuerySet:
    """Rows of `queryset` the user may act on with `action`; unknown actions see nothing."""
    model = queryset.model
    custom = getattr(model, "scope_queryset", None)
    if custom is not None:  # models not owned by an organisation (users, personal tokens) say who sees them
        return custom(queryset, user, action)
    minimum = model.required_role(action)
    if minimum is None:
        return queryset.none()
    condition = visibility(user, minimum, model.tenant_path)
    if condition is None:
        return queryset.none()
    return queryset.filter(condition)


def can(user, action: str, obj) -> bool:
    """Whether the user may act on this one object (re-checked after writes, inside the transaction)."""
    return scoped(type(obj).objects.filter(pk=obj.pk), user, action).exists()


def highest_role(user, organisation) -> Role | None:
    """The strongest role the user holds on this node or any ancestor."""
    if user.is_superuser:
        return Role.ADMIN
    prefixes = [organisation.path[: 7 * i] for i in range(1, organisation.depth + 1)]
    best = (
        _assignments().filter(user=user, organisation__path__in=prefixes)
        .order_by("-role")
        .values_list("role", flat=True)
        .first()
    )
    return Role(best) if best is not None else None
