"""Funding declarations: the calls' dates (data), preparing a dossier, and its workflow.

    prepared --submit--> submitted --validate--> validated --declare--> declared --verify--> verified --pay--> paid

Who may take each step:
- the establishment (prepare, submit, declare): a manager or administrator holding the role on the
  candidate itself — the GHT for a GHT's dossier, the legal entity for one outside any GHT. A role held
  only on the region or national node above does not make someone the establishment;
- the ARS (validate, verify, return): an ARS referent (core.roles) or more on the candidate's region node;
- payment: the ARS, or a contributor or more on the national node.

The ARS may also **return** a dossier to the establishment, with a mandatory comment: submitted → prepared
(the application is to be completed, then submitted again) or declared → validated (the declaration of the
objectives reached is to be redone). Both sides may comment on a dossier at any time: a comment is a
`DeclarationTransition` whose status does not change. Someone on no side (a mere reader) may only read it.
Platform superusers may take every step. A step is a conditional update (only from its one source status),
then a `DeclarationTransition` row and an audit event, in one transaction: anything else is refused with
a message saying what the dossier's next step is.
"""

import hashlib
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

import yaml
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vigie.accounts.audit import record
from vigie.accounts.models import AuditEvent, RoleAssignment
from vigie.core.roles import Role

from .library import ensure_bundled
from .models import CallDate, Confidence, Declaration, DeclarationTransition, FrameworkVersion, FundingCall

DATA_FILE = Path(__file__).parent / "data" / "programme.yaml"
Status = Declaration.Status


class Refused(Exception):
    """A step the workflow does not allow now; the message says why and is shown as it is."""


class NotAllowed(Refused):
    """The user's roles do not allow this step (pages and API answer 403)."""


# --- programme data --------------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def programme() -> dict:
    content = DATA_FILE.read_bytes()
    data = yaml.safe_load(content)
    data["sha256"] = hashlib.sha256(content).hexdigest()
    return data


def budget_target() -> dict:
    """{"share_percent": Decimal, "confidence": "S", "source": "…"} from the data file."""
    target = dict(programme()["budget_target"])
    target["share_percent"] = Decimal(str(target["share_percent"]))
    return target


def _date(value) -> date | None:
    if value in (None, ""):
        return None
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def ensure_calls() -> None:
    """Create or refresh the calls from the data file. A date an administrator edited is kept, unless the
    file now confirms it (C): confirmed dates always come from the file."""
    data = programme()
    if FundingCall.objects.filter(data_sha256=data["sha256"]).count() == len(data["calls"]):
        return
    with transaction.atomic():
        for position, entry in enumerate(data["calls"]):
            call, _created = FundingCall.objects.update_or_create(key=entry["key"], defaults={
                "framework_key": entry["framework"], "title": entry["title"], "reference": entry.get("reference", ""),
                "url": entry.get("url", ""), "position": position, "data_sha256": data["sha256"],
            })
            for key, value in entry.get("dates", {}).items():
                fields = {"date": _date(value.get("date")), "confidence": value.get("confidence", "NC"),
                          "source": value.get("source", "")}
                row = CallDate.objects.filter(call=call, key=key).first()
                if row is None:
                    CallDate.objects.create(call=call, key=key, **fields)
                elif row.edited_at is None or fields["confidence"] == Confidence.CONFIRMED:
                    for name, field_value in fields.items():
                        setattr(row, name, field_value)
                    row.edited_by, row.edited_at = None, None
                    row.save()


def calls():
    ensure_calls()
    return FundingCall.objects.prefetch_related("dates")


def may_edit_dates(user) -> bool:
    """Platform administrators: superusers and administrators of the national node."""
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or RoleAssignment.objects.filter(
        user=user, role__gte=Role.ADMIN, organisation__kind="national").exists()


def edit_date(row: CallDate, user, *, value: date | None, source: str) -> CallDate:
    if not may_edit_dates(user):
        raise NotAllowed(_("Only platform administrators may change the programme's dates."))
    if not row.editable:
        raise Refused(_("This date comes from an official text: it changes only with a new data file."))
    row.date, row.source, row.edited_by, row.edited_at = value, source, user, timezone.now()
    row.full_clean()
    row.save()
    return row


# --- who may do what --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Side:
    key: str
    kinds: tuple[str, ...]
    minimum: Role
    label: Promise


ESTABLISHMENT = Side("establishment", ("ght", "legal_entity"), Role.MANAGER,
                     gettext_lazy("a manager of the candidate establishment"))
ARS = Side("ars", ("region",), Role.ARS_REFERENT, gettext_lazy("the ARS of the candidate's region"))
PAYER = Side("payer", ("region", "national"), Role.CONTRIBUTOR, gettext_lazy("the ARS or the national level"))


def acts_as(user, side: Side, organisation) -> bool:
    """Whether the user holds, on the candidate or one of its ancestors of the side's kinds, at least the
    side's role (one query over the few ancestors)."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    prefixes = [organisation.path[: 7 * i] for i in range(1, organisation.depth + 1)]
    return RoleAssignment.objects.filter(
        user=user, role__gte=side.minimum, organisation__path__in=prefixes, organisation__kind__in=side.kinds,
    ).exists()


# --- the workflow -----------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Step:
    name: str
    source: str
    target: str
    side: Side
    label: Promise


STEPS = (
    Step("submit", Status.PREPARED, Status.SUBMITTED, ESTABLISHMENT, gettext_lazy("Submit the application")),
    Step("validate", Status.SUBMITTED, Status.VALIDATED, ARS, gettext_lazy("Validate the application (ARS)")),
    Step("declare", Status.VALIDATED, Status.DECLARED, ESTABLISHMENT,
         gettext_lazy("Declare the objectives reached")),
    Step("verify", Status.DECLARED, Status.VERIFIED, ARS, gettext_lazy("Verify the declaration (ARS)")),
    Step("pay", Status.VERIFIED, Status.PAID, PAYER, gettext_lazy("Record the payment")),
)
BY_NAME = {step.name: step for step in STEPS}
BY_TARGET = {step.target: step for step in STEPS}
# Sending a dossier back one step: the ARS, with a comment saying what to redo.
RETURNS = {
    Status.SUBMITTED: Step("return", Status.SUBMITTED, Status.PREPARED, ARS,
                           gettext_lazy("Return the application to the establishment (ARS)")),
    Status.DECLARED: Step("return", Status.DECLARED, Status.VALIDATED, ARS,
                          gettext_lazy("Return the declaration to the establishment (ARS)")),
}
SIDES = (ESTABLISHMENT, ARS, PAYER)


def next_step(declaration: Declaration) -> Step | None:
    return next((s for s in STEPS if s.source == declaration.status), None)


def allowed_steps(declaration: Declaration, user) -> list[Step]:
    """The steps this user may take now, the return to the establishment included (the pages show only
    these buttons)."""
    steps = [next_step(declaration), RETURNS.get(declaration.status)]
    return [s for s in steps if s is not None and acts_as(user, s.side, declaration.organisation)]


def on_a_side(declaration: Declaration, user) -> bool:
    """Whether the user acts on the dossier at all: the candidate's managers, the ARS, the payer."""
    return any(acts_as(user, side, declaration.organisation) for side in SIDES)


def require_side(declaration: Declaration, user) -> None:
    """Workflow routes find the dossier with "view"; a reader on no side is refused before anything else."""
    if not on_a_side(declaration, user):
        raise NotAllowed(_("Your role lets you read this dossier, not act on it: only the candidate's managers "
                           "and the ARS of its region take its steps and comment on it."))


def _label(status: str) -> str:
    return str(Status(status).label) if status in Status.values else status


def _jump_refused(declaration: Declaration, target: str) -> Refused:
    following = next_step(declaration)
    if following is None:
        return Refused(_("The dossier is %(status)s: its workflow is over, it cannot become %(target)s.") % {
            "status": _label(declaration.status), "target": _label(target)})
    return Refused(_("A dossier that is %(status)s cannot become %(target)s; its next step is: %(next)s.") % {
        "status": _label(declaration.status), "target": _label(target), "next": following.label})


def advance(declaration: Declaration, target: str, user, comment: str = "", *,
            amount_paid: Decimal | None = None) -> DeclarationTransition:
    """Move the dossier to `target` if that is its next step and the user may take it."""
    step = BY_TARGET.get(target)
    if target not in Status.values:
        raise Refused(_("Unknown status %(target)s.") % {"target": target})
    if step is None or step.source != declaration.status:
        raise _jump_refused(declaration, target)
    if not acts_as(user, step.side, declaration.organisation):
        raise NotAllowed(_("Only %(who)s may take this step: %(step)s.") % {"who": step.side.label,
                                                                             "step": step.label})
    fields = {"status": step.target}
    if step.name == "pay":
        if amount_paid is not None and amount_paid < 0:
            raise Refused(_("An amount paid cannot be negative."))
        fields["amount_paid"] = amount_paid
    return _move(declaration, step, user, comment, fields, amount_paid)


def send_back(declaration: Declaration, user, comment: str) -> DeclarationTransition:
    """The ARS returns the dossier to the establishment one step back; the comment says what to redo."""
    step = RETURNS.get(declaration.status)
    if step is None:
        raise Refused(_("A dossier that is %(status)s cannot be returned: only a submitted application or "
                        "declared objectives can.") % {"status": _label(declaration.status)})
    if not acts_as(user, step.side, declaration.organisation):
        raise NotAllowed(_("Only %(who)s may take this step: %(step)s.") % {"who": step.side.label,
                                                                             "step": step.label})
    if not (comment or "").strip():
        raise Refused(_("Say in the comment why the dossier is returned and what the establishment should redo."))
    return _move(declaration, step, user, comment.strip(), {"status": step.target})


def _move(declaration, step: Step, user, comment: str, fields: dict, amount_paid=None) -> DeclarationTransition:
    """The conditional update from the step's source status, its history row and audit event, at once."""
    now = timezone.now()
    with transaction.atomic():
        moved = Declaration.objects.filter(pk=declaration.pk, status=step.source).update(updated_at=now, **fields)
        if moved != 1:  # someone else took a step meanwhile
            declaration.refresh_from_db(fields=["status"])
            raise _jump_refused(declaration, step.target)
        history = DeclarationTransition.objects.create(
            declaration=declaration, from_status=step.source, to_status=step.target, at=now, actor=user,
            actor_name=user.get_username(), comment=comment or "",
        )
        changes = {"status": {"from": step.source, "to": step.target}, "step": step.name, "comment": comment or ""}
        if "amount_paid" in fields and amount_paid is not None:
            changes["amount_paid"] = str(amount_paid)
        record(AuditEvent.Action.CHANGE, obj=declaration, user=user, changes=changes)
    for name, value in fields.items():
        setattr(declaration, name, value)
    return history


def comment_on(declaration: Declaration, user, text: str) -> DeclarationTransition:
    """A comment from either side, recorded in the history without changing the dossier's status."""
    require_side(declaration, user)
    text = (text or "").strip()
    if not text:
        raise Refused(_("Write the comment before sending it."))
    return DeclarationTransition.objects.create(
        declaration=declaration, from_status=declaration.status, to_status=declaration.status, at=timezone.now(),
        actor=user, actor_name=user.get_username(), comment=text,
    )


def take(declaration: Declaration, step_name: str, user, comment: str = "", **options) -> DeclarationTransition:
    if step_name == "return":
        return send_back(declaration, user, comment)
    step = BY_NAME.get(step_name)
    if step is None:
        raise Refused(_("Unknown step %(step)s.") % {"step": step_name})
    return advance(declaration, step.target, user, comment, **options)


def submit(declaration, user, comment=""):
    return advance(declaration, Status.SUBMITTED, user, comment)


def validate(declaration, user, comment=""):
    return advance(declaration, Status.VALIDATED, user, comment)


def declare_objectives(declaration, user, comment=""):
    return advance(declaration, Status.DECLARED, user, comment)


def verify(declaration, user, comment=""):
    return advance(declaration, Status.VERIFIED, user, comment)


def record_payment(declaration, user, comment="", amount_paid=None):
    return advance(declaration, Status.PAID, user, comment, amount_paid=amount_paid)


# --- preparing and editing --------------------------------------------------------------------------------------


def prepare(*, organisation, call: FundingCall, user, reference: str = "", amount_requested=None,
            note: str = "") -> Declaration:
    """A new dossier, prepared by a manager of the candidate, on the latest version of the call's framework."""
    if not acts_as(user, ESTABLISHMENT, organisation):
        raise NotAllowed(_("Only a manager of the candidate (the GHT, or a legal entity outside any GHT) may "
                           "prepare its dossier."))
    ensure_bundled()
    version = FrameworkVersion.objects.filter(framework__key=call.framework_key).order_by("-loaded_at").first()
    if version is None:
        raise Refused(_("The framework %(key)s of this call is not loaded.") % {"key": call.framework_key})
    if Declaration.objects.filter(organisation=organisation, call=call).exists():
        raise ValidationError({"call": _("%(candidate)s already has a dossier for %(call)s.") % {
            "candidate": organisation.name, "call": call}})
    declaration = Declaration(organisation=organisation, call=call, version=version, reference=reference or "",
                              amount_requested=amount_requested, note=note or "", created_by=user)
    with transaction.atomic():
        declaration.full_clean()
        declaration.save()
        DeclarationTransition.objects.create(declaration=declaration, from_status="", to_status=Status.PREPARED,
                                             at=timezone.now(), actor=user, actor_name=user.get_username())
    return declaration


EDITABLE_FIELDS = ("reference", "amount_requested", "note")


def check_editable(declaration: Declaration, user) -> None:
    if declaration.status != Status.PREPARED:
        raise Refused(_("Once submitted, a dossier's details no longer change."))
    if not acts_as(user, ESTABLISHMENT, declaration.organisation):
        raise NotAllowed(_("Only a manager of the candidate may change its dossier."))


def may_edit(declaration: Declaration, user) -> bool:
    try:
        check_editable(declaration, user)
    except Refused:
        return False
    return True


def update(declaration: Declaration, user, **values) -> Declaration:
    """The establishment's own fields, while the dossier is being prepared."""
    check_editable(declaration, user)
    for name in EDITABLE_FIELDS:
        if name in values:
            value = values[name]
            setattr(declaration, name, value if value is not None or name == "amount_requested" else "")
    declaration.full_clean()
    declaration.save(update_fields=[*EDITABLE_FIELDS, "updated_at"])
    return declaration


# --- dates ---------------------------------------------------------------------------------------------------


# The date a dossier in each status must have moved on by (shown, not enforced: several are not confirmed).
DATE_FOR_STATUS = {Status.PREPARED: CallDate.Key.APPLICATION_CLOSES, Status.SUBMITTED: CallDate.Key.DECLARATION_DEADLINE,
                   Status.VALIDATED: CallDate.Key.DECLARATION_DEADLINE}


def next_date(declaration: Declaration, status: str | None = None) -> date | None:
    """The call's date by which a dossier in `status` (its own by default) must have moved on, if any."""
    key = DATE_FOR_STATUS.get(status or declaration.status)
    return declaration.call.date_of(key) if key else None


def warnings(declaration: Declaration, today: date) -> list[str]:
    """Dates of the call the dossier is late for."""
    day = next_date(declaration)
    if day is None or day >= today:
        return []
    if declaration.status == Status.PREPARED:
        return [_("The application window closed on %(date)s.") % {"date": date_format(day, "SHORT_DATE_FORMAT")}]
    return [_("The deadline to declare the objectives reached was %(date)s.") % {
        "date": date_format(day, "SHORT_DATE_FORMAT")}]
