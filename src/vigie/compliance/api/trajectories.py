"""API of the trajectories: identification means of applications, yearly HospiConnect indicators, budget
declarations (list, get, create) and an organisation's gaps to the targets. Rules live in the models'
clean() and in trajectories.py; a refused value answers 422 with the field's message and saves nothing."""

from datetime import date
from decimal import Decimal
from uuid import UUID

from django.db import transaction
from ninja import Router, Schema, Status
from ninja.pagination import PageNumberPagination, paginate

from vigie.core.api import get_scoped, not_found, operation, require_role_at
from vigie.core.schemas import Message
from vigie.core.scoping import can, scoped
from vigie.organisations.models import Organisation

from .. import trajectories as service
from ..models import BudgetDeclaration, IdentityApplication, IdentityIndicators

ERRORS = {403: Message, 404: Message}
router = Router(tags=["trajectories"])


class Owned(Schema):
    uuid: UUID
    organisation: UUID

    @staticmethod
    def resolve_organisation(obj) -> UUID:
        return obj.organisation.uuid


class ApplicationIn(Schema):
    organisation: UUID
    name: str
    patient_record: bool = False
    means: list[str]
    pro_sante_connect: bool = False
    homologation: str = IdentityApplication.Homologation.NOT_STARTED
    homologated_on: date | None = None
    note: str = ""


class ApplicationOut(Owned):
    name: str
    patient_record: bool
    means: list[str]
    strong: bool
    pro_sante_connect: bool
    homologation: str
    homologated_on: date | None
    note: str


class IndicatorsIn(Schema):
    organisation: UUID
    year: int
    measured_on: date
    doctors_nurses: int
    doctors_nurses_2fa: int
    all_users: int
    all_users_2fa: int
    dmp_patients: int | None = None
    dmp_consents: int | None = None
    dmp_users: int | None = None
    dmp_consulting: int | None = None


class IndicatorsOut(Owned):
    year: int
    measured_on: date
    doctors_nurses: int
    doctors_nurses_2fa: int
    all_users: int
    all_users_2fa: int
    dmp_patients: int | None
    dmp_consents: int | None
    dmp_users: int | None
    dmp_consulting: int | None


class BudgetIn(Schema):
    organisation: UUID
    year: int
    total_budget: Decimal
    digital_budget: Decimal
    cyber_budget: Decimal
    note: str = ""


class BudgetOut(Owned):
    year: int
    total_budget: Decimal
    digital_budget: Decimal
    cyber_budget: Decimal
    share: Decimal | None
    target: Decimal
    gap: Decimal | None
    note: str

    @staticmethod
    def resolve_target(obj) -> Decimal:
        return service.budget_row(obj).target

    @staticmethod
    def resolve_gap(obj) -> Decimal | None:
        return service.budget_row(obj).gap


class GapOut(Schema):
    year: int
    metric: str
    code: str
    target: Decimal
    measured: Decimal | None
    measured_in: int | None
    gap: Decimal | None
    confidence: str
    source: str


class TrajectoryOut(Schema):
    organisation: UUID
    gaps: list[GapOut]
    budgets: list[BudgetOut]


def _create(request, model, payload):
    """Build from the payload, validate with the model's rules (422 on refusal) and save, all or nothing."""
    data = payload.dict()
    organisation = get_scoped(Organisation.objects.all(), request.auth, "view", uuid=data.pop("organisation"))
    require_role_at(request.auth, model, "add", organisation)
    obj = model(organisation=organisation, **data)
    if model is BudgetDeclaration:
        obj.declared_by = request.auth
    with transaction.atomic():
        obj.full_clean()
        obj.save()
        if not can(request.auth, "add", obj):
            raise not_found()
    return Status(201, obj)


def _owned(model):
    return model.objects.select_related("organisation")


@operation(router, "GET", "/applications", "compliance_identity_application_list", IdentityApplication, "view",
           kind="list", response=list[ApplicationOut])
@paginate(PageNumberPagination)
def application_list(request):
    return scoped(_owned(IdentityApplication), request.auth, "view")


@operation(router, "POST", "/applications", "compliance_identity_application_create", IdentityApplication, "add",
           kind="create", response={201: ApplicationOut, **ERRORS, 422: dict})
def application_create(request, payload: ApplicationIn):
    """An application and its identification means (cps, e_cps, fido, otp, password)."""
    return _create(request, IdentityApplication, payload)


@operation(router, "GET", "/applications/{uuid:uuid}", "compliance_identity_application_get", IdentityApplication,
           "view", response={200: ApplicationOut, **ERRORS})
def application_get(request, uuid):
    return get_scoped(_owned(IdentityApplication), request.auth, "view", uuid=uuid)


@operation(router, "GET", "/indicators", "compliance_identity_indicators_list", IdentityIndicators, "view",
           kind="list", response=list[IndicatorsOut])
@paginate(PageNumberPagination)
def indicators_list(request):
    return scoped(_owned(IdentityIndicators), request.auth, "view")


@operation(router, "POST", "/indicators", "compliance_identity_indicators_create", IdentityIndicators, "add",
           kind="create", response={201: IndicatorsOut, **ERRORS, 422: dict})
def indicators_create(request, payload: IndicatorsIn):
    """The counts of one year: populations, their two-factor users, DMP consent and consultation."""
    return _create(request, IdentityIndicators, payload)


@operation(router, "GET", "/indicators/{uuid:uuid}", "compliance_identity_indicators_get", IdentityIndicators,
           "view", response={200: IndicatorsOut, **ERRORS})
def indicators_get(request, uuid):
    return get_scoped(_owned(IdentityIndicators), request.auth, "view", uuid=uuid)


@operation(router, "GET", "/budgets", "compliance_budget_list", BudgetDeclaration, "view", kind="list",
           response=list[BudgetOut])
@paginate(PageNumberPagination)
def budget_list(request):
    return scoped(_owned(BudgetDeclaration), request.auth, "view")


@operation(router, "POST", "/budgets", "compliance_budget_create", BudgetDeclaration, "add", kind="create",
           response={201: BudgetOut, **ERRORS, 422: dict})
def budget_create(request, payload: BudgetIn):
    """Total, digital and cyber budgets of a year; the share is compared with the 2 % target."""
    return _create(request, BudgetDeclaration, payload)


@operation(router, "GET", "/budgets/{uuid:uuid}", "compliance_budget_get", BudgetDeclaration, "view",
           response={200: BudgetOut, **ERRORS})
def budget_get(request, uuid):
    return get_scoped(_owned(BudgetDeclaration), request.auth, "view", uuid=uuid)


@operation(router, "GET", "/organisations/{uuid:uuid}", "compliance_trajectory_get", Organisation, "view",
           response={200: TrajectoryOut, **ERRORS})
def trajectory_get(request, uuid):
    """An organisation's gaps to the HospiConnect targets, year by year, and its budget history."""
    organisation = get_scoped(Organisation.objects.all(), request.auth, "view", uuid=uuid)
    gaps = [
        {"year": year.year, "metric": g.target.metric, "code": g.target.code, "target": g.target.minimum,
         "measured": g.value, "measured_in": g.measured_in, "gap": g.gap, "confidence": g.target.confidence,
         "source": g.target.source}
        for year in service.gaps(organisation) for g in year.gaps
    ]
    budgets = [row.declaration for row in service.budget_history(organisation)]
    return {"organisation": organisation.uuid, "gaps": gaps, "budgets": budgets}
