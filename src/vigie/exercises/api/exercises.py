"""Exercises API (mounted under /api/exercises/): exercises (list, get, create, patch), the scenario library
(read), inject release and hold (animators), observer entries.

Each operation's declaration fetches its object (core.api); rules live in the models and the services (run,
validity), the schemas describe shape only. Not core.api.crud: the lists are not paged (newest 500) and a
refused write answers 422 with one sentence, the shape this API has always had.
"""

import datetime
from uuid import UUID

from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from ninja import PatchDict, Query, Router, Schema, Status
from ninja.errors import HttpError

from vigie.core.api import get_scoped, operation, organisation_to_add, refusals, save_checked
from vigie.core.schemas import Message, TenantOut, uuid_of

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


class ExerciseOut(TenantOut):
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

    resolve_scenario = uuid_of("scenario")


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

    resolve_inject = uuid_of("inject")


EXERCISES = Exercise.objects.select_related("organisation", "scenario")
INJECTS = ExerciseInject.objects.select_related("exercise__organisation", "exercise__log")
INVALID = {ValidationError: 422}  # a model's rule refused the write: 422 with its sentence(s)


def _scenario(request, uuid, organisation):
    if uuid is None:
        return None
    scenario = get_scoped(Scenario.objects.select_related("organisation"), request.auth, "view", uuid=uuid)
    if not organisation.path.startswith(scenario.organisation.path):
        raise HttpError(422, gettext("Choose a scenario of this organisation or one above it."))
    return scenario


@operation(router, "GET", "/exercises", "exercise_list", Exercise, "view", kind="list", queryset=EXERCISES,
           response=list[ExerciseOut])
def exercise_list(request, exercises, filters: Query[ExerciseFilter.api_query()]):
    """Exercises the caller may see, newest first (at most 500)."""
    return list(ExerciseFilter.for_api(filters, request.auth).filter_queryset(exercises)[:500])


@operation(router, "POST", "/exercises", "exercise_create", Exercise, "add", kind="create",
           response={201: ExerciseDetailOut, 403: Message, 404: Message, 422: Message})
def exercise_create(request, payload: ExerciseIn):
    """Plan an exercise in an organisation where the caller may add one."""
    organisation = organisation_to_add(request.auth, Exercise, payload.organisation)
    fields = payload.dict(exclude={"organisation", "scenario"})
    exercise = Exercise(organisation=organisation, created_by=request.auth, **fields)
    exercise.scenario = _scenario(request, payload.scenario, organisation)
    with refusals(INVALID):
        save_checked(exercise, request.auth, "change")
    return Status(201, exercise)


@operation(router, "GET", "/exercises/{uuid:uuid}", "exercise_get", Exercise, "view",
           queryset=EXERCISES, response={200: ExerciseDetailOut, **ERRORS})
def exercise_get(request, exercise):
    """One exercise with its chronogram (as played) and its validity rules with their reasons."""
    return exercise


@operation(router, "PATCH", "/exercises/{uuid:uuid}", "exercise_update", Exercise, "change",
           queryset=EXERCISES, response={200: ExerciseDetailOut, 403: Message, 404: Message, 422: Message})
def exercise_update(request, exercise, payload: PatchDict[ExercisePatch]):
    data = dict(payload)
    if "scenario" in data:
        if exercise.status != Exercise.Status.PLANNED:
            raise HttpError(422, gettext("The scenario cannot change once the exercise has started."))
        exercise.scenario = _scenario(request, data.pop("scenario"), exercise.organisation)
    for name, value in data.items():
        setattr(exercise, name, value)
    with refusals(INVALID):
        save_checked(exercise, request.auth, "change")
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


@operation(router, "POST", "/injects/{uuid:uuid}/release", "inject_release", ExerciseInject, "change",
           queryset=INJECTS, response={200: InjectOut, **ERRORS})
def inject_release(request, inject):
    """Release an inject now, by hand (animators); 409 outside the run or when already released."""
    with refusals({run.RunError: 409}):
        return run.release_by_hand(inject, request.auth)


@operation(router, "POST", "/injects/{uuid:uuid}/hold", "inject_hold", ExerciseInject, "change",
           queryset=INJECTS, response={200: InjectOut, **ERRORS})
def inject_hold(request, inject, held: bool = True):
    """Hold a pending inject (`?held=false` puts a held one back on schedule)."""
    with refusals({run.RunError: 409}):
        return run.hold(inject, held=held)


@operation(router, "POST", "/injects/{uuid:uuid}/observations", "inject_observe", ExerciseInject, "observe",
           queryset=INJECTS, response={200: ObservationOut, 403: Message, 404: Message, 422: Message})
def inject_observe(request, inject, payload: ObservationIn):
    """The caller's observer grid for this inject (created or replaced); observers and animators only."""
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
    with refusals(INVALID):
        observation.full_clean(validate_constraints=False)
    observation.save()
    return observation
