"""The directory API: directories (the password is write-only, entering it needs a fresh second factor
from a browser session), audits, launching an audit, failing checks. Every queryset goes through scoped()."""

from datetime import date, datetime
from uuid import UUID

from ninja import Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import PageNumberPagination, paginate

from vigie.core.api import (
    get_scoped,
    operation,
    require_fresh_second_factor,
    require_role_at,
    save_checked,
)
from vigie.core.schemas import JobOut, Message
from vigie.core.scoping import scoped
from vigie.organisations.models import Organisation

from . import services
from .filters import AuditFilter, DirectoryFilter, FindingFilter
from .models import Audit, AuthMethod, Directory, Finding, Security

ERRORS = {403: Message, 404: Message}
router = Router(tags=["directory"])


class DirectoryOut(Schema):
    uuid: UUID
    organisation: UUID
    name: str
    domain: str
    dedicated_backup: bool
    server: str
    port: int
    security: str
    auth_method: str
    username: str
    kerberos_host: str
    base_dn: str
    ca_certificate: str
    verify_certificate: bool
    password_set: bool
    scheduled: bool
    audit_every_months: int
    next_due: date | None
    url: str

    @staticmethod
    def resolve_organisation(obj) -> UUID:
        return obj.organisation.uuid

    @staticmethod
    def resolve_password_set(obj) -> bool:
        return obj.has_password

    @staticmethod
    def resolve_url(obj) -> str:
        return obj.get_absolute_url()


class DirectoryIn(Schema):
    organisation: UUID
    name: str
    domain: str
    dedicated_backup: bool = False
    server: str = ""
    port: int = 0
    security: Security = Security.LDAPS
    auth_method: AuthMethod = AuthMethod.SIMPLE
    username: str = ""
    password: str | None = None  # write-only
    kerberos_host: str = ""
    base_dn: str = ""
    ca_certificate: str = ""
    verify_certificate: bool = True
    scheduled: bool = True
    audit_every_months: int = 3
    next_due: date | None = None


class DirectoryPatch(Schema):
    name: str | None = None
    domain: str | None = None
    dedicated_backup: bool | None = None
    server: str | None = None
    port: int | None = None
    security: Security | None = None
    auth_method: AuthMethod | None = None
    username: str | None = None
    password: str | None = None  # write-only; "" removes it
    kerberos_host: str | None = None
    base_dn: str | None = None
    ca_certificate: str | None = None
    verify_certificate: bool | None = None
    scheduled: bool | None = None
    audit_every_months: int | None = None
    next_due: date | None = None


class AuditOut(Schema):
    uuid: UUID
    directory: UUID
    organisation: UUID
    source: str
    status: str
    message: str
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    snapshot_sha256: str
    snapshot_size: int
    level: int | None
    score: int | None
    failing_count: int
    covered_count: int
    failing_by_level: dict
    blockers: list
    counts: dict
    job: UUID | None
    url: str

    @staticmethod
    def resolve_directory(obj) -> UUID:
        return obj.directory.uuid

    @staticmethod
    def resolve_organisation(obj) -> UUID:
        return obj.organisation.uuid

    @staticmethod
    def resolve_job(obj) -> UUID | None:
        return obj.job.uuid if obj.job_id else None

    @staticmethod
    def resolve_url(obj) -> str:
        return obj.get_absolute_url()


class FindingOut(Schema):
    uuid: UUID
    audit: UUID
    rule_id: str
    anssi_id: str
    level: int
    title_fr: str
    title_en: str
    description: str
    recommendation: str
    score: int
    affected_count: int
    affected: list
    blocks_next_level: bool

    @staticmethod
    def resolve_audit(obj) -> UUID:
        return obj.audit.uuid


def _directories():
    return Directory.objects.select_related("organisation")


def _apply_password(request, directory: Directory, password: str | None) -> None:
    if password is None:
        return
    require_fresh_second_factor(request)
    directory.set_password(password)


@operation(router, "GET", "/directories", "directory_list", Directory, "view", kind="list",
           response=list[DirectoryOut])
@paginate(PageNumberPagination)
def directory_list(request, filters: Query[DirectoryFilter.api_query()]):
    """The directories the caller may see (the password is never returned: `password_set` says if one is)."""
    return DirectoryFilter.for_api(filters, request.auth).filter_queryset(scoped(_directories(), request.auth, "view"))


@operation(router, "GET", "/directories/{uuid:uuid}", "directory_get", Directory, "view",
           response={200: DirectoryOut, **ERRORS})
def directory_get(request, uuid):
    return get_scoped(_directories(), request.auth, "view", uuid=uuid)


@operation(router, "POST", "/directories", "directory_create", Directory, "add", kind="create",
           response={201: DirectoryOut, **ERRORS, 422: dict})
def directory_create(request, payload: DirectoryIn):
    """Register a directory (manager role on the organisation); a password needs a fresh second factor."""
    org = get_scoped(Organisation.objects.all(), request.auth, "view", uuid=payload.organisation)
    require_role_at(request.auth, Directory, "add", org)
    fields = payload.dict(exclude={"organisation", "password"})
    if fields["next_due"] is None:
        fields.pop("next_due")
    directory = Directory(organisation=org, **fields)
    _apply_password(request, directory, payload.password)
    return Status(201, save_checked(directory, request.auth, "add"))


@operation(router, "PATCH", "/directories/{uuid:uuid}", "directory_patch", Directory, "change",
           response={200: DirectoryOut, **ERRORS, 422: dict})
def directory_patch(request, uuid, payload: DirectoryPatch):
    directory = get_scoped(_directories(), request.auth, "change", uuid=uuid)
    changes = payload.dict(exclude_unset=True)
    password = changes.pop("password", None)
    for name, value in changes.items():
        setattr(directory, name, value)
    _apply_password(request, directory, password)
    return save_checked(directory, request.auth, "change")


@operation(router, "POST", "/directories/{uuid:uuid}/audit", "directory_audit", Directory, "change",
           response={202: JobOut, **ERRORS, 409: Message})
def directory_audit(request, uuid):
    """Launch a live audit; answers the job to poll (`/api/jobs/{uuid}`)."""
    directory = get_scoped(_directories(), request.auth, "change", uuid=uuid)
    try:
        audit = services.start_audit(directory, request.auth)
    except services.AuditRefused as exc:
        raise HttpError(409, str(exc)) from None
    return Status(202, audit.job)


@operation(router, "GET", "/audits", "audit_list", Audit, "view", kind="list", response=list[AuditOut])
@paginate(PageNumberPagination)
def audit_list(request, filters: Query[AuditFilter.api_query()]):
    return AuditFilter.for_api(filters, request.auth).filter_queryset(
        scoped(Audit.objects.select_related("directory", "organisation", "job"), request.auth, "view"))


@operation(router, "GET", "/audits/{uuid:uuid}", "audit_get", Audit, "view", response={200: AuditOut, **ERRORS})
def audit_get(request, uuid):
    return get_scoped(Audit.objects.select_related("directory", "organisation", "job"), request.auth, "view",
                      uuid=uuid)


@operation(router, "GET", "/findings", "finding_list", Finding, "view", kind="list", response=list[FindingOut])
@paginate(PageNumberPagination)
def finding_list(request, filters: Query[FindingFilter.api_query()]):
    """Failing checks, filtered by audit, rule or level."""
    return FindingFilter.for_api(filters, request.auth).filter_queryset(
        scoped(Finding.objects.select_related("audit"), request.auth, "view"))
