"""The continuity API of the inventory and its backups: infrastructure components, applications, backup
plans. Reads, creates, changes (dependency links included: a PATCH sends the whole new list) and deletions,
validated by the pages' forms (api/forms.py), so a dependency cycle is refused with the cycle named and nothing
saved. Each is the model's CRUD (core.api.crud)."""

from uuid import UUID

from ninja import PatchDict, Router, Schema

from vigie.core.api import crud
from vigie.core.schemas import TenantOut, uuid_of, uuids_of

from .. import services
from ..forms import ApplicationForm, ComponentForm, PlanForm
from ..models import Application, BackupPlan, Component, ComponentKind, Hosting, Medium, Platform
from . import forms as api_forms

router = Router(tags=["continuity"])


# --- infrastructure components --------------------------------------------------------------------------------


class ComponentOut(TenantOut):
    name: str
    kind: str
    platform: str
    description: str
    location: str
    team: UUID | None
    depends_on: list[UUID]
    suppliers: list[UUID]
    holds_data: bool
    data_size_gb: float
    rebuild_hours: float
    restore_hours: float
    predicted_restore_hours: float
    url: str

    resolve_team = uuid_of("team")
    resolve_depends_on = uuids_of("depends_on")
    resolve_suppliers = uuids_of("suppliers")

    @staticmethod
    def resolve_predicted_restore_hours(obj) -> float:
        return round(services.predicted_restore_hours(obj), 3)


class ComponentFields(Schema):
    """`depends_on`: components it needs; `team`, `depends_on`, `suppliers` are UUIDs of the organisation's
    objects or its ancestors'."""

    name: str
    kind: ComponentKind
    platform: Platform = Platform.OTHER
    description: str = ""
    location: str = ""
    team: UUID | None = None
    depends_on: list[UUID] = []
    suppliers: list[UUID] = []
    holds_data: bool = True
    data_size_gb: float = 0
    rebuild_hours: float = 4
    restore_hours: float = 4


class ComponentIn(ComponentFields):
    organisation: UUID


crud(router, Component, "/components", "continuity_component", ComponentOut,
     queryset=services.with_measured_throughput(
         Component.objects.select_related("organisation", "team").prefetch_related("depends_on", "suppliers")),
     create=(ComponentIn, api_forms.creator(Component, ComponentForm)),
     change=(PatchDict[ComponentFields], api_forms.changer(ComponentForm)), delete=True,
     docs={"create": "Create an infrastructure component with what it needs (contributor role on the organisation).",
           "patch": "Change the fields sent; a list sent (`depends_on`, `suppliers`) replaces the links. A link that "
                    "would close a dependency cycle answers 422 naming the cycle, and nothing changes.",
           "delete": "Delete a component and its backup plans (as the page does); links to it disappear."})


# --- applications ---------------------------------------------------------------------------------------------


class ApplicationOut(TenantOut):
    name: str
    vendor: str
    hosting: str
    description: str
    depends_on: list[UUID]
    components: list[UUID]
    suppliers: list[UUID]
    url: str

    resolve_depends_on = uuids_of("depends_on")
    resolve_components = uuids_of("components")
    resolve_suppliers = uuids_of("suppliers")


class ApplicationFields(Schema):
    """`depends_on`: applications it needs; `components`, `suppliers`: what it runs on and who provides it."""

    name: str
    vendor: str = ""
    hosting: Hosting = Hosting.ON_PREMISE
    description: str = ""
    depends_on: list[UUID] = []
    components: list[UUID] = []
    suppliers: list[UUID] = []


class ApplicationIn(ApplicationFields):
    organisation: UUID


crud(router, Application, "/applications", "continuity_application", ApplicationOut,
     queryset=Application.objects.select_related("organisation").prefetch_related(
         "depends_on", "components", "suppliers"),
     create=(ApplicationIn, api_forms.creator(Application, ApplicationForm)),
     change=(PatchDict[ApplicationFields], api_forms.changer(ApplicationForm)), delete=True,
     docs={"patch": "Change the fields sent; a list sent replaces the links. A cycle answers 422 naming it."})


# --- backup plans ---------------------------------------------------------------------------------------------


class RuleOut(Schema):
    rule: str
    ok: bool
    have: int
    need: int


class PlanOut(TenantOut):
    name: str
    protects: UUID
    component: UUID | None
    application: UUID | None
    scope: str
    software: str
    frequency_hours: float
    retention_days: int
    backup_copies: int
    media: list[str]
    locations: str
    offsite_copies: int
    immutable_copy: bool
    offline_copy: bool
    encrypted: bool
    admin_auth_independent: bool
    admin_2fa: bool
    supervised: bool
    supervision: str
    isolation_procedure: str
    evaluation: list[RuleOut]
    achievable_rpo_hours: float | None
    pdma_hours: float | None
    gaps: list[str]
    url: str

    @staticmethod
    def resolve_protects(obj) -> UUID:
        return obj.target.uuid

    resolve_component = uuid_of("component")
    resolve_application = uuid_of("application")

    @staticmethod
    def resolve_evaluation(obj) -> list[RuleOut]:
        return [RuleOut(rule=r.rule, ok=r.ok, have=r.have, need=r.need)
                for r in services.status_of_plan(obj).evaluation.rules]

    @staticmethod
    def resolve_achievable_rpo_hours(obj) -> float | None:
        return services.status_of_plan(obj).evaluation.achievable_rpo_hours

    @staticmethod
    def resolve_pdma_hours(obj) -> float | None:
        return services.status_of_plan(obj).evaluation.pdma_hours

    @staticmethod
    def resolve_gaps(obj) -> list[str]:
        return [key for key, _message in services.status_of_plan(obj).gaps]


class PlanFields(Schema):
    """A plan protects either one `component` or one `application` (UUID) of its own organisation."""

    name: str
    component: UUID | None = None
    application: UUID | None = None
    scope: str
    software: str = ""
    frequency_hours: float = 24
    retention_days: int = 30
    backup_copies: int = 1
    media: list[Medium] = []
    locations: str = ""
    offsite_copies: int = 0
    immutable_copy: bool = False
    offline_copy: bool = False
    encrypted: bool = False
    admin_auth_independent: bool = False
    admin_2fa: bool = False
    supervised: bool = False
    supervision: str = ""
    isolation_procedure: str = ""


class PlanIn(PlanFields):
    organisation: UUID


crud(router, BackupPlan, "/backup-plans", "continuity_plan", PlanOut,
     queryset=BackupPlan.objects.select_related("organisation", "component", "application"),
     listed=lambda request, plans: services.Evaluated(plans, services.plan_statuses),
     create=(PlanIn, api_forms.creator(BackupPlan, PlanForm)),
     change=(PatchDict[PlanFields], api_forms.changer(PlanForm)), delete=True,
     docs={"list": "Backup plans with the 3-2-1-1-0 evaluation of what they protect and its gaps.",
           "delete": "Delete a plan and its restore tests (as the page does)."})
