"""The continuity API of the inventory and its backups: infrastructure components, applications, backup
plans. Reads, creates, changes (dependency links included: a PATCH sends the whole new list) and deletions,
validated by the pages' forms (api/forms.py), so a dependency cycle is refused with the cycle named and nothing
saved. Every queryset goes through scoped()."""

from uuid import UUID

from ninja import PatchDict, Router, Schema, Status
from ninja.pagination import PageNumberPagination, paginate

from vigie.core.api import get_scoped, operation
from vigie.core.schemas import Message
from vigie.core.scoping import scoped

from .. import services
from ..forms import ApplicationForm, ComponentForm, PlanForm
from ..models import Application, BackupPlan, Component, ComponentKind, Hosting, Medium, Platform
from . import forms as api_forms

ERRORS = {403: Message, 404: Message}
WRITE_ERRORS = {**ERRORS, 422: dict}
router = Router(tags=["continuity"])


def _uuids(objects) -> list[UUID]:
    return [o.uuid for o in objects.all()]


# --- infrastructure components --------------------------------------------------------------------------------


class ComponentOut(Schema):
    uuid: UUID
    organisation: UUID
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

    @staticmethod
    def resolve_organisation(obj) -> UUID:
        return obj.organisation.uuid

    @staticmethod
    def resolve_team(obj) -> UUID | None:
        return obj.team.uuid if obj.team_id else None

    @staticmethod
    def resolve_depends_on(obj) -> list[UUID]:
        return _uuids(obj.depends_on)

    @staticmethod
    def resolve_suppliers(obj) -> list[UUID]:
        return _uuids(obj.suppliers)

    @staticmethod
    def resolve_predicted_restore_hours(obj) -> float:
        return round(services.predicted_restore_hours(obj), 3)

    @staticmethod
    def resolve_url(obj) -> str:
        return obj.get_absolute_url()


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


def _components():
    return services.with_measured_throughput(
        Component.objects.select_related("organisation", "team").prefetch_related("depends_on", "suppliers"))


@operation(router, "GET", "/components", "continuity_component_list", Component, "view", kind="list",
           response=list[ComponentOut])
@paginate(PageNumberPagination)
def component_list(request):
    return scoped(_components(), request.auth, "view")


@operation(router, "GET", "/components/{uuid:uuid}", "continuity_component_get", Component, "view",
           response={200: ComponentOut, **ERRORS})
def component_get(request, uuid):
    return get_scoped(_components(), request.auth, "view", uuid=uuid)


@operation(router, "POST", "/components", "continuity_component_create", Component, "add", kind="create",
           response={201: ComponentOut, **WRITE_ERRORS})
def component_create(request, payload: ComponentIn):
    """Create an infrastructure component with what it needs (contributor role on the organisation)."""
    return Status(201, api_forms.create(request.auth, Component, ComponentForm, payload.organisation,
                payload.dict(exclude={"organisation"}, exclude_unset=True)))


@operation(router, "PATCH", "/components/{uuid:uuid}", "continuity_component_patch", Component, "change",
           response={200: ComponentOut, **WRITE_ERRORS})
def component_patch(request, uuid, payload: PatchDict[ComponentFields]):
    """Change the fields sent; a list sent (`depends_on`, `suppliers`) replaces the links. A link that would
    close a dependency cycle answers 422 naming the cycle, and nothing changes."""
    return api_forms.change(request.auth, get_scoped(_components(), request.auth, "change", uuid=uuid), ComponentForm,
                            payload)


@operation(router, "DELETE", "/components/{uuid:uuid}", "continuity_component_delete", Component, "delete",
           response={204: None, **ERRORS, 409: Message})
def component_delete(request, uuid):
    """Delete a component and its backup plans (as the page does); links to it disappear."""
    api_forms.delete(get_scoped(Component.objects.all(), request.auth, "delete", uuid=uuid))
    return Status(204, None)


# --- applications ---------------------------------------------------------------------------------------------


class ApplicationOut(Schema):
    uuid: UUID
    organisation: UUID
    name: str
    vendor: str
    hosting: str
    description: str
    depends_on: list[UUID]
    components: list[UUID]
    suppliers: list[UUID]
    url: str

    @staticmethod
    def resolve_organisation(obj) -> UUID:
        return obj.organisation.uuid

    @staticmethod
    def resolve_depends_on(obj) -> list[UUID]:
        return _uuids(obj.depends_on)

    @staticmethod
    def resolve_components(obj) -> list[UUID]:
        return _uuids(obj.components)

    @staticmethod
    def resolve_suppliers(obj) -> list[UUID]:
        return _uuids(obj.suppliers)

    @staticmethod
    def resolve_url(obj) -> str:
        return obj.get_absolute_url()


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


def _applications():
    return Application.objects.select_related("organisation").prefetch_related("depends_on", "components", "suppliers")


@operation(router, "GET", "/applications", "continuity_application_list", Application, "view", kind="list",
           response=list[ApplicationOut])
@paginate(PageNumberPagination)
def application_list(request):
    return scoped(_applications(), request.auth, "view")


@operation(router, "GET", "/applications/{uuid:uuid}", "continuity_application_get", Application, "view",
           response={200: ApplicationOut, **ERRORS})
def application_get(request, uuid):
    return get_scoped(_applications(), request.auth, "view", uuid=uuid)


@operation(router, "POST", "/applications", "continuity_application_create", Application, "add", kind="create",
           response={201: ApplicationOut, **WRITE_ERRORS})
def application_create(request, payload: ApplicationIn):
    return Status(201, api_forms.create(request.auth, Application, ApplicationForm, payload.organisation,
                payload.dict(exclude={"organisation"}, exclude_unset=True)))


@operation(router, "PATCH", "/applications/{uuid:uuid}", "continuity_application_patch", Application, "change",
           response={200: ApplicationOut, **WRITE_ERRORS})
def application_patch(request, uuid, payload: PatchDict[ApplicationFields]):
    """Change the fields sent; a list sent replaces the links. A cycle answers 422 naming it."""
    application = get_scoped(_applications(), request.auth, "change", uuid=uuid)
    return api_forms.change(request.auth, application, ApplicationForm, payload)


@operation(router, "DELETE", "/applications/{uuid:uuid}", "continuity_application_delete", Application, "delete",
           response={204: None, **ERRORS, 409: Message})
def application_delete(request, uuid):
    api_forms.delete(get_scoped(Application.objects.all(), request.auth, "delete", uuid=uuid))
    return Status(204, None)


# --- backup plans ---------------------------------------------------------------------------------------------


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
    def resolve_organisation(obj) -> UUID:
        return obj.organisation.uuid

    @staticmethod
    def resolve_protects(obj) -> UUID:
        return obj.target.uuid

    @staticmethod
    def resolve_component(obj) -> UUID | None:
        return obj.component.uuid if obj.component_id else None

    @staticmethod
    def resolve_application(obj) -> UUID | None:
        return obj.application.uuid if obj.application_id else None

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

    @staticmethod
    def resolve_url(obj) -> str:
        return obj.get_absolute_url()


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


def _plans():
    return BackupPlan.objects.select_related("organisation", "component", "application")


@operation(router, "GET", "/backup-plans", "continuity_plan_list", BackupPlan, "view", kind="list",
           response=list[PlanOut])
@paginate(PageNumberPagination)
def plan_list(request):
    """Backup plans with the 3-2-1-1-0 evaluation of what they protect and its gaps."""
    return services.Evaluated(scoped(_plans(), request.auth, "view"), services.plan_statuses)


@operation(router, "GET", "/backup-plans/{uuid:uuid}", "continuity_plan_get", BackupPlan, "view",
           response={200: PlanOut, **ERRORS})
def plan_get(request, uuid):
    return get_scoped(_plans(), request.auth, "view", uuid=uuid)


@operation(router, "POST", "/backup-plans", "continuity_plan_create", BackupPlan, "add", kind="create",
           response={201: PlanOut, **WRITE_ERRORS})
def plan_create(request, payload: PlanIn):
    return Status(201, api_forms.create(request.auth, BackupPlan, PlanForm, payload.organisation,
                payload.dict(exclude={"organisation"}, exclude_unset=True)))


@operation(router, "PATCH", "/backup-plans/{uuid:uuid}", "continuity_plan_patch", BackupPlan, "change",
           response={200: PlanOut, **WRITE_ERRORS})
def plan_patch(request, uuid, payload: PatchDict[PlanFields]):
    return api_forms.change(request.auth, get_scoped(_plans(), request.auth, "change", uuid=uuid), PlanForm,
                            payload)


@operation(router, "DELETE", "/backup-plans/{uuid:uuid}", "continuity_plan_delete", BackupPlan, "delete",
           response={204: None, **ERRORS, 409: Message})
def plan_delete(request, uuid):
    """Delete a plan and its restore tests (as the page does)."""
    api_forms.delete(get_scoped(_plans(), request.auth, "delete", uuid=uuid))
    return Status(204, None)
