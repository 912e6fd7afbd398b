"""Exercises API (mounted under /api/exercises/): exercises (list, get, create, patch), the scenario library
(read), inject release and hold (animators), observer entries.

Every lookup goes through get_scoped(); rules live in the models and the services (run, validity), the
schemas describe shape only.
"""

import datetime
from uuid import UUID

from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from ninja import PatchDict, Query, Router, Schema, Status
from ninja.errors import HttpError

from vigie.core.api import get_scoped, operation, require_role_at, save_checked
from vigie.core.schemas import Message
from vigie.core.scoping import scoped
from vigie.organisations.models import Organisation

from .. import run, validity
from ..filters import ExerciseFilter
from ..models import Exercise, ExerciseInject, Observation, Scenario
from ..scenarios import library

ERRORS = {403: Message, 404: Message, 409: Message}
LIBRARY = "the scenario library is programme data shipped in the package, the same for every user"
router = Router(tags=["exercises"])


class InjectOut(Schema):
    uuid: UUID
    offset_minutes: int
    channel: str
    sender: str
    recipient_role: str
    title: str
    content: str
    expected_reactions: list[str]
    state: str
    released_at: datetime.datetime | None


class RuleOut(Schema):
    code: str
    ok: bool
    reason: str


class ExerciseOut(Schema):
    uuid: UUID
    organisation: UUID
    title: str
    kit_level: str
    format: str
    objectives: str
    scope: str
    planned_for: datetime.datetime | None
    scenario: UUID | None
    status: str
    started_at: datetime.datetime | None
    ended_at: datetime.datetime | None
    cyber_trigger: bool
    pure_it_test: bool
    retex_due: datetime.date | None
    retex_done_on: datetime.date | None
    declared_on: datetime.date | None
    declaration_reference: str

    @staticmethod
    def resolve_organisation(obj) -> UUID:
        return obj.organisation.uuid

    @staticmethod
    def resolve_scenario(obj) -> UUID | None:
        return obj.scenario.uuid if obj.scenario_id else None


class ExerciseDetailOut(ExerciseOut):
    injects: list[InjectOut]
    validity: list[RuleOut]
    valid: bool

    @staticmethod
    def resolve_injects(obj):
        return list(obj.injects.all())

    @staticmethod
    def resolve_validity(obj):
        return [{"code": r.code, "ok": r.ok, "reason": r.reason} for r in validity.check(obj).rules]

    @staticmethod
    def resolve_valid(obj) -> bool:
        return validity.check(obj).valid


class ExerciseFields(Schema):
    title: str
    kit_level: str = "beginner"
    format: str = "tabletop"
    objectives: str = ""
    scope: str = ""
    planned_for: datetime.datetime | None = None
    cyber_trigger: bool = True
    pure_it_test: bool = False


class ExerciseIn(ExerciseFields):
    organisation: UUID
    scenario: UUID | None = None


class ExercisePatch(ExerciseFields):
    scenario: UUID | None = None


class LibraryInjectOut(Schema):
    id: str
    offset_minutes: int
    channel: str
    sender: str
    recipient_role: str
    title: str
    content: str
    expected_reactions: list[str]


class LibraryOut(Schema):
    key: str
    version: int
    title: str
    summary: str
    kit_level: str
    cyber_trigger: bool
    injects: list[LibraryInjectOut]


class ObservationIn(Schema):
    reactions_seen: list[int] = []
    timing: str = "on_time"
    comment: str = ""


class ObservationOut(Schema):
    uuid: UUID
    inject: UUID
    reactions_seen: list[int]
    timing: str
    comment: str

    @staticmethod
    def resolve_inject(obj) -> UUID:
        return obj.inject.uuid


def _exercises():
    return Exercise.objects.select_related("organisation", "scenario")


def _scenario(request, uuid, organisation):
    if uuid is None:
        return None
    scenario = get_scoped(Scenario.objects.select_related("organisation"), request.auth, "view", uuid=uuid)
    if not organisation.path.startswith(scenario.organisation.path):
        raise HttpError(422, gettext("Choose a scenario of this organisation or one above it."))
    return scenario


def _invalid(exc: ValidationError) -> HttpError:
    return HttpError(422, "; ".join(exc.messages))


@operation(router, "GET", "/exercises", "exercise_list", Exercise, "view", kind="list", response=list[ExerciseOut])
def exercise_list(request, filters: Query[ExerciseFilter.api_query()]):
    """Exercises the caller may see, newest first (at most 500)."""
    return list(ExerciseFilter.for_api(filters, request.auth).filter_queryset(
        scoped(_exercises(), request.auth, "view"))[:500])


@operation(router, "POST", "/exercises", "exercise_create", Exercise, "add", kind="create",
           response={201: ExerciseDetailOut, 403: Message, 404: Message, 422: Message})
def exercise_create(request, payload: ExerciseIn):
    """Plan an exercise in an organisation where the caller may add one."""
    organisation = get_scoped(Organisation.objects.all(), request.auth, "view", uuid=payload.organisation)
    require_role_at(request.auth, Exercise, "add", organisation)
    fields = payload.dict(exclude={"organisation", "scenario"})
    exercise = Exercise(organisation=organisation, created_by=request.auth, **fields)
    exercise.scenario = _scenario(request, payload.scenario, organisation)
    try:
        save_checked(exercise, request.auth, "change")
    except ValidationError as exc:
        raise _invalid(exc) from None
    return Status(201, exercise)


@operation(router, "GET", "/exercises/{uuid:uuid}", "exercise_get", Exercise, "view",
           response={200: ExerciseDetailOut, **ERRORS})
def exercise_get(request, uuid):
    """One exercise with its chronogram (as played) and its validity rules with their reasons."""
    return get_scoped(_exercises(), request.auth, "view", uuid=uuid)


@operation(router, "PATCH", "/exercises/{uuid:uuid}", "exercise_update", Exercise, "change",
           response={200: ExerciseDetailOut, 403: Message, 404: Message, 422: Message})
def exercise_update(request, uuid, payload: PatchDict[ExercisePatch]):
    exercise = get_scoped(_exercises(), request.auth, "change", uuid=uuid)
    data = dict(payload)
    if "scenario" in data:
        if exercise.status != Exercise.Status.PLANNED:
            raise HttpError(422, gettext("The scenario cannot change once the exercise has started."))
        exercise.scenario = _scenario(request, data.pop("scenario"), exercise.organisation)
    for name, value in data.items():
        setattr(exercise, name, value)
    try:
        save_checked(exercise, request.auth, "change")
    except ValidationError as exc:
        raise _invalid(exc) from None
    return exercise


@operation(router, "GET", "/scenarios/library", "scenario_library", None, "", kind="exempt", reason=LIBRARY,
           response=list[LibraryOut])
def scenario_library(request):
    """The scenario library written by the Vigie project, with each chronogram."""
    return [_library_out(s) for s in library().values()]


def _library_out(scenario):
    return {"key": scenario.key, "version": scenario.version, "title": scenario.title, "summary": scenario.summary,
            "kit_level": scenario.kit_level, "cyber_trigger": scenario.cyber_trigger,
            "injects": [{"id": i.id, "offset_minutes": i.offset_minutes, "channel": i.channel, "sender": i.sender,
                         "recipient_role": i.recipient_role, "title": i.title, "content": i.content,
                         "expected_reactions": list(i.expected_reactions)} for i in scenario.injects]}


def _inject(request, uuid, action):
    return get_scoped(ExerciseInject.objects.select_related("exercise__organisation", "exercise__log"),
                      request.auth, action, uuid=uuid)


@operation(router, "POST", "/injects/{uuid:uuid}/release", "inject_release", ExerciseInject, "change",
           response={200: InjectOut, **ERRORS})
def inject_release(request, uuid):
    """Release an inject now, by hand (animators); 409 outside the run or when already released."""
    inject = _inject(request, uuid, "change")
    try:
        return run.release_by_hand(inject, request.auth)
    except run.RunError as exc:
        raise HttpError(409, exc.messages[0]) from None


@operation(router, "POST", "/injects/{uuid:uuid}/hold", "inject_hold", ExerciseInject, "change",
           response={200: InjectOut, **ERRORS})
def inject_hold(request, uuid, held: bool = True):
    """Hold a pending inject (`?held=false` puts a held one back on schedule)."""
    inject = _inject(request, uuid, "change")
    try:
        return run.hold(inject, held=held)
    except run.RunError as exc:
        raise HttpError(409, exc.messages[0]) from None


@operation(router, "POST", "/injects/{uuid:uuid}/observations", "inject_observe", ExerciseInject, "observe",
           response={200: ObservationOut, 403: Message, 404: Message, 422: Message})
def inject_observe(request, uuid, payload: ObservationIn):
    """The caller's observer grid for this inject (created or replaced); observers and animators only."""
    inject = _inject(request, uuid, "observe")
    exercise = inject.exercise
    if not (run.is_observer(exercise, request.auth) or run.is_animator(exercise, request.auth)):
        raise HttpError(403, gettext("Only the exercise's observers and animators fill the grid."))
    count = len(inject.expected_reactions)
    if any(not 0 <= i < count for i in payload.reactions_seen):
        raise HttpError(422, gettext("reactions_seen lists positions of the expected reactions."))
    observation = Observation.objects.filter(inject=inject, observer=request.auth).first() or Observation(
        exercise=exercise, inject=inject, observer=request.auth)
    observation.reactions_seen = sorted(set(payload.reactions_seen))
    observation.timing, observation.comment = payload.timing, payload.comment
    try:
        observation.full_clean(validate_constraints=False)
    except ValidationError as exc:
        raise _invalid(exc) from None
    observation.save()
    return observation
