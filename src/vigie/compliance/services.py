"""What the compliance pages, the API and other apps call. Views fetch through scoped() first; these
functions take objects the caller may act on and apply the rules of the framework files."""

import logging
from dataclasses import dataclass
from datetime import date

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import rules
from .comparison import PEER_MINIMUM, PeerGroup, peer_group  # noqa: F401  (for the steering comparison)
from .models import Answer, Assessment, Evidence, EvidenceTarget, FrameworkVersion, Requirement, localised
from .providers import providers
from .uploads import check_upload, store

log = logging.getLogger(__name__)
PRIORITY_STEPS = ["low", "medium", "high", "critical"]
# The actions app names this source "assessment_gap" (its Source choices refuse "assessment").
ACTION_SOURCE = "assessment_gap"


class Refused(Exception):
    """A workflow step the rules do not allow now; the message is shown as it is."""


# --- assessments --------------------------------------------------------------------------------------------


def create_assessment(*, organisation, version: FrameworkVersion, assessed_on: date, user,
                      conditions: dict | None = None) -> Assessment:
    """A draft with one empty answer per answerable requirement of the version."""
    with transaction.atomic():
        assessment = Assessment(organisation=organisation, version=version, assessed_on=assessed_on,
                                created_by=user, conditions=rules.condition_values(version, conditions))
        assessment.full_clean()
        assessment.save()
        Answer.objects.bulk_create(
            Answer(assessment=assessment, requirement=requirement)
            for requirement in version.requirements.filter(answerable=True)
        )
    return assessment


def set_conditions(assessment: Assessment, values: dict) -> None:
    if not assessment.editable:
        raise Refused(_("An approved assessment cannot change."))
    assessment.conditions = rules.condition_values(assessment.version, values)
    assessment.save(update_fields=["conditions"])


@dataclass(slots=True)
class Row:
    """One line of the requirement grid: the answer, whether it applies, and its evidence verdict."""

    answer: Answer
    applies: rules.Applicability
    verdict: rules.Verdict | None = None
    items: list | None = None

    @property
    def requirement(self) -> Requirement:
        return self.answer.requirement


def answers_of(assessment: Assessment):
    return (assessment.answers.select_related("requirement__version__framework", "reviewed_by")
            .prefetch_related("evidence").order_by("requirement__position"))


def row_for(answer: Answer, *, with_evidence: bool = True) -> Row:
    assessment = answer.assessment
    conditions = rules.condition_values(assessment.version, assessment.conditions)
    row = Row(answer, rules.applicability(answer.requirement, assessment.organisation.kind, conditions))
    if with_evidence and row.applies.applies:
        row.items = evidence_items(assessment.organisation, answer.requirement, assessment.assessed_on,
                                   linked=answer.evidence.all())
        active = rules.active_rules(answer.requirement.freshness, conditions)
        row.verdict = rules.check_set(row.items, active, assessment.assessed_on)
    return row


def grid(assessment: Assessment) -> list[Row]:
    return [row_for(answer) for answer in answers_of(assessment)]


def score_of(assessment: Assessment, rows: list[Row] | None = None) -> rules.Score:
    rows = rows if rows is not None else [row_for(a, with_evidence=False) for a in answers_of(assessment)]
    return rules.compute_score(assessment.version, [
        (row.requirement, row.answer.status, row.answer.score, row.applies.applies) for row in rows
    ])


def save_answer(answer: Answer, *, status: str, score: int | None, comment: str, evidence, user) -> Answer:
    """Record one row of the grid; changing an answer clears its review."""
    if not answer.assessment.editable:
        raise Refused(_("An approved assessment cannot change."))
    answer.status, answer.score, answer.comment = status or "", score, comment or ""
    answer.updated_by, answer.reviewed_by, answer.reviewed_at = user, None, None
    with transaction.atomic():
        answer.full_clean()
        answer.save()
        if evidence is not None:
            answer.evidence.set(evidence)
    return answer


def review_answer(answer: Answer, user) -> Answer:
    """The reviewer's approval of one row."""
    if answer.assessment.status != Assessment.Status.IN_REVIEW:
        raise Refused(_("Rows are reviewed once the assessment is submitted for review."))
    if not answer.answered:
        raise Refused(_("An unanswered row cannot be approved."))
    answer.reviewed_by, answer.reviewed_at = user, timezone.now()
    answer.save(update_fields=["reviewed_by", "reviewed_at"])
    return answer


def submit(assessment: Assessment) -> None:
    if assessment.status != Assessment.Status.DRAFT:
        raise Refused(_("Only a draft can be submitted for review."))
    missing = [row.requirement.code for row in map(lambda a: row_for(a, with_evidence=False), answers_of(assessment))
               if row.applies.applies and not row.answer.answered]
    if missing:
        raise Refused(_("Answer every applicable requirement first; missing: %(codes)s.") % {
            "codes": ", ".join(missing[:20]) + (" …" if len(missing) > 20 else "")})
    assessment.status, assessment.submitted_at = Assessment.Status.IN_REVIEW, timezone.now()
    assessment.save(update_fields=["status", "submitted_at"])


def send_back(assessment: Assessment) -> None:
    if assessment.status != Assessment.Status.IN_REVIEW:
        raise Refused(_("Only an assessment in review can be sent back to draft."))
    assessment.status = Assessment.Status.DRAFT
    assessment.save(update_fields=["status"])
    assessment.answers.update(reviewed_by=None, reviewed_at=None)


def approve(assessment: Assessment, user) -> int:
    """Approve an assessment in review: unreviewed rows are approved by the approver, the score is kept,
    and one PAQ action is raised per gap. Returns the number of actions raised (0 without the actions app)."""
    if assessment.status != Assessment.Status.IN_REVIEW:
        raise Refused(_("Only an assessment in review can be approved."))
    now = timezone.now()
    with transaction.atomic():
        assessment.answers.filter(reviewed_at__isnull=True).update(reviewed_by=user, reviewed_at=now)
        rows = [row_for(a, with_evidence=False) for a in answers_of(assessment)]
        assessment.score = score_of(assessment, rows).value
        assessment.status, assessment.approved_by, assessment.approved_at = Assessment.Status.APPROVED, user, now
        assessment.save(update_fields=["score", "status", "approved_by", "approved_at"])
        return raise_gap_actions(assessment, rows, user)


def _priority(requirement: Requirement, status: str) -> str:
    priority = requirement.data.get("priority", "medium")
    if status == Answer.Status.PARTIAL and priority in PRIORITY_STEPS[1:]:
        return PRIORITY_STEPS[PRIORITY_STEPS.index(priority) - 1]
    return priority


def raise_gap_actions(assessment: Assessment, rows: list[Row], user=None) -> int:
    """One action per applicable non-compliant or partial requirement, through the actions app's service
    (which de-duplicates on source_key). Without that app, nothing is raised. Returns the actions created."""
    if not apps.is_installed("vigie.actions"):
        return 0
    try:
        # optional dependency: the actions app may be left out of INSTALLED_APPS
        from vigie.actions.services import raise_action
    except ImportError:
        log.warning("vigie.actions.services.raise_action is missing: no PAQ action raised")
        return 0
    version = assessment.version
    count = 0
    for row in rows:
        answer = row.answer
        if not row.applies.applies or not rules.is_gap(version.scoring, answer.status, answer.score):
            continue
        requirement = row.requirement
        found = (answer.get_status_display() if answer.status
                 else _("maturity %(score)s / 3") % {"score": answer.score})
        result = raise_action(
            organisation=assessment.organisation,
            source=ACTION_SOURCE,
            source_key=f"{version.framework.key}:{requirement.code}",
            title=_("%(framework)s %(code)s: %(title)s") % {
                "framework": version.framework, "code": requirement.code, "title": requirement.title},
            description=_("Assessment of %(date)s: %(found)s. %(comment)s") % {
                "date": assessment.assessed_on.isoformat(), "found": found, "comment": answer.comment},
            priority=_priority(requirement, answer.status),
            user=user,
        )
        created = result[1] if isinstance(result, tuple) else True
        count += int(bool(created))
    return count


# --- evidence -----------------------------------------------------------------------------------------------


def file_item(evidence: Evidence) -> rules.Item:
    return rules.Item(evidence.title, evidence.document_date, None, _("File"), evidence.get_absolute_url())


def evidence_items(organisation, requirement: Requirement, as_of: date, *, linked=()) -> list[rules.Item]:
    """Files of the organisation tagged with the requirement (or linked to the answer), and the records
    registered providers hold for it."""
    files = Evidence.objects.filter(organisation=organisation, targets__framework_key=requirement.version.framework.key,
                                    targets__code=requirement.code)
    found = {e.pk: e for e in files}
    found.update({e.pk: e for e in linked})
    items = [file_item(e) for e in found.values()]
    items += [rules.Item(r.title, r.date, r.value, r.provider, r.url)
              for r in providers.records(organisation, requirement, as_of)]
    return sorted(items, key=lambda i: i.date, reverse=True)


def parse_references(text: str) -> list[tuple[str, str]]:
    """`care-d2:D2.P1, care-d2:D2.O2.A` → pairs; every requirement must exist in a loaded version."""
    pairs = []
    for chunk in text.replace(";", ",").replace("\n", ",").split(","):
        chunk = chunk.strip()
        if not chunk:
            continue
        key, _sep, code = chunk.partition(":")
        if not code or not Requirement.objects.filter(version__framework__key=key.strip(), code=code.strip()).exists():
            raise ValidationError(_("Unknown requirement %(reference)s: write framework:CODE, e.g. care-d2:D2.P1.")
                                  % {"reference": chunk})
        pairs.append((key.strip(), code.strip()))
    return pairs


def add_evidence(*, organisation, upload, title: str, document_date: date, references: list[tuple[str, str]],
                 user, description: str = "") -> Evidence:
    """Check the file (UploadRefused), store it by hash, record it with the requirements it proves."""
    checked = check_upload(upload)
    with transaction.atomic():
        evidence = Evidence(organisation=organisation, title=title or checked.name, description=description,
                            document_date=document_date, filename=checked.name, content_type=checked.content_type,
                            size=checked.size, sha256=checked.sha256, uploaded_by=user)
        evidence.full_clean()
        evidence.save()
        EvidenceTarget.objects.bulk_create(
            EvidenceTarget(evidence=evidence, framework_key=key, code=code) for key, code in dict.fromkeys(references)
        )
        store(checked)
    return evidence


@dataclass(slots=True)
class EvidenceCheck:
    requirement: Requirement
    verdict: rules.Verdict


def evidence_checks(evidence: Evidence, as_of: date) -> list[EvidenceCheck]:
    """This file against the freshness rules of each requirement it is tagged with (latest versions)."""
    checks = []
    for target in evidence.targets.all():
        requirement = (Requirement.objects.filter(version__framework__key=target.framework_key, code=target.code)
                       .select_related("version__framework").order_by("-version__loaded_at").first())
        if requirement is None:
            continue
        defaults = rules.condition_values(requirement.version, None)
        active = rules.active_rules(requirement.freshness, defaults)
        checks.append(EvidenceCheck(requirement, rules.check_item(file_item(evidence), active, as_of)))
    return checks


def requirement_title(reference: str) -> str:
    key, _sep, code = reference.partition(":")
    requirement = Requirement.objects.filter(version__framework__key=key, code=code).order_by("-version__loaded_at").first()
    return localised(requirement.data.get("title")) if requirement else ""


def set_references(evidence: Evidence, references: list[tuple[str, str]]) -> None:
    """Replace the requirements a piece of evidence is tagged with."""
    with transaction.atomic():
        evidence.targets.all().delete()
        EvidenceTarget.objects.bulk_create(
            EvidenceTarget(evidence=evidence, framework_key=key, code=code) for key, code in dict.fromkeys(references)
        )


def patch_answers(assessment: Assessment, changes: list[dict], user) -> list[Answer]:
    """Apply several answers by requirement code, all or nothing."""
    if not assessment.editable:
        raise Refused(_("An approved assessment cannot change."))
    by_code = {a.requirement.code: a for a in answers_of(assessment)}
    unknown = [c["code"] for c in changes if c["code"] not in by_code]
    if unknown:
        raise ValidationError({"answers": _("Unknown or unanswerable requirement codes: %(codes)s.") % {
            "codes": ", ".join(unknown)}})
    saved = []
    with transaction.atomic():
        for change in changes:
            answer = by_code[change["code"]]
            saved.append(save_answer(
                answer, user=user, evidence=None,
                status=answer.status if change.get("status") is None else change["status"],
                score=answer.score if "score" not in change else change["score"],
                comment=answer.comment if change.get("comment") is None else change["comment"],
            ))
    return saved
