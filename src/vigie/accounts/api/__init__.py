"""The caller's account, role assignments on the tree, and the audit log."""

from django.db import transaction
from ninja import Query, Router, Status
from ninja.errors import HttpError
from ninja.pagination import PageNumberPagination, paginate

from vigie.core.api import get_scoped, not_found, operation, require_fresh_second_factor
from vigie.core.schemas import Message
from vigie.core.scoping import scoped

from ..filters import AuditEventFilter, RoleAssignmentFilter
from ..models import AuditEvent, RoleAssignment, User, tree_node_model
from ..services import Refused, grant_role, revoke_role
from .schemas import AuditEventOut, AuditFilters, MeOut, RoleIn, RoleOut

ERRORS = {403: Message, 404: Message}

router = Router(tags=["accounts"])
roles = Router(tags=["roles"])
audit = Router(tags=["audit"])


@operation(router, "GET", "/me", "me", None, "", kind="exempt", reason="the caller's own account and roles",
           response=MeOut)
def me(request):
    return request.auth


def _roles():
    return RoleAssignment.objects.select_related("user", "organisation", "granted_by")


@operation(roles, "GET", "/", "role_list", RoleAssignment, "view", kind="list", response=list[RoleOut])
@paginate(PageNumberPagination)
def role_list(request, filters: Query[RoleAssignmentFilter.api_query()]):
    """Role assignments on the nodes where the caller may see who holds roles."""
    return RoleAssignmentFilter.for_api(filters, request.auth).filter_queryset(scoped(_roles(), request.auth, "view"))


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
        try:
            assignment, created = grant_role(request.auth, org, grantee.username, payload.role)
        except Refused as exc:
            raise HttpError(403, " ".join(str(m) for m in exc.messages)) from None
        if not scoped(RoleAssignment.objects.filter(pk=assignment.pk), request.auth, "add").exists():
            raise not_found()
    return Status(201 if created else 200, _roles().get(pk=assignment.pk))


@operation(roles, "GET", "/{uuid:uuid}", "role_get", RoleAssignment, "view", response={200: RoleOut, **ERRORS})
def role_get(request, uuid):
    return get_scoped(_roles(), request.auth, "view", uuid=uuid)


@operation(roles, "DELETE", "/{uuid:uuid}", "role_revoke", RoleAssignment, "delete",
           response={204: None, **ERRORS})
def role_revoke(request, uuid):
    """Revoke a role; nobody revokes a role above their own (403)."""
    assignment = get_scoped(_roles(), request.auth, "delete", uuid=uuid)
    require_fresh_second_factor(request)
    with transaction.atomic():
        try:
            revoke_role(request.auth, assignment)
        except Refused as exc:
            raise HttpError(403, " ".join(str(m) for m in exc.messages)) from None
    return Status(204, None)


@operation(audit, "GET", "/", "audit_event_list", AuditEvent, "view", kind="list", response=list[AuditEventOut])
@paginate(PageNumberPagination)
def audit_event_list(request, filters: Query[AuditFilters]):
    """The audit log of the subtrees the caller administers, newest first."""
    form = AuditEventFilter.for_api(filters, request.auth)
    events = form.filter_queryset(scoped(AuditEvent.objects.select_related("organisation"), request.auth, "view"))
    return events.filter(at__gte=filters.since) if filters.since else events
