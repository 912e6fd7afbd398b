"""API shapes for the compliance app. Shape only: the rules live in models, rules.py and services.py."""

from datetime import date, datetime
from decimal import Decimal
from uuid import UUID

from ninja import Schema

from vigie.core.schemas import TenantOut, username_of, uuids_of


class FrameworkVersionOut(Schema):
    uuid: UUID
    framework: str
    version: str
    title: str
    answer_kind: str
    confirmed: bool
    self_assessment: bool
    loaded_at: datetime

    @staticmethod
    def resolve_framework(obj) -> str:
        return obj.framework.key


class RequirementOut(Schema):
    uuid: UUID
    code: str
    kind: str
    theme: str
    parent: str
    title: dict
    text: dict | None
    answerable: bool
    confirmed: bool
    applicability: dict
    freshness: list
    coverage: dict | None
    source: dict

    @staticmethod
    def resolve_parent(obj) -> str:
        return obj.parent_code

    @staticmethod
    def resolve_title(obj) -> dict:
        return obj.data["title"]

    @staticmethod
    def resolve_text(obj) -> dict | None:
        return obj.data.get("text")

    @staticmethod
    def resolve_coverage(obj) -> dict | None:
        return obj.data.get("coverage")


class FrameworkVersionDetail(FrameworkVersionOut):
    requirements: list[RequirementOut]

    @staticmethod
    def resolve_requirements(obj) -> list:
        return list(obj.requirements.all())


class AnswerOut(Schema):
    uuid: UUID
    code: str
    status: str
    score: int | None
    comment: str
    evidence: list[UUID]
    reviewed_by: str | None
    reviewed_at: datetime | None

    @staticmethod
    def resolve_code(obj) -> str:
        return obj.requirement.code

    resolve_evidence = uuids_of("evidence")
    resolve_reviewed_by = username_of("reviewed_by")


class AssessmentOut(TenantOut):
    framework: str
    version: str
    version_uuid: UUID
    assessed_on: date
    status: str
    conditions: dict
    score: Decimal | None
    approved_at: datetime | None

    @staticmethod
    def resolve_framework(obj) -> str:
        return obj.version.framework.key

    @staticmethod
    def resolve_version(obj) -> str:
        return obj.version.version

    @staticmethod
    def resolve_version_uuid(obj) -> UUID:
        return obj.version.uuid


class ThemeScoreOut(Schema):
    key: str
    title: str
    value: Decimal | None
    answered: int


class ScoreOut(Schema):
    method: str
    value: Decimal | None
    answered: int
    applicable: int
    themes: list[ThemeScoreOut]


class AssessmentDetail(AssessmentOut):
    answers: list[AnswerOut]
    current_score: ScoreOut

    @staticmethod
    def resolve_answers(obj) -> list:
        return obj.answer_rows


class AssessmentIn(Schema):
    organisation: UUID
    framework: str
    version: str | None = None  # the latest loaded when omitted
    assessed_on: date
    conditions: dict[str, bool] = {}


class AnswerIn(Schema):
    code: str
    status: str | None = None
    score: int | None = None
    comment: str | None = None


class AnswersPatch(Schema):
    answers: list[AnswerIn]


class EvidenceOut(TenantOut):
    title: str
    description: str
    document_date: date
    filename: str
    content_type: str
    size: int
    sha256: str
    requirements: list[str]
    uploaded_at: datetime

    @staticmethod
    def resolve_requirements(obj) -> list[str]:
        return obj.references


class EvidenceIn(Schema):
    """Metadata and the file, base64-encoded (a JSON body is bounded by the upload limit)."""

    organisation: UUID
    title: str = ""
    description: str = ""
    document_date: date
    requirements: list[str] = []
    filename: str
    content_base64: str


class EvidencePatch(Schema):
    title: str
    description: str
    document_date: date
    requirements: list[str]


