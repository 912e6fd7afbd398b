"""What other apps may call about the organisation tree."""

from vigie.accounts.scoping import scoped

from .models import Kind, Organisation


def visible_organisations(user, action: str = "view"):
    return scoped(Organisation.objects.all(), user, action)


def top_nodes(user):
    """The highest visible nodes: where the user's roles start (several if roles on several nodes)."""
    visible = list(visible_organisations(user).only("id", "path", "name", "kind", "uuid", "parent_id"))
    paths = [o.path for o in visible]
    return [o for o in visible if not any(o.path != p and o.path.startswith(p) for p in paths)]


def home_context(user) -> dict:
    from vigie.accounts.models import RoleAssignment

    roles = RoleAssignment.objects.filter(user=user).select_related("organisation")
    tops = top_nodes(user)
    subtree = visible_organisations(user)
    counts = {kind: subtree.filter(kind=kind).count() for kind in (Kind.GHT, Kind.LEGAL_ENTITY, Kind.SITE)}
    return {"roles": roles, "tops": tops, "counts": counts}
