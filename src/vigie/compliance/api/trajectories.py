"""API of the trajectories: identification means of applications, yearly HospiConnect indicators, budget
declarations (list, get, create) and an organisation's gaps to the targets. Rules live in the models'
clean() and in trajectories.py; a refused value answers 422 with the field's message and saves nothing."""

from datetime import date
from decimal import Decimal
from uuid import UUID

from ninja import Router, Schema

from vigie.core.api import ERRORS, create_from, crud, operation
from vigie.core.schemas import TenantOut
from vigie.organisations.models import Organisation

from .. import trajectories as service
from ..models import BudgetDeclaration, IdentityApplication, IdentityIndicators

router = Router(tags=["trajectories"])


class ApplicationIn(Schema):
    organisation: UUID
    name: str
    patient_record: bool = False
    means: list[str]
    pro_sante_connect: bool = False
    homologation: str = IdentityApplication.Homologation.NOT_STARTED
    homologated_on: date | None = None
    note: str = ""


class ApplicationOut(TenantOut):
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


class IndicatorsOut(TenantOut):
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


class BudgetOut(TenantOut):
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


crud(router, IdentityApplication, "/applications", "compliance_identity_application", ApplicationOut,
     queryset=IdentityApplication.objects.select_related("organisation"),
     create=(ApplicationIn, lambda request, payload: create_from(request, IdentityApplication, payload)),
     docs={"create": "An application and its identification means (cps, e_cps, fido, otp, password)."})
crud(router, IdentityIndicators, "/indicators", "compliance_identity_indicators", IndicatorsOut,
     queryset=IdentityIndicators.objects.select_related("organisation"),
     create=(IndicatorsIn, lambda request, payload: create_from(request, IdentityIndicators, payload)),
     docs={"create": "The counts of one year: populations, their two-factor users, DMP consent and consultation."})
crud(router, BudgetDeclaration, "/budgets", "compliance_budget", BudgetOut,
     queryset=BudgetDeclaration.objects.select_related("organisation"),
     create=(BudgetIn, lambda request, payload: create_from(request, BudgetDeclaration, payload,
                                                            declared_by=request.auth)),
     docs={"create": "Total, digital and cyber budgets of a year; the share is compared with the 2 % target."})


@operation(router, "GET", "/organisations/{uuid:uuid}", "compliance_trajectory_get", Organisation, "view",
           response={200: TrajectoryOut, **ERRORS})
def trajectory_get(request, organisation):
    """An organisation's gaps to the HospiConnect targets, year by year, and its budget history.
    Custom: computed from the organisation's records, not a stored object."""
    gaps = [
        {"year": year.year, "metric": g.target.metric, "code": g.target.code, "target": g.target.minimum,
         "measured": g.value, "measured_in": g.measured_in, "gap": g.gap, "confidence": g.target.confidence,
         "source": g.target.source}
        for year in service.gaps(organisation) for g in year.gaps
    ]
    budgets = [row.declaration for row in service.budget_history(organisation)]
    return {"organisation": organisation.uuid, "gaps": gaps, "budgets": budgets}
