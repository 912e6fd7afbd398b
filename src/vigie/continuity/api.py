"""The continuity API: activities (BIA, with derived DMIA/PDMA/RTO/RPO), components, backup plans with their
3-2-1-1-0 evaluation, restore tests, recovery scenarios (run as a job), coverage. Every queryset goes
through scoped()."""

from datetime import date, datetime
from uuid import UUID

from ninja import Router, Schema, Status
from ninja.pagination import PageNumberPagination, paginate

from vigie.accounts.scoping import scoped
from vigie.core.api import get_scoped, operation, require_role_at, save_checked
from vigie.core.schemas import JobOut, Message
from vigie.organisations.models import Organisation

from . import planning, services
from .models import Activity, BackupPlan, Category, Component, RestoreTest, Scenario

ERRORS = {403: Message, 404: Message}
router = Router(tags=["continuity"])


class ActivityOut(Schema):
    uuid: UUID
    organisation: UUID
    name: str
    category: str
    critical: bool
    owner: str
    description: str
    dmia_hours: float | None
    pdma_hours: float | None
    rto_hours: float | None
    rpo_hours: float | None
    bia_done_on: date | None
    pcra_validated_on: date | None
    applications: list[UUID]
    url: str

    @staticmethod
    def resolve_organisation(obj) -> UUID:
        return obj.organisation.uuid

    @staticmethod
    def resolve_applications(obj) -> list[UUID]:
        return [a.uuid for a in obj.applications.all()]

    @staticmethod
    def resolve_url(obj) -> str:
        return obj.get_absolute_url()


class ActivityIn(Schema):
    organisation: UUID
    name: str
    category: Category
    critical: bool = True
    owner: str = ""
    description: str = ""


class ActivityPatch(Schema):
    name: str | None = None
    critical: bool | None = None
    owner: str | None = None
    description: str | None = None
    pcra_validated_on: date | None = None
    pcra_validated_by: str | None = None


class ComponentOut(Schema):
    uuid: UUID
    organisation: UUID
    name: str
    kind: str
    platform: str
    holds_data: bool
    data_size_gb: float
    depends_on: list[UUID]
    predicted_restore_hours: float

    @staticmethod
    def resolve_organisation(obj) -> UUID:
        return obj.organisation.uuid

    @staticmethod
    def resolve_depends_on(obj) -> list[UUID]:
        return [c.uuid for c in obj.depends_on.all()]

    @staticmethod
    def resolve_predicted_restore_hours(obj) -> float:
        return round(services.predicted_restore_hours(obj), 3)


class RuleOut(Schema):
    rule: str
    ok: bool
    have: int
    need: int


class PlanOut(Schema):
    uuid: UUID
    organisation: UUID
    name: str
    protects: UUID
    frequency_hours: float
    retention_days: int
    backup_copies: int
    media: list[str]
    offsite_copies: int
    immutable_copy: bool
    offline_copy: bool
    encrypted: bool
    admin_auth_independent: bool
    admin_2fa: bool
    supervised: bool
    isolation_procedure: str
    evaluation: list[RuleOut]
    achievable_rpo_hours: float | None
    pdma_hours: float | None
    gaps: list[str]

    @staticmethod
    def resolve_organisation(obj) -> UUID:
        return obj.organisation.uuid

    @staticmethod
    def resolve_protects(obj) -> UUID:
        return obj.target.uuid

    @staticmethod
    def resolve_evaluation(obj) -> list[RuleOut]:
        return [RuleOut(rule=r.rule, ok=r.ok, have=r.have, need=r.need)
                for r in services.target_status(obj.target).evaluation.rules]

    @staticmethod
    def resolve_achievable_rpo_hours(obj) -> float | None:
        return services.target_status(obj.target).evaluation.achievable_rpo_hours

    @staticmethod
    def resolve_pdma_hours(obj) -> float | None:
        return services.target_status(obj.target).evaluation.pdma_hours

    @staticmethod
    def resolve_gaps(obj) -> list[str]:
        return [key for key, _message in services.target_status(obj.target).gaps]


class RestoreTestOut(Schema):
    uuid: UUID
    organisation: UUID
    plan: UUID
    tested_on: date
    scope: str
    to_production: bool
    volume_gb: float
    duration_minutes: int
    data_loss_minutes: int
    success: bool
    errors: int
    referent: str
    validated: bool
    rto_ok: bool | None
    rpo_ok: bool | None
    url: str

    @staticmethod
    def resolve_organisation(obj) -> UUID:
        return obj.organisation.uuid

    @staticmethod
    def resolve_plan(obj) -> UUID:
        return obj.plan.uuid

    @staticmethod
    def resolve_rto_ok(obj) -> bool | None:
        return services.compare_with_targets(obj)["rto_ok"]

    @staticmethod
    def resolve_rpo_ok(obj) -> bool | None:
        return services.compare_with_targets(obj)["rpo_ok"]

    @staticmethod
    def resolve_url(obj) -> str:
        return obj.get_absolute_url()


class RestoreTestIn(Schema):
    plan: UUID
    tested_on: date
    scope: str
    duration_minutes: int
    to_production: bool = False
    volume_gb: float = 0
    data_loss_minutes: int = 0
    success: bool = True
    errors: int = 0
    referent: str = ""
    validated: bool = False
    notes: str = ""


class ScenarioOut(Schema):
    uuid: UUID
    organisation: UUID
    name: str
    builtin: str
    method: str
    computed_at: datetime | None
    result: dict
    url: str

    @staticmethod
    def resolve_organisation(obj) -> UUID:
        return obj.organisation.uuid

    @staticmethod
    def resolve_url(obj) -> str:
        return obj.get_absolute_url()


def _activities():
    return Activity.objects.select_related("organisation").prefetch_related("applications")


@operation(router, "GET", "/activities", "continuity_activity_list", Activity, "view", kind="list",
           response=list[ActivityOut])
@paginate(PageNumberPagination)
def activity_list(request):
    """BIA activities the caller may see, with their derived DMIA, PDMA, RTO and RPO (hours)."""
    return scoped(_activities(), request.auth, "view")


@operation(router, "GET", "/activities/{uuid:uuid}", "continuity_activity_get", Activity, "view",
           response={200: ActivityOut, **ERRORS})
def activity_get(request, uuid):
    return get_scoped(_activities(), request.auth, "view", uuid=uuid)


@operation(router, "POST", "/activities", "continuity_activity_create", Activity, "add", kind="create",
           response={201: ActivityOut, **ERRORS, 422: dict})
def activity_create(request, payload: ActivityIn):
    org = get_scoped(Organisation.objects.all(), request.auth, "view", uuid=payload.organisation)
    require_role_at(request.auth, Activity, "add", org)
    activity = Activity(organisation=org, **payload.dict(exclude={"organisation"}))
    return Status(201, save_checked(activity, request.auth, "add"))


@operation(router, "PATCH", "/activities/{uuid:uuid}", "continuity_activity_patch", Activity, "change",
           response={200: ActivityOut, **ERRORS, 422: dict})
def activity_patch(request, uuid, payload: ActivityPatch):
    activity = get_scoped(_activities(), request.auth, "change", uuid=uuid)
    for name, value in payload.dict(exclude_unset=True).items():
        setattr(activity, name, value)
    return save_checked(activity, request.auth, "change")


@operation(router, "GET", "/components", "continuity_component_list", Component, "view", kind="list",
           response=list[ComponentOut])
@paginate(PageNumberPagination)
def component_list(request):
    return scoped(Component.objects.select_related("organisation").prefetch_related("depends_on"), request.auth, "view")


@operation(router, "GET", "/components/{uuid:uuid}", "continuity_component_get", Component, "view",
           response={200: ComponentOut, **ERRORS})
def component_get(request, uuid):
    return get_scoped(Component.objects.select_related("organisation"), request.auth, "view", uuid=uuid)


def _plans():
    return BackupPlan.objects.select_related("organisation", "component", "application")


@operation(router, "GET", "/backup-plans", "continuity_plan_list", BackupPlan, "view", kind="list",
           response=list[PlanOut])
@paginate(PageNumberPagination)
def plan_list(request):
    """Backup plans with the 3-2-1-1-0 evaluation of what they protect and its gaps."""
    return scoped(_plans(), request.auth, "view")


@operation(router, "GET", "/backup-plans/{uuid:uuid}", "continuity_plan_get", BackupPlan, "view",
           response={200: PlanOut, **ERRORS})
def plan_get(request, uuid):
    return get_scoped(_plans(), request.auth, "view", uuid=uuid)


def _tests():
    return RestoreTest.objects.select_related("organisation", "plan__component", "plan__application")


@operation(router, "GET", "/restore-tests", "continuity_test_list", RestoreTest, "view", kind="list",
           response=list[RestoreTestOut])
@paginate(PageNumberPagination)
def test_list(request):
    return scoped(_tests(), request.auth, "view")


@operation(router, "GET", "/restore-tests/{uuid:uuid}", "continuity_test_get", RestoreTest, "view",
           response={200: RestoreTestOut, **ERRORS})
def test_get(request, uuid):
    return get_scoped(_tests(), request.auth, "view", uuid=uuid)


@operation(router, "POST", "/restore-tests", "continuity_test_create", RestoreTest, "add", kind="create",
           response={201: RestoreTestOut, **ERRORS, 422: dict})
def test_create(request, payload: RestoreTestIn):
    """Record a restore test of a backup plan (contributor role on the plan)."""
    plan = get_scoped(_plans(), request.auth, "change", uuid=payload.plan)
    test = RestoreTest(organisation=plan.organisation, plan=plan, **payload.dict(exclude={"plan"}))
    return Status(201, save_checked(test, request.auth, "add"))


@operation(router, "GET", "/scenarios", "continuity_scenario_list", Scenario, "view", kind="list",
           response=list[ScenarioOut])
@paginate(PageNumberPagination)
def scenario_list(request):
    return scoped(Scenario.objects.select_related("organisation"), request.auth, "view")


@operation(router, "GET", "/scenarios/{uuid:uuid}", "continuity_scenario_get", Scenario, "view",
           response={200: ScenarioOut, **ERRORS})
def scenario_get(request, uuid):
    """A scenario and its last computed plan: activities' predicted recovery vs DMIA, runbook, losses."""
    return get_scoped(Scenario.objects.select_related("organisation"), request.auth, "view", uuid=uuid)


@operation(router, "POST", "/scenarios/{uuid:uuid}/run", "continuity_scenario_run", Scenario, "change",
           response={202: JobOut, **ERRORS})
def scenario_run(request, uuid):
    """Compute the recovery plan in the background; answers the job to poll (`/api/jobs/{uuid}`)."""
    scenario = get_scoped(Scenario.objects.select_related("organisation"), request.auth, "change", uuid=uuid)
    return Status(202, planning.start(scenario, request.auth))
