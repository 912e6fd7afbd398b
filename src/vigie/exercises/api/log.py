"""Crisis log and incident API (mounted under /api/exercises/).

Log entries are append-only: the only write is POST …/entries; there is no PUT, PATCH or DELETE on an entry,
and the number and time-stamp come from the server (any client value is ignored). Each operation's
declaration fetches its object (core.api); rules live in the models and the services, the schemas here
describe shape only. Not core.api.crud: the lists are not paged (newest 200), writes go through the
services (a log is created with its incident, entries are appended) and a refusal answers one sentence.
"""

import datetime
from uuid import UUID

from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from ninja import PatchDict, Query, Router, Schema, Status
from ninja.errors import HttpError

from vigie.accounts import audit
from vigie.accounts.models import AuditEvent
from vigie.core.api import ERRORS, change_fields, operation, organisation_to_add, refusals, require_fresh_second_factor
from vigie.core.schemas import Message, TenantOut, uuid_of

from .. import declaration
from .. import incidents as incident_services
from .. import log as log_services
from ..filters import CrisisLogFilter, IncidentFilter
from ..models import CrisisLog, Incident, LogEntry

MAX_ENTRIES = 500
router = Router(tags=["crisis log and incidents"])


# --- shapes ----------------------------------------------------------------------------------------------


class LogOut(TenantOut):
    title: str
    kind: str
    opened_at: datetime.datetime
    closed_at: datetime.datetime | None
    last_seq: int


class EntryOut(Schema):
    uuid: UUID
    seq: int
    recorded_at: datetime.datetime
    author: str
    category: str
    text: str
    corrects: int | None
    corrected_by: list[int]

    @staticmethod
    def resolve_author(obj) -> str:
        return obj.author_name

    @staticmethod
    def resolve_corrects(obj) -> int | None:
        return obj.corrects.seq if obj.corrects_id else None

    @staticmethod
    def resolve_corrected_by(obj) -> list[int]:
        return sorted(c.seq for c in obj.corrections.all())


class EntriesOut(Schema):
    log: UUID
    last_seq: int
    entries: list[EntryOut]


class EntryIn(Schema):
    """What a writer sends; the number, time-stamp and author are the server's (other fields are ignored).
    Defaults are checked after the lookup, so a log the caller cannot see answers 404 first."""
    category: str = ""
    text: str = ""
    corrects: int | None = None


class EntriesQuery(Schema):
    since: int = 0


class CategoryOut(Schema):
    code: str
    kind: str
    title: str
    source: str


class DelayOut(Schema):
    hours: float
    threshold_hours: float
    declared: bool
    over: bool


class IncidentFields(Schema):
    title: str
    detected_at: datetime.datetime
    status: Incident.Status = Incident.Status.DETECTED
    structure_name: str = ""
    structure_finess: str = ""
    declarant_name: str = ""
    declarant_role: str = ""
    declarant_email: str = ""
    declarant_phone: str = ""
    discovered_at: datetime.datetime | None = None
    perimeter: str = ""
    systems_concerned: str = ""
    data_concerned: str = ""
    handling: Incident.Handling = Incident.Handling.NOT_STARTED
    impact_data: Incident.DataImpact = Incident.DataImpact.UNKNOWN
    impact_data_detail: str = ""
    impact_persons: Incident.PersonsImpact = Incident.PersonsImpact.UNKNOWN
    impact_persons_detail: str = ""
    impact_system: Incident.SystemImpact = Incident.SystemImpact.UNKNOWN
    impact_system_detail: str = ""
    impact_structure: Incident.StructureImpact = Incident.StructureImpact.UNKNOWN
    impact_structure_detail: str = ""
    cause_knowledge: Incident.CauseKnowledge = Incident.CauseKnowledge.UNKNOWN
    cause_type: Incident.CauseType = Incident.CauseType.UNKNOWN
    causes: str = ""
    categories: list[str] = []


class IncidentIn(IncidentFields):
    organisation: UUID


class IncidentOut(IncidentFields, TenantOut):
    log: UUID
    declared_at: datetime.datetime | None
    declaration_reference: str
    significant: bool
    significance_level: str
    reasons: list[CategoryOut]
    delay: DelayOut

    resolve_log = uuid_of("log")

    @staticmethod
    def resolve_significant(obj) -> bool:
        return incident_services.significance(obj).to_declare

    @staticmethod
    def resolve_significance_level(obj) -> str:
        return incident_services.significance(obj).level

    @staticmethod
    def resolve_reasons(obj) -> list[dict]:
        return [{"code": c.code, "kind": c.kind, "title": c.title, "source": c.source}
                for c in incident_services.significance(obj).reasons]

    @staticmethod
    def resolve_delay(obj) -> dict:
        delay = incident_services.declaration_delay(obj)
        return {"hours": delay.hours, "threshold_hours": delay.threshold_hours,
                "declared": delay.declared, "over": delay.over}


class DeclarationTextOut(Schema):
    uuid: UUID
    text: str


class DeclareIn(Schema):
    reference: str = ""  # checked after the lookup (404 first), by declaration.declare
    declared_at: datetime.datetime | None = None


INVALID = {ValidationError: 422}  # a model's rule refused the write: 422 with its sentence(s)


# --- logs ------------------------------------------------------------------------------------------------


LOGS = CrisisLog.objects.select_related("organisation")


@operation(router, "GET", "/logs", "crisis_log_list", CrisisLog, "view", kind="list", queryset=LOGS,
           response=list[LogOut])
def crisis_log_list(request, logs, filters: Query[CrisisLogFilter.api_query()]):
    """The crisis logs the caller may see, newest first (at most 200)."""
    return list(CrisisLogFilter.for_api(filters, request.auth).filter_queryset(logs)[:200])


@operation(router, "GET", "/logs/{uuid:uuid}", "crisis_log_get", CrisisLog, "view", queryset=LOGS,
           response={200: LogOut, **ERRORS})
def crisis_log_get(request, log):
    return log


@operation(router, "GET", "/logs/{uuid:uuid}/entries", "crisis_log_entries", CrisisLog, "view", queryset=LOGS,
           response={200: EntriesOut, **ERRORS})
def crisis_log_entries(request, log, query: Query[EntriesQuery]):
    """Entries numbered after `since` (0: from the start), in order, at most 500 at a time."""
    rows = list(log_services.entries(log, max(0, query.since))[:MAX_ENTRIES])
    return {"log": log.uuid, "last_seq": rows[-1].seq if rows else max(0, query.since), "entries": rows}


@operation(router, "POST", "/logs/{uuid:uuid}/entries", "crisis_log_append", CrisisLog, "add",
           queryset=LOGS, response={201: EntryOut, **ERRORS, 409: Message, 422: dict})
def crisis_log_append(request, log, payload: EntryIn):
    """Append an entry; `corrects` names the number of an entry of the same log that this one corrects."""
    corrects = None
    if payload.corrects is not None:
        corrects = LogEntry.objects.filter(log=log, seq=payload.corrects).first()
        if corrects is None:
            raise HttpError(422, gettext("No entry with this number in this log."))
    with refusals({log_services.LogClosed: 409, **INVALID}):
        entry = log_services.append_entry(log, author=request.auth, category=payload.category,
                                          text=payload.text, corrects=corrects)
    return Status(201, log_services.entries(log, entry.seq - 1).get(pk=entry.pk))


# --- incidents -------------------------------------------------------------------------------------------


INCIDENTS = Incident.objects.select_related("organisation", "log")


@operation(router, "GET", "/incidents", "incident_list", Incident, "view", kind="list", queryset=INCIDENTS,
           response=list[IncidentOut])
def incident_list(request, incidents, filters: Query[IncidentFilter.api_query()]):
    """The incidents the caller may see, most recently detected first (at most 200)."""
    return list(IncidentFilter.for_api(filters, request.auth).filter_queryset(incidents)[:200])


@operation(router, "POST", "/incidents", "incident_create", Incident, "add", kind="create",
           response={201: IncidentOut, **ERRORS, 422: dict})
def incident_create(request, payload: IncidentIn):
    """Create an incident with its crisis log (contributor role on the organisation)."""
    org = organisation_to_add(request.auth, Incident, payload.organisation)
    fields = payload.dict(exclude={"organisation", "title", "detected_at"})
    with refusals(INVALID):
        incident = incident_services.create_incident(organisation=org, title=payload.title,
                                                     detected_at=payload.detected_at, user=request.auth, **fields)
    return Status(201, INCIDENTS.get(pk=incident.pk))


@operation(router, "GET", "/incidents/{uuid:uuid}", "incident_get", Incident, "view",
           queryset=INCIDENTS, response={200: IncidentOut, **ERRORS})
def incident_get(request, incident):
    return incident


@operation(router, "PATCH", "/incidents/{uuid:uuid}", "incident_update", Incident, "change",
           queryset=INCIDENTS, response={200: IncidentOut, **ERRORS, 422: dict})
def incident_update(request, incident, payload: PatchDict[IncidentFields]):
    """Change the given fields (the declaration record itself is set by …/declare)."""
    if payload:
        with refusals(INVALID):
            change_fields(request, incident, dict(payload))
    return INCIDENTS.get(pk=incident.pk)


@operation(router, "GET", "/incidents/{uuid:uuid}/declaration", "incident_declaration_text", Incident, "export",
           queryset=INCIDENTS, response={200: DeclarationTextOut, **ERRORS})
def incident_declaration_text(request, incident):
    """The declaration as text to paste into the national portal, block by block in the portal's order."""
    audit.record(AuditEvent.Action.EXPORT, obj=incident, user=request.auth, changes={"format": "text"})
    return {"uuid": incident.uuid, "text": declaration.declaration_text(incident)}


@operation(router, "POST", "/incidents/{uuid:uuid}/declare", "incident_declare", Incident, "declare",
           queryset=INCIDENTS, response={200: IncidentOut, **ERRORS, 422: dict})
def incident_declare(request, incident, payload: DeclareIn):
    """Record the declaration made on the national portal (manager role, fresh second factor)."""
    require_fresh_second_factor(request)
    with refusals(INVALID):
        declaration.declare(incident, user=request.auth, reference=payload.reference,
                            declared_at=payload.declared_at)
    return INCIDENTS.get(pk=incident.pk)
