"""The directory API: directories (the password is write-only, entering it needs a fresh second factor
from a browser session), audits, launching an audit, failing checks. Reads and the directories' writes are
core.api.crud's."""

from ninja import Query, Router, Status
from ninja.pagination import PageNumberPagination, paginate

from vigie.core.api import (
    ERRORS,
    crud,
    operation,
    organisation_to_add,
    refusals,
    require_fresh_second_factor,
    save_checked,
)
from vigie.core.schemas import JobOut, Message

from .. import services
from ..filters import AuditFilter, DirectoryFilter, FindingFilter
from ..models import Audit, Directory, Finding
from .schemas import AuditOut, DirectoryIn, DirectoryOut, DirectoryPatch, FindingOut

router = Router(tags=["directory"])
DIRECTORIES = Directory.objects.select_related("organisation")


def _apply_password(request, directory: Directory, password: str | None) -> None:
    if password is None:
        return
    require_fresh_second_factor(request)
    directory.set_password(password)


def _create(request, payload: DirectoryIn):
    """Register a directory (manager role on the organisation); a password needs a fresh second factor."""
    org = organisation_to_add(request.auth, Directory, payload.organisation)
    fields = payload.dict(exclude={"organisation", "password"})
    if fields["next_due"] is None:
        fields.pop("next_due")
    directory = Directory(organisation=org, **fields)
    _apply_password(request, directory, payload.password)
    return save_checked(directory, request.auth, "add")


def _change(request, directory: Directory, changes: dict):
    password = changes.pop("password", None)
    for name, value in changes.items():
        setattr(directory, name, value)
    _apply_password(request, directory, password)
    return save_checked(directory, request.auth, "change")


crud(router, Directory, "/directories", "directory", DirectoryOut, queryset=DIRECTORIES, filters=DirectoryFilter,
     create=(DirectoryIn, _create), change=(DirectoryPatch, _change),
     docs={"list": "The directories the caller may see (the password is never returned: `password_set` says if "
                   "one is).",
           "create": _create.__doc__})


@operation(router, "POST", "/directories/{uuid:uuid}/audit", "directory_audit", Directory, "change",
           queryset=DIRECTORIES, response={202: JobOut, **ERRORS, 409: Message})
def directory_audit(request, directory):
    """Launch a live audit; answers the job to poll (`/api/jobs/{uuid}`).
    Custom: it starts a job rather than changing fields."""
    with refusals({services.AuditRefused: 409}):
        audit = services.start_audit(directory, request.auth)
    return Status(202, audit.job)


crud(router, Audit, "/audits", "audit", AuditOut,
     queryset=Audit.objects.select_related("directory", "organisation", "job"), filters=AuditFilter)


@operation(router, "GET", "/findings", "finding_list", Finding, "view", kind="list",
           queryset=Finding.objects.select_related("audit"), response=list[FindingOut])
@paginate(PageNumberPagination)
def finding_list(request, findings, filters: Query[FindingFilter.api_query()]):
    """Failing checks, filtered by audit, rule or level. Custom: findings are read in lists only."""
    return FindingFilter.for_api(filters, request.auth).filter_queryset(findings)
