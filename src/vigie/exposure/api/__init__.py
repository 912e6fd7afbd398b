"""The exposure API: scope entries (attesting needs a fresh second factor from a browser session), scans
(launch one, follow its job), assets, findings (retest, accept the risk; the bulk export needs a fresh
second factor); audits, imports, the D1.O2.B pair and the report are in api/audits.py. Every queryset goes
through scoped()."""

from datetime import date, datetime
from uuid import UUID

from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from ninja import Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import PageNumberPagination, paginate

from vigie.core.api import get_scoped, operation, require_fresh_second_factor, require_role_at, save_checked
from vigie.core.schemas import JobOut, Message
from vigie.core.scoping import scoped
from vigie.organisations.models import Organisation

from .. import findings as lifecycle
from .. import exports, scope, services
from ..filters import AssetFilter, FindingFilter, ScanFilter, ScopeEntryFilter
from ..models import Asset, Finding, Scan, ScopeEntry

ERRORS = {403: Message, 404: Message}
router = Router(tags=["exposure"])


def _org_uuid(obj) -> UUID:
    return obj.organisation.uuid


class ScopeEntryOut(Schema):
    uuid: UUID
    organisation: UUID
    kind: str
    value: str
    note: str
    attested_by: str
    attested_function: str
    attested_at: datetime | None
    attested_until: date | None
    attested: bool
    url: str

    resolve_organisation = staticmethod(_org_uuid)

    @staticmethod
    def resolve_attested(obj) -> bool:
        return obj.is_attested()

    @staticmethod
    def resolve_url(obj) -> str:
        return obj.get_absolute_url()


class ScopeEntryIn(Schema):
    organisation: UUID
    value: str
    domain: bool = False
    note: str = ""


class ScopeEntryPatch(Schema):
    note: str | None = None


class AttestIn(Schema):  # optional here so that an unknown entry answers 404 first; scope.attest checks
    name: str = ""
    function: str = ""
    until: date | None = None


class ScanOut(Schema):
    uuid: UUID
    organisation: UUID
    kind: str
    source: str
    status: str
    message: str
    finding: UUID | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    targets: list
    hosts_count: int
    services_count: int
    ports_probed: int
    findings_count: int
    refused: list
    errors: list
    diff: dict
    job: UUID | None
    url: str

    resolve_organisation = staticmethod(_org_uuid)

    @staticmethod
    def resolve_finding(obj) -> UUID | None:
        return obj.finding.uuid if obj.finding_id else None

    @staticmethod
    def resolve_job(obj) -> UUID | None:
        return obj.job.uuid if obj.job_id else None

    @staticmethod
    def resolve_url(obj) -> str:
        return obj.get_absolute_url()


class ServiceOut(Schema):
    port: int
    name: str
    product: str
    version: str
    cpe: str
    open: bool
    first_seen: datetime
    last_seen: datetime


class AssetOut(Schema):
    uuid: UUID
    organisation: UUID
    kind: str
    value: str
    names: list
    reverse_name: str
    details: dict
    first_seen: datetime
    last_seen: datetime
    services: list[ServiceOut]

    resolve_organisation = staticmethod(_org_uuid)

    @staticmethod
    def resolve_services(obj) -> list:
        return list(obj.services.all())


class FindingOut(Schema):
    uuid: UUID
    organisation: UUID
    asset: UUID
    target: str
    port: int | None
    check_id: str
    evidence_key: str
    hostname: str
    severity: str
    confidence: str
    title_fr: str
    title_en: str
    evidence: str
    details: dict
    status: str
    first_seen: datetime
    last_seen: datetime
    accepted_until: date | None
    acceptance_reason: str
    url: str

    resolve_organisation = staticmethod(_org_uuid)

    @staticmethod
    def resolve_asset(obj) -> UUID:
        return obj.asset.uuid

    @staticmethod
    def resolve_url(obj) -> str:
        return obj.get_absolute_url()


class AcceptIn(Schema):  # optional here so that an unknown finding answers 404 first; accept_risk checks
    reason: str = ""
    until: date | None = None


def _invalid(exc: ValidationError) -> HttpError:
    return HttpError(422, "; ".join(exc.messages))


# --- scope -------------------------------------------------------------------------------------------------


@operation(router, "GET", "/scope", "exposure_scope_list", ScopeEntry, "view", kind="list",
           response=list[ScopeEntryOut])
@paginate(PageNumberPagination)
def scope_list(request, filters: Query[ScopeEntryFilter.api_query()]):
    return ScopeEntryFilter.for_api(filters, request.auth).filter_queryset(
        scoped(ScopeEntry.objects.select_related("organisation"), request.auth, "view"))


@operation(router, "GET", "/scope/{uuid:uuid}", "exposure_scope_get", ScopeEntry, "view",
           response={200: ScopeEntryOut, **ERRORS})
def scope_get(request, uuid):
    return get_scoped(ScopeEntry.objects.select_related("organisation"), request.auth, "view", uuid=uuid)


@operation(router, "POST", "/scope", "exposure_scope_create", ScopeEntry, "add", kind="create",
           response={201: ScopeEntryOut, **ERRORS, 422: Message})
def scope_create(request, payload: ScopeEntryIn):
    """Add an entry (manager role); it is scanned only once attested."""
    org = get_scoped(Organisation.objects.all(), request.auth, "view", uuid=payload.organisation)
    require_role_at(request.auth, ScopeEntry, "add", org)
    try:
        entry = scope.entry_from(org, payload.value, "domain" if payload.domain else "", payload.note[:300])
        entry.validate_constraints()
    except ValidationError as exc:
        raise _invalid(exc) from None
    entry = save_checked(entry, request.auth, "add")
    scope.ensure_schedule(org)
    return Status(201, entry)


@operation(router, "PATCH", "/scope/{uuid:uuid}", "exposure_scope_patch", ScopeEntry, "change",
           response={200: ScopeEntryOut, **ERRORS, 422: Message})
def scope_patch(request, uuid, payload: ScopeEntryPatch):
    entry = get_scoped(ScopeEntry.objects.select_related("organisation"), request.auth, "change", uuid=uuid)
    if payload.note is not None:
        entry.note = payload.note[:300]
    return save_checked(entry, request.auth, "change", update_fields=["note"])


@operation(router, "POST", "/scope/{uuid:uuid}/attest", "exposure_scope_attest", ScopeEntry, "change",
           response={200: ScopeEntryOut, **ERRORS, 422: Message})
def scope_attest(request, uuid, payload: AttestIn):
    """Record who attests the organisation owns or may test this target (fresh second factor)."""
    entry = get_scoped(ScopeEntry.objects.select_related("organisation"), request.auth, "change", uuid=uuid)
    require_fresh_second_factor(request)
    try:
        scope.attest([entry], user=request.auth, name=payload.name, function=payload.function, until=payload.until)
    except ValidationError as exc:
        raise _invalid(exc) from None
    return entry


@operation(router, "DELETE", "/scope/{uuid:uuid}", "exposure_scope_delete", ScopeEntry, "delete",
           response={204: None, **ERRORS})
def scope_delete(request, uuid):
    get_scoped(ScopeEntry.objects.all(), request.auth, "delete", uuid=uuid).delete()
    return Status(204, None)


# --- scans -------------------------------------------------------------------------------------------------


def _scans():
    return Scan.objects.select_related("organisation", "job", "finding")


@operation(router, "POST", "/organisations/{uuid:uuid}/scan", "exposure_scan_launch", Organisation, "change",
           response={202: JobOut, **ERRORS, 409: Message})
def scan_launch(request, uuid):
    """Scan the organisation's attested scope now; answers the job to poll (`/api/jobs/{uuid}`)."""
    org = get_scoped(Organisation.objects.all(), request.auth, "change", uuid=uuid)
    try:
        scan = services.start_scan(org, request.auth)
    except services.ScanRefused as exc:
        raise HttpError(409, str(exc)) from None
    return Status(202, scan.job)


@operation(router, "GET", "/scans", "exposure_scan_list", Scan, "view", kind="list", response=list[ScanOut])
@paginate(PageNumberPagination)
def scan_list(request, filters: Query[ScanFilter.api_query()]):
    return ScanFilter.for_api(filters, request.auth).filter_queryset(scoped(_scans(), request.auth, "view"))


@operation(router, "GET", "/scans/{uuid:uuid}", "exposure_scan_get", Scan, "view", response={200: ScanOut, **ERRORS})
def scan_get(request, uuid):
    return get_scoped(_scans(), request.auth, "view", uuid=uuid)


# --- assets ------------------------------------------------------------------------------------------------


def _assets():
    return Asset.objects.select_related("organisation").prefetch_related("services")


@operation(router, "GET", "/assets", "exposure_asset_list", Asset, "view", kind="list", response=list[AssetOut])
@paginate(PageNumberPagination)
def asset_list(request, filters: Query[AssetFilter.api_query()]):
    return AssetFilter.for_api(filters, request.auth).filter_queryset(scoped(_assets(), request.auth, "view"))


@operation(router, "GET", "/assets/{uuid:uuid}", "exposure_asset_get", Asset, "view",
           response={200: AssetOut, **ERRORS})
def asset_get(request, uuid):
    return get_scoped(_assets(), request.auth, "view", uuid=uuid)


# --- findings ----------------------------------------------------------------------------------------------


# What FindingOut reads: lists of the million-row table load these columns only.
FINDING_FIELDS = ("uuid", "organisation__uuid", "asset__uuid", "target", "port", "check_id", "evidence_key",
                  "hostname", "severity", "confidence", "title_fr", "title_en", "evidence", "details", "status",
                  "first_seen", "last_seen", "accepted_until", "acceptance_reason")


def _findings():
    return Finding.objects.select_related("organisation", "asset")


@operation(router, "GET", "/findings", "exposure_finding_list", Finding, "view", kind="list",
           response=list[FindingOut])
@paginate(PageNumberPagination)
def finding_list(request, filters: Query[FindingFilter.api_query()]):
    """Findings, a page at a time, filtered by organisation, status (open unless asked), severity or check."""
    return FindingFilter.for_api(filters, request.auth).filter_queryset(
        scoped(_findings().only(*FINDING_FIELDS), request.auth, "view"))


@operation(router, "GET", "/findings/export", "exposure_finding_export", Finding, "export", kind="list",
           response={202: JobOut, 403: Message})
def finding_export(request, filters: Query[FindingFilter.api_query()]):
    """Every matching finding (bulk export), written by a job as a JSON array of the objects of GET /findings:
    answers 202 with the job to poll, whose `download_url` gives the file once done. Needs a fresh second
    factor from a browser session."""
    require_fresh_second_factor(request)
    form = FindingFilter.for_api(filters, request.auth, action="export")
    job = exports.launch_export(request.auth, "json", form.params(), form.cleaned_data["organisation"])
    if job is None:
        raise HttpError(403, gettext("You may export the findings of no organisation."))
    return Status(202, job)


@operation(router, "GET", "/findings/{uuid:uuid}", "exposure_finding_get", Finding, "view",
           response={200: FindingOut, **ERRORS})
def finding_get(request, uuid):
    return get_scoped(_findings(), request.auth, "view", uuid=uuid)


@operation(router, "POST", "/findings/{uuid:uuid}/retest", "exposure_finding_retest", Finding, "change",
           response={202: JobOut, **ERRORS, 409: Message})
def finding_retest(request, uuid):
    """Re-run only this finding's checks on its host and port; answers the job to poll."""
    finding = get_scoped(_findings(), request.auth, "change", uuid=uuid)
    try:
        scan = services.start_retest(finding, request.auth)
    except services.ScanRefused as exc:
        raise HttpError(409, str(exc)) from None
    return Status(202, scan.job)


@operation(router, "POST", "/findings/{uuid:uuid}/accept", "exposure_finding_accept", Finding, "change",
           response={200: FindingOut, **ERRORS, 422: Message})
def finding_accept(request, uuid, payload: AcceptIn):
    """Accept the risk until a date, with a justification; the finding reopens at its expiry."""
    finding = get_scoped(_findings(), request.auth, "change", uuid=uuid)
    try:
        return lifecycle.accept_risk(finding, user=request.auth, reason=payload.reason, until=payload.until)
    except ValidationError as exc:
        raise _invalid(exc) from None


# --- audits, imports, the D1.O2.B pair, the report (api/audits.py) ----------------------------------------

from .audits import router as audits_router  # noqa: E402  (it reads the shapes above)

router.add_router("", audits_router)
