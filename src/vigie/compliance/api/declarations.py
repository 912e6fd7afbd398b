"""API of the funding declarations (and, mounted under it, the trajectories): list, get, prepare, the
workflow steps as POST operations, the evidence pack (a job). Mounted on the compliance router.

Dossiers are found with "view" (members of a GHT see their group's dossier); the service decides who may
take a step and answers 403 otherwise, 409 for a step the workflow does not allow now.
"""

from datetime import date, datetime
from decimal import Decimal
from uuid import UUID

from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from ninja import Query, Router, Schema, Status
from ninja.pagination import PageNumberPagination, paginate

from vigie.core.api import ERRORS, get_scoped, operation, refusals, require_fresh_second_factor
from vigie.core.models import Job
from vigie.core.schemas import JobOut, Message, TenantOut
from vigie.organisations.models import Organisation

from .. import declarations as service
from ..evidence_pack import launch
from ..filters import DeclarationFilter
from ..models import Declaration

CALLS = "programme reference data (funding calls and their dates), the same for every organisation"

router = Router(tags=["declarations"])


class CallDateOut(Schema):
    key: str
    date: date | None
    confidence: str
    source: str
    editable: bool


class FundingCallOut(Schema):
    key: str
    framework: str
    title: dict
    reference: str
    dates: list[CallDateOut]

    @staticmethod
    def resolve_framework(obj) -> str:
        return obj.framework_key

    @staticmethod
    def resolve_dates(obj) -> list:
        return list(obj.dates.all())


class TransitionOut(Schema):
    from_status: str
    to_status: str
    at: datetime
    actor: str
    comment: str

    @staticmethod
    def resolve_actor(obj) -> str:
        return obj.actor_name


class DeclarationOut(TenantOut):
    call: str
    framework: str
    version: str
    status: str
    reference: str
    amount_requested: Decimal | None
    amount_paid: Decimal | None
    note: str
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_call(obj) -> str:
        return obj.call.key

    @staticmethod
    def resolve_framework(obj) -> str:
        return obj.version.framework.key

    @staticmethod
    def resolve_version(obj) -> str:
        return obj.version.version


class DeclarationDetail(DeclarationOut):
    history: list[TransitionOut]
    next_step: str | None

    @staticmethod
    def resolve_history(obj) -> list:
        return list(obj.transitions.all())

    @staticmethod
    def resolve_next_step(obj) -> str | None:
        step = service.next_step(obj)
        return step.name if step else None


class DeclarationIn(Schema):
    organisation: UUID
    call: str
    reference: str = ""
    amount_requested: Decimal | None = None
    note: str = ""


class StepIn(Schema):
    comment: str = ""


class PaymentIn(StepIn):
    amount_paid: Decimal | None = None


DECLARATIONS = Declaration.objects.select_related("organisation", "call", "version__framework")
# The workflow's refusals: a step the caller's side may not take (403), one the workflow does not allow now (409).
REFUSALS = {service.NotAllowed: 403, service.Refused: 409}


@operation(router, "GET", "/funding-calls", "compliance_funding_call_list", None, "", kind="exempt", reason=CALLS,
           response=list[FundingCallOut])
def funding_call_list(request):
    """The funding calls of the programme and their dates, with how sure each date is (C, S, NC)."""
    return service.calls()


# Dossiers stay custom: preparing one and every later step go through the workflow service (declarations.py).
@operation(router, "GET", "/declarations", "compliance_declaration_list", Declaration, "view", kind="list",
           queryset=DECLARATIONS, response=list[DeclarationOut])
@paginate(PageNumberPagination)
def declaration_list(request, items, filters: Query[DeclarationFilter.api_query()]):
    return DeclarationFilter.for_api(filters, request.auth).filter_queryset(items)


@operation(router, "POST", "/declarations", "compliance_declaration_create", Declaration, "add", kind="create",
           response={201: DeclarationDetail, **ERRORS, 422: dict})
def declaration_create(request, payload: DeclarationIn):
    """Prepare a dossier for a candidate (a GHT, or a legal entity outside any GHT) and a call."""
    organisation = get_scoped(Organisation.objects.all(), request.auth, "view", uuid=payload.organisation)
    call = service.calls().filter(key=payload.call).first()
    if call is None:
        raise ValidationError({"call": gettext("Unknown funding call %(call)s.") % {"call": payload.call}})
    with refusals(REFUSALS):
        declaration = service.prepare(organisation=organisation, call=call, user=request.auth,
                                      reference=payload.reference, amount_requested=payload.amount_requested,
                                      note=payload.note)
    return Status(201, DECLARATIONS.get(pk=declaration.pk))


@operation(router, "GET", "/declarations/{uuid:uuid}", "compliance_declaration_get", Declaration, "view",
           queryset=DECLARATIONS, response={200: DeclarationDetail, **ERRORS})
def declaration_get(request, declaration):
    """The dossier, its history (date, actor, comment of every step) and its next step."""
    return declaration


STEP_RESPONSES = {200: DeclarationDetail, **ERRORS, 409: Message}
STEPS = (  # each step of the workflow: its name (and URL), who takes it, what it sends
    ("submit", "Prepared → submitted; by a manager of the candidate.", StepIn),
    ("validate", "Submitted → validated; by the ARS of the candidate's region.", StepIn),
    ("declare", "Validated → objectives declared; by a manager of the candidate.", StepIn),
    ("verify", "Objectives declared → verified; by the ARS of the candidate's region.", StepIn),
    ("pay", "Verified → paid, with the amount paid; by the ARS or the national level.", PaymentIn),
    ("return", "Submitted → prepared, or objectives declared → validated: the ARS returns the dossier to the "
               "establishment; the comment (what to redo) is required.", StepIn),
)


def _declare_step(name: str, doc: str, body: type[StepIn]) -> None:
    """POST /declarations/{uuid}/<name>: the service decides whether the caller's side may take the step."""
    def take(request, declaration, payload: body):
        with refusals(REFUSALS):
            service.require_side(declaration, request.auth)
            service.take(declaration, name, request.auth, payload.comment, **payload.dict(exclude={"comment"}))
        return DECLARATIONS.get(pk=declaration.pk)

    take.__name__, take.__doc__ = f"declaration_{name}", doc
    operation(router, "POST", f"/declarations/{{uuid:uuid}}/{name}", f"compliance_declaration_{name}", Declaration,
              "view", workflow=True, queryset=DECLARATIONS, response=STEP_RESPONSES)(take)


for step in STEPS:
    _declare_step(*step)


@operation(router, "POST", "/declarations/{uuid:uuid}/comments", "compliance_declaration_comment", Declaration,
           "view", workflow=True, queryset=DECLARATIONS, response=STEP_RESPONSES)
def declaration_comment(request, declaration, payload: StepIn):
    """A comment in the dossier's history, its status unchanged; by the candidate's managers or the ARS."""
    with refusals(REFUSALS):
        service.comment_on(declaration, request.auth, payload.comment)
    return DECLARATIONS.get(pk=declaration.pk)


@operation(router, "POST", "/declarations/{uuid:uuid}/evidence-pack", "compliance_declaration_evidence_pack",
           Declaration, "export", queryset=DECLARATIONS, response={202: JobOut, **ERRORS})
def declaration_evidence_pack(request, declaration):
    """Build the evidence pack (ZIP) in the background; poll the job for its file. Needs a recent second
    factor from a browser session, and the right to export the dossier."""
    require_fresh_second_factor(request)
    job = launch(declaration, request.auth)
    return Status(202, Job.objects.select_related("organisation").get(pk=job.pk))


from .trajectories import router as trajectories_router  # noqa: E402

router.add_router("/trajectories", trajectories_router)
