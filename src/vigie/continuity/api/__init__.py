"""The continuity API: activities (BIA, with derived DMIA/PDMA/RTO/RPO), restore tests, recovery scenarios
(run as a job); components, applications and backup plans are in api/inventory.py. Writes go through the pages'
forms (api/forms.py). Each model's CRUD is core.api.crud's."""

from datetime import date, datetime
from uuid import UUID

from ninja import PatchDict, Router, Schema, Status

from vigie.core.api import ERRORS, crud, get_scoped, operation
from vigie.core.schemas import JobOut, TenantOut, uuid_of, uuids_of

from .. import planning, services
from ..forms import ActivityForm, RestoreTestForm
from ..models import Activity, BackupPlan, Category, RestoreTest, Scenario
from . import forms as api_forms
from .inventory import router as inventory_router

router = Router(tags=["continuity"])
router.add_router("", inventory_router)  # components, applications, backup plans


class ActivityOut(TenantOut):
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

    resolve_sites = uuids_of("sites")
    resolve_applications = uuids_of("applications")


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


class RestoreTestOut(TenantOut):
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

    resolve_plan = uuid_of("plan")

    @staticmethod
    def resolve_rto_ok(obj) -> bool | None:
        return services.comparison_of(obj)["rto_ok"]

    @staticmethod
    def resolve_rpo_ok(obj) -> bool | None:
        return services.comparison_of(obj)["rpo_ok"]


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


class ScenarioOut(TenantOut):
    name: str
    builtin: str
    method: str
    computed_at: datetime | None
    result: dict
    url: str


crud(router, Activity, "/activities", "continuity_activity", ActivityOut,
     queryset=Activity.objects.select_related("organisation").prefetch_related("applications", "sites"),
     create=(ActivityIn, api_forms.creator(Activity, ActivityForm)),
     change=(PatchDict[ActivityFields], api_forms.changer(ActivityForm)),
     docs={"list": "BIA activities the caller may see, with their derived DMIA, PDMA, RTO and RPO (hours).",
           "create": "Create an activity of the BIA (contributor role); impacts are rated on its page or in the "
                     "workbook.",
           "patch": "Change the fields sent; `applications` sent replaces the links (a cycle answers 422 naming it)."})


def _new_test(request, payload: RestoreTestIn):
    """A restore test of a backup plan the payload names (contributor role on the plan)."""
    plan = get_scoped(BackupPlan.objects.select_related("organisation"), request.auth, "change", uuid=payload.plan)
    form = api_forms.bound_form(RestoreTestForm, RestoreTest(organisation=plan.organisation, plan=plan),
                                payload.dict(exclude={"plan"}, exclude_unset=True))
    return api_forms.save(form, request.auth, "add")


crud(router, RestoreTest, "/restore-tests", "continuity_test", RestoreTestOut,
     queryset=RestoreTest.objects.select_related("organisation", "plan__component", "plan__application"),
     listed=lambda request, tests: services.Evaluated(tests, services.comparisons), create=(RestoreTestIn, _new_test),
     docs={"create": "Record a restore test of a backup plan (contributor role on the plan)."})
crud(router, Scenario, "/scenarios", "continuity_scenario", ScenarioOut,
     queryset=Scenario.objects.select_related("organisation"),
     docs={"get": "A scenario and its last computed plan: activities' predicted recovery vs DMIA, runbook, losses."})


@operation(router, "POST", "/scenarios/{uuid:uuid}/run", "continuity_scenario_run", Scenario, "change",
           queryset=Scenario.objects.select_related("organisation"), response={202: JobOut, **ERRORS})
def scenario_run(request, scenario):
    """Compute the recovery plan in the background; answers the job to poll (`/api/jobs/{uuid}`).
    Custom: it starts a job rather than changing fields."""
    return Status(202, planning.start(scenario, request.auth))
