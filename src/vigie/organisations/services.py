"""What other apps (and this app's views) may call about the organisation tree."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.db.models import Count, F, ProtectedError, Q, RestrictedError, Sum
from django.utils.translation import gettext as _

from vigie.accounts.audit import record
from vigie.accounts.models import AuditEvent, RoleAssignment
from vigie.accounts.services import Refused
from vigie.core.jobs import enqueue
from vigie.core.roles import Role
from vigie.core.scoping import highest_role, role_paths, scoped

from .finess import normalise
from .imports import import_organisations
from .models import ALLOWED_PARENTS, FINESS_KINDS, Contact, Kind, Organisation

GHT_COVERAGE_THRESHOLD = Decimal("66")  # CaRE Domain 2: establishments covering 66 % of the GHT's activity
SEARCH_LIMIT = 200


class OutOfScope(Exception):
    """After a write, the object is no longer where the user may act: the transaction was rolled back."""


def visible_organisations(user, action: str = "view"):
    return scoped(Organisation.objects.all(), user, action)


def top_nodes(user):
    """The highest visible nodes: where the user's roles start (several if roles on several nodes). Read
    from the roles, never from the whole visible tree: a national user sees thousands of nodes."""
    nodes = visible_organisations(user).only("id", "path", "name", "kind", "uuid", "parent_id").order_by("path")
    if user.is_superuser:
        return list(nodes.filter(parent__isnull=True))
    paths = set(role_paths(user, Role.READER))
    return list(nodes.filter(path__in=[p for p in paths if not any(p != q and p.startswith(q) for q in paths)]))


def home_context(user) -> dict:
    roles = RoleAssignment.objects.filter(user=user).select_related("organisation")
    tops = top_nodes(user)
    subtree = visible_organisations(user)
    counts = {kind: subtree.filter(kind=kind).count() for kind in (Kind.GHT, Kind.LEGAL_ENTITY, Kind.SITE)}
    # Members are shown to those who may see roles (managers and above) on each top node.
    members = [
        {"org": top, "assignments": list(assignments[:HOME_MEMBERS]), "total": assignments.count()}
        for top in tops
        if (assignments := role_assignments(top, user)).exists()
    ]
    return {"roles": roles, "tops": tops, "counts": counts, "members": members}


HOME_MEMBERS = 12


# Reading ---------------------------------------------------------------------------------------------


@dataclass(slots=True)
class Branch:
    """A node and its visible children, for the nested tree templates."""

    org: Organisation
    children: list["Branch"] = field(default_factory=list)


TREE_FIELDS = ("id", "uuid", "path", "name", "kind", "finess", "parent_id")


def visible_tree(user, root: Organisation | None = None) -> list[Branch]:
    """The visible tree (under `root` if given, else from the user's top nodes), from one query."""
    nodes = visible_tree_nodes(user)
    if root is not None:
        nodes = nodes.filter(path__startswith=root.path)
    return nest(nodes)


def visible_tree_nodes(user):
    """The visible nodes in tree order (a parent before its children), with the fields the tree shows."""
    return visible_organisations(user).only(*TREE_FIELDS).order_by("path")


def nest(nodes) -> list[Branch]:
    """Nodes in path order as nested branches; a node whose parent is not among them starts a branch (a page
    of the tree may begin below its first nodes' parents)."""
    branches: dict[str, Branch] = {}
    tops: list[Branch] = []
    for node in nodes:
        branch = Branch(node)
        branches[node.path] = branch
        parent_path = node.path[: -7]
        if parent_path in branches:
            branches[parent_path].children.append(branch)
        else:
            tops.append(branch)
    return tops


def search(user, query: str):
    """Visible organisations whose name contains the query or whose FINESS starts with it."""
    query = query.strip()
    condition = Q(name__icontains=query)
    finess = normalise(query)
    if finess:
        condition |= Q(finess__startswith=finess)
    return visible_organisations(user).filter(condition).select_related("parent")[:SEARCH_LIMIT]


def allowed(role: Role | None, model, action: str) -> bool:
    needed = model.required_role(action)
    return role is not None and needed is not None and role >= needed


def permissions(user, org: Organisation) -> dict[str, bool]:
    """What the user may do on this node: the same rule as scoped(), from one query."""
    role = highest_role(user, org) if user.is_active else None
    perms = {
        action: allowed(role, Organisation, action)
        for action in ("view", "change", "add", "delete", "import", "export", "manage_members")
    }
    perms["contact_add"] = allowed(role, Contact, "add")
    perms["contact_change"] = allowed(role, Contact, "change")
    perms["contact_delete"] = allowed(role, Contact, "delete")
    perms["view_members"] = allowed(role, RoleAssignment, "view")
    return perms


def child_kinds(parent: Organisation) -> list[str]:
    """The kinds that may sit directly under `parent`."""
    return [kind for kind, parents in ALLOWED_PARENTS.items() if parent.kind in parents]


def visible_ancestors(user, org: Organisation):
    return visible_organisations(user).filter(pk__in=org.ancestors().values("pk")).order_by("path")


SHARE_KINDS = (Kind.GHT, Kind.LEGAL_ENTITY)


def share_summary(org: Organisation) -> dict | None:
    """Sum of the children's activity shares against 100 %, and the GHT coverage hint.

    Shares are parts of a GHT's activity (its legal entities) or of a legal entity's (its sites): a region's
    or the nation's children are GHTs and clinics, whose shares do not add up to anything, so none there."""
    if org.kind not in SHARE_KINDS:
        return None
    children = org.children.filter(kind__in=FINESS_KINDS)
    totals = children.aggregate(total=Sum("activity_share"), declared=Count("activity_share"), count=Count("id"))
    if not totals["count"]:
        return None
    total = totals["total"] or Decimal("0")
    return {
        "total": total,
        "declared": totals["declared"],
        "count": totals["count"],
        "over": total > 100,
        "ght": org.kind == Kind.GHT,
        "threshold": GHT_COVERAGE_THRESHOLD,
        "meets_threshold": total >= GHT_COVERAGE_THRESHOLD,
    }


def members_summary(org: Organisation, user) -> list[dict]:
    """Count of roles by role on this node and below, among the assignments the user may view."""
    rows = (
        scoped(RoleAssignment.objects.filter(organisation__path__startswith=org.path), user, "view")
        .values("role")
        .annotate(here=Count("id", filter=Q(organisation=org)), total=Count("id"))
        .order_by("-role")
    )
    return [{"role": Role(r["role"]).label, "here": r["here"], "total": r["total"]} for r in rows]


def role_assignments(org: Organisation, user):
    return scoped(
        RoleAssignment.objects.filter(organisation__path__startswith=org.path), user, "view"
    ).select_related("user", "organisation", "granted_by")


# Writing ---------------------------------------------------------------------------------------------


def _still_in_scope(org: Organisation, user, action: str) -> None:
    if not scoped(Organisation.objects.filter(pk=org.pk), user, action).exists():
        raise OutOfScope


def create_organisation(form, user) -> Organisation:
    """Save a validated OrganisationCreateForm; the new node must be inside the user's scope."""
    with transaction.atomic():
        org = form.save()
        _still_in_scope(org, user, "change")
    return org


def check_move(user, org: Organisation, new_parent: Organisation | None) -> None:
    """A move needs "move" (ADMIN) on the node where it stands and "add" on the destination: a manager
    could otherwise carry a node into a subtree they administer and become its administrator."""
    if new_parent is None or new_parent.pk == org.parent_id:
        return
    _still_in_scope(org, user, "move")
    _still_in_scope(new_parent, user, "add")


def update_organisation(form, user) -> Organisation:
    """Save a validated OrganisationEditForm, re-checking inside the transaction that the user may still
    change the object where it now is (a move must not take it out of the user's reach)."""
    with transaction.atomic():
        check_move(user, Organisation.objects.select_for_update().get(pk=form.instance.pk),
                   form.cleaned_data.get("parent"))
        org = form.save()
        _still_in_scope(org, user, "change")
    return org


def delete_organisation(org: Organisation) -> None:
    """Delete a leaf that owns nothing; otherwise explain what stands in the way. The checks and the
    deletion share one transaction with the row locked, so nothing added meanwhile is lost."""
    try:
        with transaction.atomic():
            Organisation.objects.select_for_update().filter(pk=org.pk).first()
            reasons = []
            children = org.children.count()
            if children:
                reasons.append(_("It still has %(count)s organisation(s) under it: move or delete them first.")
                               % {"count": children})
            contacts = Contact.objects.filter(organisation=org).count()
            if contacts:
                reasons.append(_("Its %(count)s contact(s) would be lost: delete them first.")
                               % {"count": contacts})
            roles = RoleAssignment.objects.filter(organisation=org).count()
            if roles:
                reasons.append(_("%(count)s role(s) are granted on it: revoke them first.") % {"count": roles})
            if reasons:
                raise Refused(*reasons)
            org.delete()
    except (ProtectedError, RestrictedError) as exc:
        objects = exc.protected_objects if isinstance(exc, ProtectedError) else exc.restricted_objects
        kinds = sorted({str(o._meta.verbose_name_plural) for o in objects})
        raise Refused(_("Other records still refer to it (%(kinds)s): remove them first.")
                      % {"kinds": ", ".join(kinds)}) from None


def launch_export(user, org: Organisation):
    return enqueue("organisations.export", organisation=org, user=user, params={})


def import_into(user, root: Organisation, upload):
    """Import a file under `root` (all or nothing) and record the import in the audit log."""
    report = import_organisations(upload, root)
    if report.ok:
        record(
            AuditEvent.Action.IMPORT, obj=root, user=user,
            changes={"created": report.created, "by_kind": report.counts, "file": getattr(upload, "name", "")},
            object_repr=root.name,
        )
    return report


# --- establishments and their sites (steering indicators) --------------------------------------------------


def by_establishment(queryset, establishments, field: str = "organisation") -> dict[int, list]:
    """The rows of `queryset` held by these establishments (legal entities) or their sites, grouped by
    establishment primary key, in one query: an establishment stands for its own records and its sites'."""
    ids = [org.pk for org in establishments]
    found: dict[int, list] = {pk: [] for pk in ids}
    rows = queryset.filter(Q(**{f"{field}__in": ids}) | Q(**{f"{field}__parent__in": ids})).annotate(
        establishment_parent=F(f"{field}__parent_id"))
    for row in rows:
        own = getattr(row, f"{field}_id")
        found[own if own in found else row.establishment_parent].append(row)
    return found


def establishments_of(organisation_ids):
    """The establishments (legal entities) whose readings a change to these organisations' records affects:
    an establishment itself, the legal entity of a site, every establishment under a GHT, region or nation."""
    nodes = list(Organisation.objects.filter(pk__in=list(organisation_ids)).values_list("kind", "path", "parent_id"))
    condition = Q(pk__in=[])
    for kind, path, parent_id in nodes:
        condition |= Q(pk=parent_id) if kind == Kind.SITE else Q(path__startswith=path)
    return Organisation.objects.filter(condition, kind=Kind.LEGAL_ENTITY)
