"""The action plan and deadlines API: the actions' CRUD (core.api.crud), the producers' hook, notes,
deadlines. Rules live in the models and services (the same as the pages)."""

from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext
from ninja import PatchDict, Query, Router, Status
from ninja.errors import HttpError

from vigie.core.api import ERRORS, crud, get_scoped, operation, organisation_to_add, refusals, save_checked
from vigie.core.schemas import Message
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

MAX_ORGANISATIONS = 200

router = Router(tags=["actions"])


ACTIONS = Action.objects.select_related("organisation", "owner", "merged_into")


def _owner(uuid, organisation):
    """The owner named by uuid, among those who may own an action of `organisation` (a role on it or above)."""
    if uuid is None:
        return None
    prefixes = [organisation.path[: 7 * i] for i in range(1, organisation.depth + 1)]
    found = get_user_model().objects.filter(uuid=uuid, is_active=True, roles__organisation__path__in=prefixes).first()
    if found is None:
        raise HttpError(422, gettext("The owner must hold a role on the action's organisation."))
    return found


def _listed(request, actions):
    """The actions the caller may see, with the same filters as the list page."""
    return actions.in_order()


def _create(request, payload: ActionIn):
    """Create an action by hand (needs the contributor role on the organisation)."""
    org = organisation_to_add(request.auth, Action, payload.organisation)
    fields = payload.dict(exclude={"organisation", "owner"})
    if fields["source_key"] and Action.objects.filter(
            organisation=org, source=fields["source"], source_key=fields["source_key"]).exists():
        raise HttpError(409, gettext("An action with this source key exists: raise it instead."))
    action = Action(**fields, organisation=org, owner=_owner(payload.owner, org), created_by=request.auth)
    return save_checked(action, request.auth, "add")


def _change(request, action: Action, fields: dict):
    """Change the given fields; a status change follows the allowed transitions and is journalled."""
    if action.merged_into_id:
        raise HttpError(409, gettext("A merged action cannot be changed."))
    status = fields.pop("status", None)
    if "owner" in fields:
        fields["owner"] = _owner(fields["owner"], action.organisation)
    for name, value in fields.items():
        setattr(action, name, value)
    if fields:
        save_checked(action, request.auth, "change", update_fields=[*fields, "updated_at"])
    if status is not None:
        with refusals({services.Refused: 409, ValueError: 409}):
            services.change_status(action, status, request.auth)
    return ACTIONS.get(pk=action.pk)


crud(router, Action, "", "action", ActionOut, detail=ActionDetailOut, queryset=ACTIONS, filters=ActionFilter,
     listed=_listed, create=(ActionIn, _create), change=(PatchDict[ActionPatch], _change), change_verb="update",
     docs={"list": _listed.__doc__, "create": _create.__doc__, "get": "An action with its journal.",
           "update": _change.__doc__},
     errors={"create": {409: Message}, "update": {409: Message}})


# Raising stays custom: the producers' idempotent hook answers 200 with the action it found.
@operation(router, "POST", "/raise", "action_raise", Action, "add", kind="create",
           response={200: RaiseOut, 201: RaiseOut, **ERRORS, 422: dict})
def action_raise(request, payload: RaiseIn):
    """The producers' hook, for scripts: idempotent on (organisation, source, source_key); 201 when created,
    200 with the existing action otherwise (a done one is reopened)."""
    org = organisation_to_add(request.auth, Action, payload.organisation)
    action, created = services.raise_action(
        organisation=org, source=payload.source, source_key=payload.source_key, title=payload.title,
        description=payload.description, priority=payload.priority, due=payload.due, user=request.auth)
    action = ACTIONS.get(pk=action.pk)
    action.created = created
    return Status(201 if created else 200, action)


@operation(router, "POST", "/{uuid:uuid}/notes", "action_note_add", Action, "change", queryset=ACTIONS,
           response={201: NoteOut, **ERRORS, 422: dict})
def action_note_add(request, action, payload: NoteIn):
    """Append a progress note to the action's journal."""
    # Custom: a note is appended to the journal through services.note, not a field of the action.
    if not payload.text.strip():
        raise HttpError(422, gettext("A note cannot be empty."))
    return Status(201, services.note(action, payload.text.strip(), request.auth))


@operation(router, "GET", "/deadlines", "deadline_status_list", DeadlineCompletion, "view", kind="list",
           response={200: list[DeadlineStatusOut], **ERRORS})
def deadline_status_list(request, _completions, query: Query[DeadlineQuery]):
    """Status (done, due, late) of each programme deadline for the visible organisations it applies to;
    `limit`/`offset` page through organisations (at most 200 at a time).
    Custom: rows are per visible organisation and deadline, not the completions the declaration hands."""
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
