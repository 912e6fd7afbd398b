"""The evidence pack of a funding dossier: a ZIP for the ARS and ANS verifiers, built by a background job.

    index.pdf                              the requirements, their status, evidence and freshness
    D2.O3.A/01-restore-test.pdf            every evidence file, named by requirement code
    D2.O4/02-record-restore-test-2025.json a provider's record (an audit, an exercise…), and
    D2.O4/02-record-restore-test-2025.html the same as a small page

Evidence comes from the candidate and everything under it (a GHT's members), as the job's creator may see
it; provider records are asked for the candidate and its direct members. Freshness is judged on the day
the pack is built. Every pack is recorded as an EXPORT event of the audit log.
"""

import io
import json
import logging
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import PurePosixPath

from django.core.exceptions import PermissionDenied
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from vigie.accounts.audit import record
from vigie.accounts.models import AuditEvent
from vigie.core.jobs import JobResult, enqueue
from vigie.core.pdf import html_to_pdf
from vigie.core.scoping import can, scoped

from . import rules
from .coverage import units_of
from .models import Assessment, Declaration, Evidence
from .providers import providers
from .services import file_item

KIND = "compliance.evidence_pack"
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)  # one INFO line per rendering step
SAFE = re.compile(r"[^A-Za-z0-9._-]+")


def launch(declaration: Declaration, user):
    """Queue the pack; the caller has checked the user may export the dossier."""
    return enqueue(KIND, organisation=declaration.organisation, user=user,
                   params={"declaration": str(declaration.uuid), "language": translation.get_language() or "fr"})


@dataclass(slots=True)
class PackFile:
    name: str  # path inside the ZIP, empty when the stored file is missing
    title: str
    document_date: date
    organisation: str
    verdict: rules.Verdict
    evidence: Evidence | None = None


@dataclass(slots=True)
class PackRecord:
    name: str
    record: object
    organisation: str
    verdict: rules.Verdict


@dataclass(slots=True)
class PackRow:
    requirement: object
    status: str
    verdict: rules.Verdict
    files: list[PackFile] = field(default_factory=list)
    records: list[PackRecord] = field(default_factory=list)


def folder(code: str) -> str:
    """A requirement code as a folder name: letters, digits, dots, dashes; never '.' or '..'."""
    return SAFE.sub("_", code).strip(".") or "_"


def file_name(index: int, filename: str, fallback: str) -> str:
    path = PurePosixPath(filename.replace("\\", "/")).name
    stem, suffix = PurePosixPath(path).stem, PurePosixPath(path).suffix.lower()
    suffix = suffix if re.fullmatch(r"\.[a-z0-9]{1,8}", suffix) else ""
    return f"{index:02d}-{slugify(stem)[:60] or fallback}{suffix}"


def _assessment(declaration: Declaration, user):
    found = scoped(Assessment.objects.filter(organisation=declaration.organisation,
                                             version__framework__key=declaration.version.framework.key),
                   user, "view").order_by("-assessed_on", "-created_at")
    return found.filter(status=Assessment.Status.APPROVED).first() or found.first()


def collect(declaration: Declaration, user, as_of: date) -> list[PackRow]:
    """The rows of the index, with the ZIP names of the files and records (no name for a missing file)."""
    version, candidate = declaration.version, declaration.organisation
    assessment = _assessment(declaration, user)
    conditions = rules.condition_values(version, assessment.conditions if assessment else None)
    answers = {a.requirement.code: a for a in assessment.answers.select_related("requirement")} if assessment else {}
    evidence = (scoped(Evidence.objects.filter(organisation__path__startswith=candidate.path,
                                               targets__framework_key=version.framework.key), user, "view")
                .select_related("organisation").prefetch_related("targets").distinct().order_by("document_date", "pk"))
    by_code: dict[str, list[Evidence]] = {}
    for item in evidence:
        for target in item.targets.all():
            if target.framework_key == version.framework.key:
                by_code.setdefault(target.code, []).append(item)
    members = [candidate, *units_of(candidate)]
    rows = []
    for requirement in version.requirements.filter(answerable=True).select_related("version__framework"):
        active = rules.active_rules(requirement.freshness, conditions)
        answer = answers.get(requirement.code)
        status = (answer.get_status_display() or (str(answer.score) if answer.score is not None else "")) if answer else ""
        files = [PackFile("", e.title, e.document_date, e.organisation.name,
                          rules.check_item(file_item(e), active, as_of), e) for e in by_code.get(requirement.code, [])]
        records = [PackRecord("", r, org.name, rules.check_item(rules.Item(r.title, r.date, r.value, r.provider, r.url),
                                                                active, as_of))
                   for org in members for r in providers.records(org, requirement, as_of)]
        items = [file_item(f.evidence) for f in files]
        items += [rules.Item(p.record.title, p.record.date, p.record.value, p.record.provider, p.record.url)
                  for p in records]
        row = PackRow(requirement, status or _("Not assessed"), rules.check_set(items, active, as_of), files, records)
        base = folder(requirement.code)
        for index, pack_file in enumerate(row.files, start=1):
            if pack_file.evidence.path.is_file():
                pack_file.name = f"{base}/{file_name(index, pack_file.evidence.filename, 'piece')}"
        for index, pack_record in enumerate(row.records, start=len(row.files) + 1):
            pack_record.name = f"{base}/{index:02d}-record-{slugify(pack_record.record.title)[:60] or 'record'}"
        rows.append(row)
    return rows




def index_pdf(declaration: Declaration, rows: list[PackRow], as_of: date) -> bytes:
    html = render_to_string("compliance/declarations/pack_index.html", {
        "declaration": declaration, "rows": rows, "as_of": as_of, "generated": timezone.localtime()})
    return html_to_pdf(html)


def _record_json(pack_record: PackRecord, requirement) -> str:
    record = pack_record.record
    return json.dumps({
        "requirement": requirement.reference, "organisation": pack_record.organisation, "title": record.title,
        "date": record.date.isoformat(), "value": record.value, "detail": record.detail,
        "provider": record.provider, "url": record.url, "valid": pack_record.verdict.valid,
        "reasons": list(pack_record.verdict.reasons),
    }, ensure_ascii=False, indent=2)


def build(declaration: Declaration, user, as_of: date, progress=lambda percent, message="": None) -> tuple[bytes, dict]:
    """The ZIP's bytes and a summary (counts) for the audit log."""
    rows = collect(declaration, user, as_of)
    progress(20, _("Index"))
    buffer = io.BytesIO()
    counts = {"requirements": len(rows), "files": 0, "records": 0, "missing": 0}
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("index.pdf", index_pdf(declaration, rows, as_of))
        for position, row in enumerate(rows, start=1):
            for pack_file in row.files:
                if not pack_file.name:
                    counts["missing"] += 1
                    continue
                archive.write(pack_file.evidence.path, pack_file.name)
                counts["files"] += 1
            for pack_record in row.records:
                archive.writestr(pack_record.name + ".json", _record_json(pack_record, row.requirement))
                archive.writestr(pack_record.name + ".html", render_to_string(
                    "compliance/declarations/provider_record.html",
                    {"item": pack_record, "requirement": row.requirement}))
                counts["records"] += 1
            progress(20 + int(75 * position / max(len(rows), 1)), row.requirement.code)
    return buffer.getvalue(), counts


def freshness_date(declaration: Declaration) -> date:
    """Evidence must be fresh on the day the objectives were declared ("audit less than 60 days before the
    declaration"); before that day, on the day the pack is made."""
    declared = (declaration.transitions.filter(to_status=Declaration.Status.DECLARED)
                .order_by("-at").values_list("at", flat=True).first())
    return timezone.localdate(declared) if declared else timezone.localdate()


def run(job, progress) -> JobResult:
    """The job handler: the creator must still be allowed to export the dossier when the job runs."""
    user = job.created_by
    declaration = (Declaration.objects.select_related("organisation", "call", "version__framework")
                   .filter(uuid=job.params.get("declaration"), organisation=job.organisation).first())
    if declaration is None or user is None or not can(user, "export", declaration):
        raise PermissionDenied(_("The user who started this export may no longer export this dossier."))
    with translation.override(job.params.get("language") or "fr"):
        as_of = freshness_date(declaration)
        content, counts = build(declaration, user, as_of, progress)
        record(AuditEvent.Action.EXPORT, obj=declaration, user=user, object_repr=str(declaration),
               changes={"format": "zip", "kind": KIND, **counts})
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        name = f"dossier-{declaration.call.key}-{slugify(declaration.organisation.name) or 'candidat'}-{stamp}.zip"
    return JobResult(name, content)
