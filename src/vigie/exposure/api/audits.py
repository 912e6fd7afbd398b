"""API of exposure audits and what makes them: imports (an nmap XML file filed as a scan, a third-party CSV
report filed as an audit), the CaRE D1.O2.B pair and its evidence records, and the exposure report.
Mounted on the exposure router.

Uploads are multipart/form-data bound to the pages' own forms (forms.py) and handed to the pages' own
services, so a file the page accepts or refuses is accepted or refused here, with the same messages, the
same audit-log events, and nothing stored when anything is wrong.
"""

from datetime import date
from typing import Literal
from uuid import UUID

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext
from ninja import Router, Schema, Status

from vigie.core.api import crud, operation, refusals
from vigie.core.imports import RowError
from vigie.core.schemas import JobOut, TenantOut, uuid_of
from vigie.organisations.models import Organisation

from .. import audits
from .. import report as reports
from .. import services
from ..filters import AuditFilter
from ..forms import FileForm, ReportImportForm
from ..models import Audit
from ..nmap import NmapError
from ..providers import REFERENCES, exposure_audits
from . import ERRORS, ScanOut

router = Router(tags=["exposure"])


class AuditOut(TenantOut):
    title: str
    provider: str
    scan: UUID | None
    performed_on: date
    level: int
    counts: dict
    dangerous_services: list
    items: list
    file_sha256: str
    url: str

    resolve_scan = uuid_of("scan")


class ImportProblem(Schema):
    line: int | None  # 1 is the header line of a CSV; None when the message names the place itself (XML)
    column: str
    message: str


class ImportRefused(Schema):
    """422: `errors` by form field, as every validation error of the API; `problems` for the file's content."""
    detail: str
    errors: dict[str, list[str]]
    problems: list[ImportProblem]


class EvidenceOut(Schema):
    title: str
    date: date
    url: str
    value: float | None
    detail: str


class CarePairOut(Schema):
    organisation: UUID
    requirement: str
    as_of: date
    min_level: int
    min_days: int
    max_days: int
    held: bool
    days: int | None
    first: AuditOut | None
    second: AuditOut | None
    below_minimum: AuditOut | None  # the latest audit below the minimum: the pair is sought after it
    evidence: list[EvidenceOut]


def _multipart(form_class: type[forms.Form]) -> dict:
    """The OpenAPI request body of a form posted as multipart/form-data, read from the form itself."""
    properties, required = {}, []
    for name, field in form_class().fields.items():
        if isinstance(field, forms.FileField):
            schema = {"type": "string", "format": "binary"}
        elif isinstance(field, forms.DateField):
            schema = {"type": "string", "format": "date"}
        elif isinstance(field, forms.ChoiceField):
            schema = {"type": "string", "enum": [str(value) for value, _label in field.choices]}
        else:
            schema = {"type": "string"}
        if field.help_text or field.label:
            schema["description"] = str(field.help_text or field.label)
        properties[name] = schema
        if field.required:
            required.append(name)
    body = {"type": "object", "properties": properties, "required": required}
    return {"requestBody": {"required": True, "content": {"multipart/form-data": {"schema": body}}}}


def _refused(form: forms.Form, problems: list[dict]) -> Status:
    errors = {name: [str(m) for m in messages] for name, messages in form.errors.items()}
    if problems:
        errors.setdefault("file", []).extend(p["message"] if p["line"] is None else
                                              _where(p) for p in problems)
    detail = " ".join([gettext("Nothing was imported."), *(m for ms in errors.values() for m in ms)])
    return Status(422, {"detail": detail, "errors": errors, "problems": problems})


def _where(problem: dict) -> str:
    return str(RowError(problem["line"], problem["column"], problem["message"]))


# --- imports -----------------------------------------------------------------------------------------------
# Custom: uploads, bound to the pages' forms. The organisation to import into is declared with "change"
# (manager role on it or above: 404 if unseen, 403 if only seen).


@operation(router, "POST", "/organisations/{uuid:uuid}/nmap", "exposure_nmap_import", Organisation, "change",
           response={201: ScanOut, **ERRORS, 422: ImportRefused}, openapi_extra=_multipart(FileForm))
def nmap_import(request, organisation):
    """File an nmap XML file (`nmap -oX`) as a scan of the organisation: every host must be in its attested
    scope; a malformed file names the line and column, or the host and element, and nothing is stored."""
    form = FileForm(request.POST, request.FILES)
    if not form.is_valid():
        return _refused(form, [])
    try:
        scan = services.import_nmap(form.cleaned_data["file"], organisation, request.auth)
    except NmapError as exc:
        return _refused(form, [{"line": None, "column": "", "message": str(exc)}])
    return Status(201, scan)


@operation(router, "POST", "/organisations/{uuid:uuid}/audits/import", "exposure_audit_import", Organisation,
           "change", response={201: AuditOut, **ERRORS, 422: ImportRefused},
           openapi_extra=_multipart(ReportImportForm))
def audit_import(request, organisation):
    """File a third-party report (CSV or XLSX) as an audit. `preset` (`ans`, `generic`) or the `map_…`
    fields name the file's column for each field; every bad row is reported and nothing is stored."""
    form = ReportImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _refused(form, [])
    data = form.cleaned_data
    report, audit = audits.import_report(data["file"], organisation, mapping=form.mapping(), provider=data["provider"],
                                         performed_on=data["performed_on"], title=data["title"], user=request.auth,
                                         preset=form.is_preset())
    if audit is None:
        return _refused(form, [{"line": e.line or None, "column": e.column, "message": e.message}
                               for e in report.errors])
    return Status(201, audit)


# --- audits and the D1.O2.B pair -----------------------------------------------------------------------------


def _delete(request, audit: Audit) -> None:
    with refusals({ValidationError: 409}):
        audits.delete_imported(audit)


crud(router, Audit, "/audits", "exposure_audit", AuditOut,
     queryset=Audit.objects.select_related("organisation", "scan"), filters=AuditFilter, delete=_delete,
     docs={"delete": "Delete an imported report (manager role), so that its file can be imported again; the audit "
                     "of a Vigie scan cannot be deleted (409)."})


@operation(router, "GET", "/organisations/{uuid:uuid}/care-pair", "exposure_care_pair", Organisation, "view",
           response={200: CarePairOut, **ERRORS})
def care_pair(request, organisation, as_of: date | None = None):
    """The two audits 45 to 60 days apart, both at the minimum level or above, that show CaRE D1.O2.B held
    (the most recent such pair up to `as_of`, today by default), and the evidence records the compliance
    module receives for the requirement. Custom: computed from the organisation's audits."""
    as_of = as_of or timezone.localdate()
    pair = audits.care_pair(organisation, as_of)
    return {
        "organisation": organisation.uuid, "requirement": REFERENCES[0], "as_of": as_of,
        "min_level": audits.MIN_LEVEL, "min_days": audits.PAIR_MIN_DAYS, "max_days": audits.PAIR_MAX_DAYS,
        "held": pair is not None, "days": pair.days if pair else None,
        "first": pair.first if pair else None, "second": pair.second if pair else None,
        "below_minimum": audits.last_below_minimum(organisation, as_of),
        "evidence": exposure_audits(organisation, None, as_of),
    }


# --- report ------------------------------------------------------------------------------------------------


REPORT_RESPONSES = {"responses": {"200": {"description": "The report file", "content": {
    "text/html": {"schema": {"type": "string"}}, "application/pdf": {"schema": {"type": "string", "format": "binary"}}}}}}


@operation(router, "GET", "/organisations/{uuid:uuid}/report", "exposure_report", Organisation, "view",
           response={202: JobOut, **ERRORS}, openapi_extra=REPORT_RESPONSES)
def report(request, organisation, format: Literal["html", "pdf"] = "html"):  # noqa: A002  (the page's parameter name)
    """The exposure report as an HTML or PDF file, as the page gives it; a large PDF is built in a job
    (answered with 202 and the job to poll, whose `download_url` gives the file). Custom: a download."""
    outcome = reports.download(organisation, request.auth, format)
    if not isinstance(outcome, reports.ReportFile):
        return Status(202, outcome)
    response = HttpResponse(outcome.content, content_type=outcome.content_type)
    response["Content-Disposition"] = f'attachment; filename="{outcome.filename}"'
    return response

