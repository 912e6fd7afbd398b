"""The continuity API: activities (BIA, with derived DMIA/PDMA/RTO/RPO), restore tests, recovery scenarios
(run as a job); components, applications and backup plans are in api/inventory.py. Writes go through the pages'
forms (api/forms.py). Every queryset goes through scoped()."""

from datetime import date, datetime
from uuid import UUID

from ninja import PatchDict, Router, Schema, Status
from ninja.pagination import PageNumberPagination, paginate

from vigie.core.api import get_scoped, operation
from vigie.core.schemas import JobOut, Message
from vigie.core.scoping import scoped

from .. import planning, services
from ..forms import ActivityForm, RestoreTestForm
from ..models import Activity, BackupPlan, Category, RestoreTest, Scenario
from . import forms as api_forms
from .inventory import router as inventory_router

ERRORS = {403: Message, 404: Message}
router = Router(tags=["continuity"])
router.add_router("", inventory_router)  # components, applications, backup plans


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
    pcra_validated_by: str
    minimum_staff: str
    sites: list[UUID]
    applications: list[UUID]
    url: str

    @staticmethod
    def resolve_organisation(obj) -> UUID:
        return obj.organisation.uuid

    @staticmethod
    def resolve_sites(obj) -> list[UUID]:
        return [s.uuid for s in obj.sites.all()]

    @staticmethod
    def resolve_applications(obj) -> list[UUID]:
        return [a.uuid for a in obj.applications.all()]

    @staticmethod
    def resolve_url(obj) -> str:
        return obj.get_absolute_url()


class ActivityFields(Schema):
    """`applications`: applications it needs; `sites`: sites (UUIDs) of its organisation where it runs."""

    name: str
    category: Category
    critical: bool = True
    owner: str = ""
    description: str = ""
    minimum_staff: str = ""
    sites: list[UUID] = []
    applications: list[UUID] = []
    pcra_validated_on: date | None = None
    pcra_validated_by: str = ""


class ActivityIn(ActivityFields):
    organisation: UUID


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
        return services.comparison_of(obj)["rto_ok"]

    @staticmethod
    def resolve_rpo_ok(obj) -> bool | None:
        return services.comparison_of(obj)["rpo_ok"]

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
    return Activity.objects.select_related("organisation").prefetch_related("applications", "sites")


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
    """Create an activity of the BIA (contributor role); impacts are rated on its page or in the workbook."""
    return Status(201, api_forms.create(request.auth, Activity, ActivityForm, payload.organisation,
                                        payload.dict(exclude={"organisation"}, exclude_unset=True)))


@operation(router, "PATCH", "/activities/{uuid:uuid}", "continuity_activity_patch", Activity, "change",
           response={200: ActivityOut, **ERRORS, 422: dict})
def activity_patch(request, uuid, payload: PatchDict[ActivityFields]):
    """Change the fields sent; `applications` sent replaces the links (a cycle answers 422 naming it)."""
    return api_forms.change(request.auth, get_scoped(_activities(), request.auth, "change", uuid=uuid),
                            ActivityForm, payload)


def _tests():
    return RestoreTest.objects.select_related("organisation", "plan__component", "plan__application")


@operation(router, "GET", "/restore-tests", "continuity_test_list", RestoreTest, "view", kind="list",
           response=list[RestoreTestOut])
@paginate(PageNumberPagination)
def test_list(request):
    return services.Evaluated(scoped(_tests(), request.auth, "view"), services.comparisons)


@operation(router, "GET", "/restore-tests/{uuid:uuid}", "continuity_test_get", RestoreTest, "view",
           response={200: RestoreTestOut, **ERRORS})
def test_get(request, uuid):
    return get_scoped(_tests(), request.auth, "view", uuid=uuid)


@operation(router, "POST", "/restore-tests", "continuity_test_create", RestoreTest, "add", kind="create",
           response={201: RestoreTestOut, **ERRORS, 422: dict})
def test_create(request, payload: RestoreTestIn):
    """Record a restore test of a backup plan (contributor role on the plan)."""
    plan = get_scoped(BackupPlan.objects.select_related("organisation"), request.auth, "change", uuid=payload.plan)
    form = api_forms.bound_form(RestoreTestForm, RestoreTest(organisation=plan.organisation, plan=plan),
                                payload.dict(exclude={"plan"}, exclude_unset=True))
    return Status(201, api_forms.save(form, request.auth, "add"))


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
