"""The action plan and deadlines API. Every queryset goes through scoped(); rules live in the models and
services (the same as the pages)."""

from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext
from ninja import PatchDict, Query, Router, Status
from ninja.errors import HttpError
from ninja.pagination import PageNumberPagination, paginate

from vigie.core.api import get_scoped, operation, require_role_at, save_checked
from vigie.core.schemas import Message
from vigie.core.scoping import scoped
from vigie.organisations.models import Organisation
from vigie.organisations.services import visible_organisations

from .. import services
from ..filters import ActionFilter
from ..models import Action, DeadlineCompletion
from .schemas import (
    ActionDetailOut,
    ActionIn,
    ActionOut,
    ActionPatch,
    DeadlineQuery,
    DeadlineStatusOut,
    NoteIn,
    NoteOut,
    RaiseIn,
    RaiseOut,
)

ERRORS = {403: Message, 404: Message}
MAX_ORGANISATIONS = 200

router = Router(tags=["actions"])


def _actions():
    return Action.objects.select_related("organisation", "owner", "merged_into")


def _owner(uuid, organisation):
    """The owner named by uuid, among those who may own an action of `organisation` (a role on it or above)."""
    if uuid is None:
        return None
    prefixes = [organisation.path[: 7 * i] for i in range(1, organisation.depth + 1)]
    found = get_user_model().objects.filter(uuid=uuid, is_active=True, roles__organisation__path__in=prefixes).first()
    if found is None:
        raise HttpError(422, gettext("The owner must hold a role on the action's organisation."))
    return found


def _organisation_for(request, uuid):
    org = get_scoped(Organisation.objects.all(), request.auth, "view", uuid=uuid)
    require_role_at(request.auth, Action, "add", org)
    return org


@operation(router, "GET", "/", "action_list", Action, "view", kind="list", response=list[ActionOut])
@paginate(PageNumberPagination)
def action_list(request, filters: Query[ActionFilter.api_query()]):
    """The actions the caller may see, with the same filters as the list page."""
    return ActionFilter.for_api(filters, request.auth).filter_queryset(scoped(_actions(), request.auth, "view")).in_order()


@operation(router, "POST", "/", "action_create", Action, "add", kind="create",
           response={201: ActionOut, **ERRORS, 409: Message, 422: dict})
def action_create(request, payload: ActionIn):
    """Create an action by hand (needs the contributor role on the organisation)."""
    org = _organisation_for(request, payload.organisation)
    fields = payload.dict(exclude={"organisation", "owner"})
    if fields["source_key"] and Action.objects.filter(
            organisation=org, source=fields["source"], source_key=fields["source_key"]).exists():
        raise HttpError(409, gettext("An action with this source key exists: raise it instead."))
    action = Action(**fields, organisation=org, owner=_owner(payload.owner, org), created_by=request.auth)
    return Status(201, save_checked(action, request.auth, "add"))


@operation(router, "POST", "/raise", "action_raise", Action, "add", kind="create",
           response={200: RaiseOut, 201: RaiseOut, **ERRORS, 422: dict})
def action_raise(request, payload: RaiseIn):
    """The producers' hook, for scripts: idempotent on (organisation, source, source_key); 201 when created,
    200 with the existing action otherwise (a done one is reopened)."""
    org = _organisation_for(request, payload.organisation)
    action, created = services.raise_action(
        organisation=org, source=payload.source, source_key=payload.source_key, title=payload.title,
        description=payload.description, priority=payload.priority, due=payload.due, user=request.auth)
    action = _actions().get(pk=action.pk)
    action.created = created
    return Status(201 if created else 200, action)


@operation(router, "GET", "/{uuid:uuid}", "action_get", Action, "view", response={200: ActionDetailOut, **ERRORS})
def action_get(request, uuid):
    """An action with its journal."""
    return get_scoped(_actions(), request.auth, "view", uuid=uuid)


@operation(router, "PATCH", "/{uuid:uuid}", "action_update", Action, "change",
           response={200: ActionOut, **ERRORS, 409: Message, 422: dict})
def action_update(request, uuid, payload: PatchDict[ActionPatch]):
    """Change the given fields; a status change follows the allowed transitions and is journalled."""
    action = get_scoped(_actions(), request.auth, "change", uuid=uuid)
    if action.merged_into_id:
        raise HttpError(409, gettext("A merged action cannot be changed."))
    fields = dict(payload)
    status = fields.pop("status", None)
    if "owner" in fields:
        fields["owner"] = _owner(fields["owner"], action.organisation)
    for name, value in fields.items():
        setattr(action, name, value)
    if fields:
        save_checked(action, request.auth, "change", update_fields=[*fields, "updated_at"])
    if status is not None:
        try:
            services.change_status(action, status, request.auth)
        except (services.Refused, ValueError) as exc:
            raise HttpError(409, str(exc)) from None
    return _actions().get(pk=action.pk)


@operation(router, "POST", "/{uuid:uuid}/notes", "action_note_add", Action, "change",
           response={201: NoteOut, **ERRORS, 422: dict})
def action_note_add(request, uuid, payload: NoteIn):
    """Append a progress note to the action's journal."""
    action = get_scoped(_actions(), request.auth, "change", uuid=uuid)
    if not payload.text.strip():
        raise HttpError(422, gettext("A note cannot be empty."))
    return Status(201, services.note(action, payload.text.strip(), request.auth))


@operation(router, "GET", "/deadlines", "deadline_status_list", DeadlineCompletion, "view", kind="list",
           response={200: list[DeadlineStatusOut], **ERRORS})
def deadline_status_list(request, query: Query[DeadlineQuery]):
    """Status (done, due, late) of each programme deadline for the visible organisations it applies to;
    `limit`/`offset` page through organisations (at most 200 at a time)."""
    organisations = services.applicable_organisations(visible_organisations(request.auth))
    if query.organisation is not None:
        root = get_scoped(Organisation.objects.all(), request.auth, "view", uuid=query.organisation)
        organisations = organisations.filter(path__startswith=root.path)
    limit = max(1, min(query.limit, MAX_ORGANISATIONS))
    page = organisations[max(0, query.offset):max(0, query.offset) + limit]
    rows = []
    for org, states in services.statuses_for(page, timezone.localdate()):
        for state, last in states:
            if (query.deadline and state.deadline.code != query.deadline) or (query.state and state.state != query.state):
                continue
            rows.append({
                "organisation": org.uuid, "organisation_name": org.name, "deadline": state.deadline.code,
                "title": state.deadline.title(), "confidence": state.deadline.confidence,
                "source": state.deadline.source, "state": state.state, "due": state.due, "last_completion": last,
            })
    return rows
