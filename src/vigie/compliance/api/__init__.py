"""Compliance API: frameworks (read), assessments (list, get, create, answers), evidence (list, get,
upload, metadata). Tenant objects are fetched by each operation's declaration (core.api); frameworks are
reference data."""

import base64
import binascii

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils.translation import gettext
from ninja import PatchDict, Query, Router, Status
from ninja.errors import HttpError
from ninja.pagination import PageNumberPagination, paginate

from vigie.core.api import ERRORS, crud, not_found, operation, organisation_to_add, refusals, save_checked
from vigie.core.schemas import Message
from vigie.core.scoping import can

from .. import services
from ..filters import AssessmentFilter, EvidenceFilter
from ..models import Answer, Assessment, Evidence, FrameworkVersion
from ..uploads import UploadRefused
from .schemas import (
    AnswerOut,
    AnswersPatch,
    AssessmentDetail,
    AssessmentIn,
    AssessmentOut,
    EvidenceIn,
    EvidenceOut,
    EvidencePatch,
    FrameworkVersionDetail,
    FrameworkVersionOut,
)

LIBRARY = "programme reference data (framework texts), the same for every organisation; no tenant data"

router = Router(tags=["compliance"])


# --- frameworks -----------------------------------------------------------------------------------------------


@operation(router, "GET", "/frameworks", "compliance_framework_list", None, "", kind="exempt", reason=LIBRARY,
           response=list[FrameworkVersionOut])
def framework_list(request, framework: str | None = None):
    """Every loaded framework version; `framework` filters by key (e.g. care-d2)."""
    versions = FrameworkVersion.objects.select_related("framework")
    return versions.filter(framework__key=framework) if framework else versions


@operation(router, "GET", "/frameworks/{uuid:uuid}", "compliance_framework_get", None, "", kind="exempt",
           reason=LIBRARY, response={200: FrameworkVersionDetail, 404: Message})
def framework_get(request, uuid):
    version = FrameworkVersion.objects.select_related("framework").filter(uuid=uuid).first()
    if version is None:
        raise not_found()
    return version


# --- assessments ----------------------------------------------------------------------------------------------


# Assessments stay custom: a read shows the answers and the score computed now, a write goes through
# services.create_assessment / patch_answers.
ASSESSMENTS = Assessment.objects.select_related("organisation", "version__framework")


def _detail(assessment: Assessment) -> Assessment:
    """The assessment with its answers and its score as computed now, for AssessmentDetail."""
    assessment.answer_rows = list(services.answers_of(assessment).select_related("reviewed_by"))
    assessment.current_score = services.score_of(assessment)
    return assessment


@operation(router, "GET", "/assessments", "compliance_assessment_list", Assessment, "view", kind="list",
           queryset=ASSESSMENTS, response=list[AssessmentOut])
@paginate(PageNumberPagination)
def assessment_list(request, assessments, filters: Query[AssessmentFilter.api_query()]):
    return AssessmentFilter.for_api(filters, request.auth).filter_queryset(assessments)


@operation(router, "POST", "/assessments", "compliance_assessment_create", Assessment, "add", kind="create",
           response={201: AssessmentDetail, **ERRORS, 422: dict})
def assessment_create(request, payload: AssessmentIn):
    """A draft assessment of `organisation` against a framework (its latest version unless `version`)."""
    organisation = organisation_to_add(request.auth, Assessment, payload.organisation)
    versions = FrameworkVersion.objects.filter(framework__key=payload.framework).order_by("-loaded_at")
    version = versions.filter(version=payload.version).first() if payload.version else versions.first()
    if version is None:
        raise HttpError(422, gettext("Unknown framework or version."))
    with transaction.atomic():
        assessment = services.create_assessment(organisation=organisation, version=version, user=request.auth,
                                                assessed_on=payload.assessed_on, conditions=payload.conditions)
        if not can(request.auth, "add", assessment):
            raise not_found()
    return Status(201, _detail(assessment))


@operation(router, "GET", "/assessments/{uuid:uuid}", "compliance_assessment_get", Assessment, "view",
           queryset=ASSESSMENTS, response={200: AssessmentDetail, **ERRORS})
def assessment_get(request, assessment):
    """The assessment, its answers and its score as computed now."""
    return _detail(assessment)


@operation(router, "PATCH", "/assessments/{uuid:uuid}/answers", "compliance_assessment_answers", Assessment,
           "change", queryset=ASSESSMENTS, response={200: list[AnswerOut], **ERRORS, 409: Message, 422: dict})
def assessment_answers(request, assessment, payload: AnswersPatch):
    """Set answers by requirement code (status, score, comment), all or nothing; clears their review."""
    with refusals({services.Refused: 409}):
        saved = services.patch_answers(assessment, [a.dict(exclude_unset=True) for a in payload.answers],
                                       request.auth)
    return Answer.objects.filter(pk__in=[a.pk for a in saved]).select_related("requirement", "reviewed_by")


# --- evidence -------------------------------------------------------------------------------------------------


EVIDENCE = Evidence.objects.select_related("organisation").prefetch_related("targets")


def _references(values: list[str]) -> list[tuple[str, str]]:
    return services.parse_references(",".join(values))


def _change(request, evidence: Evidence, fields: dict):
    """Change the metadata of a file: title, description, date, requirements it proves."""
    references = _references(fields.pop("requirements")) if "requirements" in fields else None
    with transaction.atomic():
        for name, value in fields.items():
            setattr(evidence, name, value)
        save_checked(evidence, request.auth, "change", update_fields=list(fields) or None)
        if references is not None:
            services.set_references(evidence, references)
    return EVIDENCE.get(pk=evidence.pk)


crud(router, Evidence, "/evidence", "compliance_evidence", EvidenceOut, queryset=EVIDENCE, filters=EvidenceFilter,
     change=(PatchDict[EvidencePatch], _change), change_verb="update",
     docs={"list": "Evidence files the caller may see; `requirement=care-d2:D2.P1` keeps those tagged with it.",
           "update": _change.__doc__})


# Uploading stays custom: the file comes base64-encoded and is checked (type, size) as the page checks it.
@operation(router, "POST", "/evidence", "compliance_evidence_create", Evidence, "add", kind="create",
           response={201: EvidenceOut, **ERRORS, 422: dict})
def evidence_create(request, payload: EvidenceIn):
    """Upload a file (base64) with its metadata; its type and size are checked as for the page."""
    organisation = organisation_to_add(request.auth, Evidence, payload.organisation)
    try:
        content = base64.b64decode(payload.content_base64, validate=True)
    except (binascii.Error, ValueError):
        raise ValidationError({"content_base64": gettext("Not valid base64.")}) from None
    try:
        evidence = services.add_evidence(
            organisation=organisation, upload=SimpleUploadedFile(payload.filename, content), title=payload.title,
            document_date=payload.document_date, references=_references(payload.requirements), user=request.auth,
            description=payload.description,
        )
    except UploadRefused as exc:
        raise ValidationError({"content_base64": str(exc)}) from None
    return Status(201, EVIDENCE.get(pk=evidence.pk))


from .declarations import router as declarations_router  # noqa: E402  (declarations, trajectories)

router.add_router("", declarations_router)
