"""The caller's account, role assignments on the tree, and the audit log."""

from django.db import transaction
from ninja import Query, Router, Status
from ninja.pagination import PageNumberPagination, paginate

from vigie.core.api import ERRORS, crud, get_scoped, not_found, operation, refusals, require_fresh_second_factor
from vigie.core.scoping import can

from ..filters import AuditEventFilter, RoleAssignmentFilter
from ..models import AuditEvent, RoleAssignment, User, tree_node_model
from ..services import Refused, grant_role, revoke_role
from .schemas import AuditEventOut, AuditFilters, MeOut, RoleIn, RoleOut

router = Router(tags=["accounts"])
roles = Router(tags=["roles"])
audit = Router(tags=["audit"])


@operation(router, "GET", "/me", "me", None, "", kind="exempt", reason="the caller's own account and roles",
           response=MeOut)
def me(request):
    return request.auth


ROLES = RoleAssignment.objects.select_related("user", "organisation", "granted_by")

crud(roles, RoleAssignment, "", "role", RoleOut, queryset=ROLES, filters=RoleAssignmentFilter,
     docs={"list": "Role assignments on the nodes where the caller may see who holds roles."})


# Granting and revoking stay custom: a role is granted to a user on a node through accounts.services, which
# decides who may grant what (and answers 200 when the user already held a role there).
@operation(roles, "POST", "/", "role_grant", RoleAssignment, "add", kind="create",
           response={200: RoleOut, 201: RoleOut, **ERRORS, 422: dict})
def role_grant(request, payload: RoleIn):
    """Grant `role` on `organisation` (and its subtree) to `user`, or change the role they hold there.

    Nobody grants above their own highest role on the node, so only administrators grant ADMIN (403).
    """
    org = get_scoped(tree_node_model().objects.all(), request.auth, "view", uuid=payload.organisation)
    require_fresh_second_factor(request)
    grantee = User.objects.filter(uuid=payload.user, is_active=True).first()
    if grantee is None:
        raise not_found()
    with transaction.atomic():
        with refusals({Refused: 403}):
            assignment, created = grant_role(request.auth, org, grantee.username, payload.role)
        if not can(request.auth, "add", assignment):
            raise not_found()
    return Status(201 if created else 200, ROLES.get(pk=assignment.pk))


@operation(roles, "DELETE", "/{uuid:uuid}", "role_revoke", RoleAssignment, "delete", queryset=ROLES,
           response={204: None, **ERRORS})
def role_revoke(request, assignment):
    """Revoke a role; nobody revokes a role above their own (403)."""
    require_fresh_second_factor(request)
    with transaction.atomic(), refusals({Refused: 403}):
        revoke_role(request.auth, assignment)
    return Status(204, None)


@operation(audit, "GET", "/", "audit_event_list", AuditEvent, "view", kind="list",
           queryset=AuditEvent.objects.select_related("organisation"), response=list[AuditEventOut])
@paginate(PageNumberPagination)
def audit_event_list(request, events, filters: Query[AuditFilters]):
    """The audit log of the subtrees the caller administers, newest first."""
    # Custom: the log is append-only (no read of one event, no writes) and polled with `since`.
    events = AuditEventFilter.for_api(filters, request.auth).filter_queryset(events)
    return events.filter(at__gte=filters.since) if filters.since else events
