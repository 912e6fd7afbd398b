"""The exposure API: scope entries (attesting needs a fresh second factor from a browser session), scans
(launch one, follow its job), assets, findings (retest, accept the risk; the bulk export needs a fresh
second factor); audits, imports, the D1.O2.B pair and the report are in api/audits.py. Reads and the scope's
writes are core.api.crud's; what starts a job or changes a finding's lifecycle is declared one by one."""

from datetime import date, datetime
from uuid import UUID

from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from ninja import Query, Router, Schema, Status
from ninja.errors import HttpError

from vigie.core.api import (
    ERRORS,
    crud,
    operation,
    organisation_to_add,
    refusals,
    require_fresh_second_factor,
    save_checked,
)
from vigie.core.schemas import JobOut, Message, TenantOut, uuid_of
from vigie.organisations.models import Organisation

from .. import findings as lifecycle
from .. import exports, scope, services
from ..filters import AssetFilter, FindingFilter, ScanFilter, ScopeEntryFilter
from ..models import Asset, Finding, Scan, ScopeEntry

router = Router(tags=["exposure"])


class ScopeEntryOut(TenantOut):
    kind: str
    value: str
    note: str
    attested_by: str
    attested_function: str
    attested_at: datetime | None
    attested_until: date | None
    attested: bool
    url: str

    @staticmethod
    def resolve_attested(obj) -> bool:
        return obj.is_attested()


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


class ScanOut(TenantOut):
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

    resolve_finding = uuid_of("finding")


class ServiceOut(Schema):
    port: int
    name: str
    product: str
    version: str
    cpe: str
    open: bool
    first_seen: datetime
    last_seen: datetime


class AssetOut(TenantOut):
    kind: str
    value: str
    names: list
    reverse_name: str
    details: dict
    first_seen: datetime
    last_seen: datetime
    services: list[ServiceOut]

    @staticmethod
    def resolve_services(obj) -> list:
        return list(obj.services.all())


class FindingOut(TenantOut):
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

    resolve_asset = uuid_of("asset")


class AcceptIn(Schema):  # optional here so that an unknown finding answers 404 first; accept_risk checks
    reason: str = ""
    until: date | None = None


INVALID = {ValidationError: 422}  # a rule refused the value: 422 with its sentence(s)
SENTENCE = {422: Message}  # the scope's and findings' refusals are one sentence, not field errors


# --- scope -------------------------------------------------------------------------------------------------


def _create_entry(request, payload: ScopeEntryIn):
    """Add an entry (manager role); it is scanned only once attested."""
    org = organisation_to_add(request.auth, ScopeEntry, payload.organisation)
    with refusals(INVALID):
        entry = scope.entry_from(org, payload.value, "domain" if payload.domain else "", payload.note[:300])
        entry.validate_constraints()
    entry = save_checked(entry, request.auth, "add")
    scope.ensure_schedule(org)
    return entry


def _change_entry(request, entry: ScopeEntry, fields: dict):
    if fields.get("note") is not None:
        entry.note = fields["note"][:300]
    return save_checked(entry, request.auth, "change", update_fields=["note"])


SCOPE = ScopeEntry.objects.select_related("organisation")
crud(router, ScopeEntry, "/scope", "exposure_scope", ScopeEntryOut, queryset=SCOPE, filters=ScopeEntryFilter,
     create=(ScopeEntryIn, _create_entry), change=(ScopeEntryPatch, _change_entry),
     delete=True, docs={"create": _create_entry.__doc__}, errors={"create": SENTENCE, "patch": SENTENCE})


@operation(router, "POST", "/scope/{uuid:uuid}/attest", "exposure_scope_attest", ScopeEntry, "change",
           queryset=SCOPE, response={200: ScopeEntryOut, **ERRORS, 422: Message})
def scope_attest(request, entry, payload: AttestIn):
    """Record who attests the organisation owns or may test this target (fresh second factor).
    Custom: an attestation is a signed statement, not a field change."""
    require_fresh_second_factor(request)
    with refusals(INVALID):
        scope.attest([entry], user=request.auth, name=payload.name, function=payload.function, until=payload.until)
    return entry


# --- scans -------------------------------------------------------------------------------------------------


@operation(router, "POST", "/organisations/{uuid:uuid}/scan", "exposure_scan_launch", Organisation, "change",
           response={202: JobOut, **ERRORS, 409: Message})
def scan_launch(request, org):
    """Scan the organisation's attested scope now; answers the job to poll (`/api/jobs/{uuid}`).
    Custom: it starts a job."""
    with refusals({services.ScanRefused: 409}):
        scan = services.start_scan(org, request.auth)
    return Status(202, scan.job)


crud(router, Scan, "/scans", "exposure_scan", ScanOut,
     queryset=Scan.objects.select_related("organisation", "job", "finding"), filters=ScanFilter)


# --- assets ------------------------------------------------------------------------------------------------


crud(router, Asset, "/assets", "exposure_asset", AssetOut,
     queryset=Asset.objects.select_related("organisation").prefetch_related("services"), filters=AssetFilter)


# --- findings ----------------------------------------------------------------------------------------------


# What FindingOut reads: lists of the million-row table load these columns only.
FINDING_FIELDS = ("uuid", "organisation__uuid", "asset__uuid", "target", "port", "check_id", "evidence_key",
                  "hostname", "severity", "confidence", "title_fr", "title_en", "evidence", "details", "status",
                  "first_seen", "last_seen", "accepted_until", "acceptance_reason")
FINDINGS = Finding.objects.select_related("organisation", "asset")


def _listed(request, rows):
    """Findings, a page at a time, filtered by organisation, status (open unless asked), severity or check."""
    return rows.only(*FINDING_FIELDS)  # the list's columns only: the rows are many


@operation(router, "GET", "/findings/export", "exposure_finding_export", Finding, "export", kind="list",
           response={202: JobOut, 403: Message})
def finding_export(request, _rows, filters: Query[FindingFilter.api_query()]):
    """Every matching finding (bulk export), written by a job as a JSON array of the objects of GET /findings:
    answers 202 with the job to poll, whose `download_url` gives the file once done. Needs a fresh second
    factor from a browser session."""
    # Custom: a job writes the file; it selects the rows itself (exports.launch_export), not from `_rows`.
    require_fresh_second_factor(request)
    form = FindingFilter.for_api(filters, request.auth, action="export")
    # The job is kept on the organisation chosen, or else on the highest one the filter offers (where the user
    # may export findings): the roles were read once, for the filter.
    anchor = form.cleaned_data["organisation"] or form.fields["organisation"].queryset.first()
    job = exports.launch_export(request.auth, "json", form.params(), anchor)
    if job is None:
        raise HttpError(403, gettext("You may export the findings of no organisation."))
    return Status(202, job)


crud(router, Finding, "/findings", "exposure_finding", FindingOut, queryset=FINDINGS, filters=FindingFilter,
     listed=_listed, docs={"list": _listed.__doc__})


@operation(router, "POST", "/findings/{uuid:uuid}/retest", "exposure_finding_retest", Finding, "change",
           queryset=FINDINGS, response={202: JobOut, **ERRORS, 409: Message})
def finding_retest(request, finding):
    """Re-run only this finding's checks on its host and port; answers the job to poll. Custom: it starts a job."""
    with refusals({services.ScanRefused: 409}):
        scan = services.start_retest(finding, request.auth)
    return Status(202, scan.job)


@operation(router, "POST", "/findings/{uuid:uuid}/accept", "exposure_finding_accept", Finding, "change",
           queryset=FINDINGS, response={200: FindingOut, **ERRORS, 422: Message})
def finding_accept(request, finding, payload: AcceptIn):
    """Accept the risk until a date, with a justification; the finding reopens at its expiry.
    Custom: a step of the finding's lifecycle (findings.accept_risk)."""
    with refusals(INVALID):
        return lifecycle.accept_risk(finding, user=request.auth, reason=payload.reason, until=payload.until)


# --- audits, imports, the D1.O2.B pair, the report (api/audits.py) ----------------------------------------

from .audits import router as audits_router  # noqa: E402  (it reads the shapes above)

router.add_router("", audits_router)
