"""The PCRA of one activity: DOCX (docxtpl template users can restyle in Word) and PDF (WeasyPrint)."""

from __future__ import annotations

import io
import zipfile
from datetime import datetime
from pathlib import Path

from docxtpl import DocxTemplate  # type: ignore[import-untyped]
from markupsafe import Markup

from .context import plan_context
from .errors import TemplateError
from .model import ActivityPlan, CrisisCell, Establishment
from .render import TEMPLATES, css, html_to_pdf, render_html
from .texts import check_language
from .validation import check_plan

__all__ = ["default_docx_template", "pcra_docx", "pcra_html", "pcra_pdf"]


def default_docx_template() -> Path:
    """The built-in DOCX template (docxtpl tags, Word's built-in styles), to download and restyle."""
    return TEMPLATES / "pcra.docx"


def pcra_html(plan: ActivityPlan, establishment: Establishment, *, data_as_of: datetime,
              generated_at: datetime | None = None, language: str = "fr",
              crisis_cell: CrisisCell | None = None) -> str:
    """The PCRA as one self-contained HTML document (what the PDF is printed from)."""
    check_plan(plan)
    ctx = plan_context(plan, establishment, data_as_of=data_as_of, generated_at=generated_at,
                       language=check_language(language), crisis_cell=crisis_cell)
    ctx["self_ctx"] = ctx
    ctx["css"] = Markup(css("kit.css") + css("pdf.css"))  # our own file, not user data
    return render_html("pcra.html", ctx)


def pcra_pdf(plan: ActivityPlan, establishment: Establishment, *, data_as_of: datetime,
             generated_at: datetime | None = None, language: str = "fr",
             crisis_cell: CrisisCell | None = None) -> bytes:
    """The PCRA of ``plan`` as an A4 PDF; the data date is in the header and footer of every page."""
    return html_to_pdf(pcra_html(plan, establishment, data_as_of=data_as_of, generated_at=generated_at,
                                 language=language, crisis_cell=crisis_cell))


def pcra_docx(plan: ActivityPlan, establishment: Establishment, *, data_as_of: datetime,
              generated_at: datetime | None = None, language: str = "fr",
              crisis_cell: CrisisCell | None = None, template: Path | None = None) -> bytes:
    """The PCRA of ``plan`` as an editable Word document, from ``template`` (default: the built-in one)."""
    check_plan(plan)
    ctx = plan_context(plan, establishment, data_as_of=data_as_of, generated_at=generated_at,
                       language=check_language(language), crisis_cell=crisis_cell)
    source = template or default_docx_template()
    name = "built-in" if template is None else str(template)
    try:
        if not zipfile.is_zipfile(source):
            raise TemplateError(name, "not a DOCX file (a .docx is a ZIP archive)")
        document = DocxTemplate(str(source))
        document.render(ctx, autoescape=True)
    except TemplateError:
        raise
    except FileNotFoundError as exc:
        raise TemplateError(name, "file not found") from exc
    except Exception as exc:  # docxtpl raises jinja2 and lxml errors of many kinds
        raise TemplateError(name, f"cannot render the template: {exc}") from exc
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
