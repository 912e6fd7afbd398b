"""Builds the built-in PCRA template ``templates/pcra.docx`` (docxtpl tags in a python-docx document).

Run ``python -m vigie.continuity.engine.documents.docx_template`` after changing this file and commit the
result. Only Word's built-in styles are used (Title, Subtitle, Heading 1/2, Normal, Light Grid Accent 1),
so a hospital restyles the whole document by changing those styles in Word and passing the file as
``pcra_docx(template=...)``. Fixed texts are variables (``{{ t.s_context }}``) so the same template
serves French and English; they can be replaced by any wording.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

__all__ = ["build_template"]

TABLE_STYLE = "Light Grid Accent 1"
TEXT_WIDTH_MM = 174  # A4 (210 mm) less two 18 mm margins: every table's column widths add up to it
FONT = "Arial"  # metric-compatible with Liberation Sans, which LibreOffice uses where Arial is missing


def _field(paragraph: Any, instruction: str) -> None:
    """A Word field (PAGE, NUMPAGES) that Word and LibreOffice compute when the document is laid out."""
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), instruction)
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def _row_flag(row: Any, flag: str) -> None:
    """w:tblHeader (repeat the row at the top of every page) or w:cantSplit (keep a row on one page)."""
    element = OxmlElement(f"w:{flag}")
    element.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(element)


def _small(*rows: Any) -> None:
    """Table text one step smaller than the body, so dates and durations fit their column on one line."""
    for row in rows:
        for cell in row.cells:
            for paragraph in cell.paragraphs:
                for run in paragraph.runs:
                    run.font.size = Pt(8.5)


def _widths(table: Any, widths_mm: Sequence[float]) -> None:
    """Fixed column widths (Word's autofit squeezes dates and numbers into one character per line)."""
    assert abs(sum(widths_mm) - TEXT_WIDTH_MM) < 0.5, widths_mm
    table.autofit = False
    for column, width in zip(table.columns, widths_mm, strict=True):
        column.width = Mm(width)
    for row in table.rows:
        for cell, width in zip(row.cells, widths_mm, strict=True):
            cell.width = Mm(width)


def _tag(document: Any, tag: str) -> None:
    """A paragraph holding only a docxtpl paragraph tag ({%p ... %}): docxtpl removes the paragraph."""
    document.add_paragraph(tag)


def _labelled(document: Any, label: str, value: str, keep_with_next: bool = False) -> None:
    paragraph = document.add_paragraph()
    paragraph.add_run(label + " : ").bold = True
    paragraph.add_run(value)
    paragraph.paragraph_format.keep_with_next = keep_with_next


def _table(document: Any, headers: list[str], cells: list[str], loop: str, widths_mm: Sequence[float]) -> None:
    """A header row (repeated on every page), then one row repeated by ``{%tr for … %}`` (docxtpl removes
    the tag rows and copies the row with its widths)."""
    table = document.add_table(rows=4, cols=len(headers))
    table.style = document.styles[TABLE_STYLE]
    for cell, header in zip(table.rows[0].cells, headers, strict=True):
        cell.text = header
    table.rows[1].cells[0].text = "{%tr " + loop + " %}"
    for cell, value in zip(table.rows[2].cells, cells, strict=True):
        cell.text = value
    table.rows[3].cells[0].text = "{%tr endfor %}"
    _small(table.rows[0], table.rows[2])
    _row_flag(table.rows[0], "tblHeader")
    _row_flag(table.rows[2], "cantSplit")
    _widths(table, widths_mm)


def build_template(path: Path) -> None:
    """Write the built-in template to ``path``."""
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(18)
    section.top_margin, section.bottom_margin = Mm(20), Mm(18)
    normal = document.styles["Normal"]
    normal.font.size, normal.font.name = Pt(10), FONT
    normal.paragraph_format.space_after = Pt(4)
    for name in ("Title", "Subtitle", "Heading 1", "Heading 2"):
        document.styles[name].font.name = FONT

    head = section.header.paragraphs[0]
    head.text = "{{ establishment }}{% if finess %} · {{ t.finess }} {{ finess }}{% endif %} — {{ t.pcra_short }} {{ name }}"
    date = section.header.add_paragraph()
    date.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    date.add_run("{{ t.data_as_of }} {{ data_as_of }}").bold = True
    foot = section.footer.paragraphs[0]
    foot.text = ("{{ t.pcra_title }} · {{ name }}{% if version %} · {{ t.version }} {{ version }}{% endif %} · "
                 "{{ t.data_as_of }} {{ data_as_of }} · {{ t.generated_at }} {{ generated_at }} · {{ t.page }} ")
    _field(foot, "PAGE")
    foot.add_run(" / ")
    _field(foot, "NUMPAGES")

    document.add_paragraph("{{ t.pcra_title }} ({{ t.pcra_short }})", style="Subtitle")
    document.add_paragraph("{{ name }}", style="Title")
    facts = document.add_table(rows=9, cols=2)
    facts.style = document.styles[TABLE_STYLE]
    for row, (label, value) in zip(facts.rows, [
        ("{{ t.establishment }}", "{{ establishment }}{% if finess %} — {{ t.finess }} {{ finess }}{% endif %}"),
        ("{{ t.category }}", "{{ category }}"), ("{{ t.critical }}", "{{ critical or '—' }}"),
        ("{{ t.owner }}", "{{ owner or '—' }}"), ("{{ t.sites }}", "{{ sites or '—' }}"),
        ("{{ t.version }}", "{{ version or '—' }}"), ("{{ t.approved_by }}", "{{ approved_by or '—' }}"),
        ("{{ t.reviewed_at }}", "{{ reviewed_at or '—' }}"), ("{{ t.data_as_of }}", "{{ data_as_of }}"),
    ], strict=True):
        row.cells[0].text, row.cells[1].text = label, value
    _widths(facts, [50, 124])

    document.add_heading("1. {{ t.s_context }}", level=1)
    _tag(document, "{%p for para in description %}")
    document.add_paragraph("{{ para }}")
    _tag(document, "{%p endfor %}")
    _tag(document, "{%p if not description %}")
    document.add_paragraph("{{ t.context_empty }}")
    _tag(document, "{%p endif %}")
    _tag(document, "{%p if staff %}")
    _labelled(document, "{{ t.staff }}", "{{ staff }}")
    _tag(document, "{%p endif %}")
    document.add_paragraph("{{ t.context_scope }}")

    document.add_heading("2. {{ t.s_objectives }}", level=1)
    objectives = document.add_table(rows=2, cols=4)
    objectives.style = document.styles[TABLE_STYLE]
    for i, key in enumerate(("dmia", "pdma", "rto", "rpo")):
        objectives.rows[0].cells[i].text = "{{ t.%s }} — {{ t.%s_long }}" % (key, key)
        objectives.rows[1].cells[i].text = "{{ %s }}" % key
    _small(*objectives.rows)
    _widths(objectives, [43.5] * 4)
    _tag(document, "{%p if predicted %}")
    _labelled(document, "{{ t.predicted }}", "{{ predicted }}{% if predicted_status %} — {{ predicted_status }}{% endif %}"
                                             "{% if predicted_gap %} ({{ predicted_gap }}){% endif %}")
    _tag(document, "{%p endif %}")

    document.add_heading("3. {{ t.s_impacts }}", level=1)
    axes = ("patient_safety", "continuity", "legal", "financial", "reputation")
    for rows, title, intro, window in (("impacts", "s_impacts_interruption", "impacts_intro", "window"),
                                       ("data_loss_impacts", "s_impacts_data_loss", "data_loss_intro", "data_window")):
        _tag(document, "{%p if " + rows + " %}")
        document.add_heading("{{ t.%s }}" % title, level=2)
        document.add_paragraph("{{ t.%s }}" % intro).paragraph_format.keep_with_next = True
        _table(document, ["{{ t.%s }}" % window] + ["{{ t.%s }}" % a for a in axes],
               ["{{ row.window }}"] + ["{{ row.%s }}" % a for a in axes], "for row in " + rows,
               [29, 31, 31, 27, 28, 28])
        _tag(document, "{%p endif %}")
    _tag(document, "{%p if not impacts and not data_loss_impacts %}")
    document.add_paragraph("{{ t.impacts_empty }}")
    _tag(document, "{%p endif %}")

    document.add_heading("4. {{ t.s_dependencies }}", level=1)
    _tag(document, "{%p if dependencies %}")
    _table(document, ["{{ t.dependency }}", "{{ t.kind }}", "{{ t.notes }}"],
           ["{{ d.name }}", "{{ d.kind }}", "{{ d.notes }}"], "for d in dependencies", [70, 40, 64])
    _tag(document, "{%p else %}")
    document.add_paragraph("{{ t.dependencies_empty }}")
    _tag(document, "{%p endif %}")

    document.add_heading("5. {{ t.s_procedures }}", level=1)
    _tag(document, "{%p for proc in procedures %}")
    document.add_heading("{{ proc.title }}", level=2)
    _labelled(document, "{{ t.trigger }}", "{{ proc.trigger }}")
    _labelled(document, "{{ t.triggered_by }}", "{{ proc.triggered_by }}")
    document.add_paragraph().add_run("{{ t.steps }}").bold = True
    _tag(document, "{%p for s in proc.steps %}")
    step = document.add_paragraph("{{ loop.index }}. {{ s }}")
    step.paragraph_format.left_indent = Mm(6)
    _tag(document, "{%p endfor %}")
    _tag(document, "{%p if proc.forms %}")
    _labelled(document, "{{ t.forms }}", "{{ proc.forms_text }}")
    _tag(document, "{%p endif %}")
    _tag(document, "{%p if proc.return_to_normal %}")
    _labelled(document, "{{ t.return_to_normal }}", "{{ proc.return_to_normal }}")
    _tag(document, "{%p endif %}")
    _tag(document, "{%p endfor %}")
    _tag(document, "{%p if not procedures %}")
    document.add_paragraph("{{ t.procedures_empty }}")
    _tag(document, "{%p endif %}")

    # No "on call" column: the on-call list is its own table, and the directory holds everybody else.
    contact_headers = ["{{ t.name }}", "{{ t.role }}", "{{ t.organisation }}", "{{ t.phone }}",
                       "{{ t.phone_alt }}", "{{ t.availability }}"]
    contact_cells = ["{{ c.name }}", "{{ c.role }}", "{{ c.organisation }}", "{{ c.phone }}",
                     "{{ c.phone_alt }}", "{{ c.availability }}"]
    contact_widths = [32, 38, 22, 26, 30, 26]
    document.add_heading("6. {{ t.s_contacts }}", level=1)
    _tag(document, "{%p if directory %}")
    _table(document, contact_headers, contact_cells, "for c in directory", contact_widths)
    _tag(document, "{%p elif not on_call %}")
    document.add_paragraph("{{ t.contacts_empty }}")
    _tag(document, "{%p endif %}")
    _tag(document, "{%p if on_call %}")
    document.add_heading("{{ t.on_call_list }}", level=2)
    _table(document, contact_headers, contact_cells, "for c in on_call", contact_widths)
    _tag(document, "{%p endif %}")
    _tag(document, "{%p if cell %}")
    document.add_heading("{{ t.s_cell }}", level=2)
    _labelled(document, "{{ t.meeting_place }}", "{{ cell.meeting_place }}")
    _labelled(document, "{{ t.backup_meeting_place }}", "{{ cell.backup_meeting_place }}")
    _labelled(document, "{{ t.conference_bridge }}", "{{ cell.conference_bridge }}")
    _labelled(document, "{{ t.activation }}", "{{ cell.activation }}", keep_with_next=True)
    _table(document, ["{{ t.role }}", "{{ t.name }}", "{{ t.organisation }}", "{{ t.phone }}", "{{ t.phone_alt }}"],
           ["{{ m.role }}", "{{ m.name }}", "{{ m.organisation }}", "{{ m.phone }}", "{{ m.phone_alt }}"],
           "for m in cell.members", [38, 38, 30, 34, 34])
    _tag(document, "{%p endif %}")

    document.add_heading("7. {{ t.s_runbook }}", level=1)
    _tag(document, "{%p if runbook and runbook.steps %}")
    _labelled(document, "{{ t.scenario }}", "{{ runbook.scenario }}", keep_with_next=True)
    _tag(document, "{%p if runbook.computed_at %}")
    _labelled(document, "{{ t.computed_at }}", "{{ runbook.computed_at }}", keep_with_next=True)
    _tag(document, "{%p endif %}")
    document.add_paragraph("{{ t.runbook_intro }}").paragraph_format.keep_with_next = True
    _table(document, ["{{ t.order }}", "{{ t.component }}", "{{ t.action }}", "{{ t.team }}", "{{ t.start }}",
                      "{{ t.end }}", "{{ t.after }}", "{{ t.gives_back }}"],
           ["{{ s.order }}", "{{ s.component }}", "{{ s.action }}", "{{ s.team }}", "{{ s.start }}", "{{ s.end }}",
            "{{ s.after }}", "{{ s.gives_back }}"], "for s in runbook.steps", [9, 30, 30, 24, 18, 18, 14, 31])
    document.add_paragraph("{{ t.runbook_numbers }}")
    _tag(document, "{%p elif runbook %}")
    document.add_paragraph("{{ t.runbook_nothing % runbook.scenario }}")
    _tag(document, "{%p else %}")
    document.add_paragraph("{{ t.runbook_empty }}")
    _tag(document, "{%p endif %}")

    document.add_heading("8. {{ t.s_tests }}", level=1)
    _tag(document, "{%p if tests %}")
    _table(document, ["{{ t.date }}", "{{ t.scope }}", "{{ t.duration }}", "{{ t.vs_rto }}", "{{ t.data_loss }}",
                      "{{ t.vs_rpo }}", "{{ t.result }}", "{{ t.validated_by }}"],
           ["{{ r.date }}", "{{ r.scope }}", "{{ r.duration }}", "{{ r.vs_rto }}", "{{ r.data_loss }}",
            "{{ r.vs_rpo }}", "{{ r.result }}", "{{ r.validated_by }}"], "for r in tests",
           [20, 36, 18, 17, 18, 17, 16, 32])
    _tag(document, "{%p else %}")
    document.add_paragraph("{{ t.tests_empty }}")
    _tag(document, "{%p endif %}")

    document.core_properties.title = "PCRA"
    document.core_properties.author = "Vigie"
    document.save(str(path))


if __name__ == "__main__":
    from .render import TEMPLATES

    target = Path(sys.argv[1]) if len(sys.argv) > 1 else TEMPLATES / "pcra.docx"
    build_template(target)
    print(f"wrote {target}")
