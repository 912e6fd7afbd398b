"""API shapes of the directory app: directories (the password is write-only), audits, failing checks."""

from datetime import date, datetime
from uuid import UUID

from ninja import Schema

from vigie.core.schemas import TenantOut, uuid_of

from ..models import AuthMethod, Security


class DirectoryOut(TenantOut):
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
    def resolve_password_set(obj) -> bool:
        return obj.has_password


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


class AuditOut(TenantOut):
    directory: UUID
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

    resolve_directory = uuid_of("directory")


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

    resolve_audit = uuid_of("audit")
