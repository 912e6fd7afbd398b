"""Continuity documents: the PCRA of an activity (DOCX, PDF) and the offline crisis kit (HTML, PDF, manifest).

Pure Python (no Django). See docs/continuity-documents.md for the API, the inputs and what is printed.
"""

from .errors import DocumentError, InvalidInput, KitError, ManifestError, TemplateError
from .model import (
    CATEGORIES, DEPENDENCY_KINDS, FORMS, IMPACT_LEVELS, LANGUAGES, ActivityPlan, Contact, CrisisCell,
    DegradedProcedure, Dependency, Establishment, ImpactRow, Kit, KitFile, KitManifest, KitVerification, Language,
    RestoreTestRecord, Runbook, RunbookStep, Site,
)
from .kit import build_kit, data_fingerprint, zip_kit
from .manifest import MANIFEST, read_manifest, verify_kit
from .pcra import default_docx_template, pcra_docx, pcra_html, pcra_pdf

__all__ = [
    "CATEGORIES", "DEPENDENCY_KINDS", "FORMS", "IMPACT_LEVELS", "LANGUAGES",
    "ActivityPlan", "Contact", "CrisisCell", "DegradedProcedure", "Dependency", "Establishment", "ImpactRow", "Kit",
    "KitFile", "KitManifest", "KitVerification", "Language", "RestoreTestRecord", "Runbook", "RunbookStep", "Site",
    "DocumentError", "InvalidInput", "KitError", "ManifestError", "TemplateError",
    "default_docx_template", "pcra_docx", "pcra_html", "pcra_pdf",
    "MANIFEST", "build_kit", "data_fingerprint", "read_manifest", "verify_kit", "zip_kit",
]
