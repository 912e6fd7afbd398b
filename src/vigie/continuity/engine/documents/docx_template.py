"""Builds the built-in PCRA template ``templates/pcra.docx`` (docxtpl tags in a python-docx document).

Run ``python -m vigie.continuity.engine.documents.docx_template`` after changing this file and commit the
result. Only Word's built-in styles are used (Title, Subtitle, Heading 1/2, Normal, Light Grid Accent 1),
so a hospital restyles the whole document by changing those styles in Word and passing the file as
``pcra_docx(template=...)``. Fixed texts are variables (``{{ t.s_context }}``) so the same template
serves French and English; they can be replaced by any wording.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

__all__ = ["build_template"]

TABLE_STYLE = "Light Grid Accent 1"


def _page_field(paragraph: Any) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def _tag(document: Any, tag: str) -> None:
    """A paragraph holding only a docxtpl paragraph tag ({%p ... %}): docxtpl removes the paragraph."""
    document.add_paragraph(tag)


def _labelled(document: Any, label: str, value: str) -> None:
    paragraph = document.add_paragraph()
    paragraph.add_run(label + " : ").bold = True
    paragraph.add_run(value)


def _table(document: Any, headers: list[str], cells: list[str], loop: str) -> None:
    """A header row, then one row repeated by ``{%tr for … %}`` (docxtpl removes the tag rows)."""
    table = document.add_table(rows=4, cols=len(headers))
    table.style = document.styles[TABLE_STYLE]
    for cell, header in zip(table.rows[0].cells, headers, strict=True):
        cell.text = header
    table.rows[1].cells[0].text = "{%tr " + loop + " %}"
    for cell, value in zip(table.rows[2].cells, cells, strict=True):
        cell.text = value
    table.rows[3].cells[0].text = "{%tr endfor %}"


def build_template(path: Path) -> None:
    """Write the built-in template to ``path``."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm, Pt

    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(18)
    section.top_margin, section.bottom_margin = Mm(20), Mm(18)
    document.styles["Normal"].font.size = Pt(10)

    head = section.header.paragraphs[0]
    head.text = "{{ establishment }}{% if finess %} · {{ t.finess }} {{ finess }}{% endif %} — {{ t.pcra_short }} {{ name }}"
    date = section.header.add_paragraph()
    date.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    date.add_run("{{ t.data_as_of }} {{ data_as_of }}").bold = True
    foot = section.footer.paragraphs[0]
    foot.text = ("{{ t.pcra_title }} · {{ name }}{% if version %} · {{ t.version }} {{ version }}{% endif %} · "
                 "{{ t.data_as_of }} {{ data_as_of }} · {{ t.generated_at }} {{ generated_at }} · {{ t.page }} ")
    _page_field(foot)

    document.add_paragraph("{{ t.pcra_title }} ({{ t.pcra_short }})", style="Subtitle")
    document.add_paragraph("{{ name }}", style="Title")
    facts = document.add_table(rows=8, cols=2)
    facts.style = document.styles[TABLE_STYLE]
    for row, (label, value) in zip(facts.rows, [
        ("{{ t.activity }}", "{{ establishment }}{% if finess %} — {{ t.finess }} {{ finess }}{% endif %}"),
        ("{{ t.category }}", "{{ category }}"), ("{{ t.owner }}", "{{ owner }}"), ("{{ t.sites }}", "{{ sites }}"),
        ("{{ t.version }}", "{{ version }}"), ("{{ t.approved_by }}", "{{ approved_by }}"),
        ("{{ t.reviewed_at }}", "{{ reviewed_at }}"), ("{{ t.data_as_of }}", "{{ data_as_of }}"),
    ], strict=True):
        row.cells[0].text, row.cells[1].text = label, value

    document.add_heading("1. {{ t.s_context }}", level=1)
    _tag(document, "{%p for para in description %}")
    document.add_paragraph("{{ para }}")
    _tag(document, "{%p endfor %}")
    _tag(document, "{%p if not description %}")
    document.add_paragraph("{{ t.context_empty }}")
    _tag(document, "{%p endif %}")
    document.add_paragraph("{{ t.context_scope }}")

    document.add_heading("2. {{ t.s_objectives }}", level=1)
    objectives = document.add_table(rows=2, cols=4)
    objectives.style = document.styles[TABLE_STYLE]
    for i, key in enumerate(("dmia", "pdma", "rto", "rpo")):
        objectives.rows[0].cells[i].text = "{{ t.%s }} — {{ t.%s_long }}" % (key, key)
        objectives.rows[1].cells[i].text = "{{ %s }}" % key
    _tag(document, "{%p if predicted %}")
    _labelled(document, "{{ t.predicted }}", "{{ predicted }}{% if predicted_status %} — {{ predicted_status }}{% endif %}")
    _tag(document, "{%p endif %}")

    document.add_heading("3. {{ t.s_impacts }}", level=1)
    _tag(document, "{%p if impacts %}")
    document.add_paragraph("{{ t.impacts_intro }}")
    axes = ("patient_safety", "continuity", "legal", "financial", "reputation")
    _table(document, ["{{ t.window }}"] + ["{{ t.%s }}" % a for a in axes],
           ["{{ row.window }}"] + ["{{ row.%s }}" % a for a in axes], "for row in impacts")
    _tag(document, "{%p else %}")
    document.add_paragraph("{{ t.impacts_empty }}")
    _tag(document, "{%p endif %}")

    document.add_heading("4. {{ t.s_dependencies }}", level=1)
    _tag(document, "{%p if dependencies %}")
    _table(document, ["{{ t.dependency }}", "{{ t.kind }}", "{{ t.notes }}"],
           ["{{ d.name }}", "{{ d.kind }}", "{{ d.notes }}"], "for d in dependencies")
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

    contact_headers = ["{{ t.name }}", "{{ t.role }}", "{{ t.organisation }}", "{{ t.phone }}",
                       "{{ t.phone_alt }}", "{{ t.availability }}", "{{ t.on_call }}"]
    contact_cells = ["{{ c.name }}", "{{ c.role }}", "{{ c.organisation }}", "{{ c.phone }}",
                     "{{ c.phone_alt }}", "{{ c.availability }}", "{{ c.on_call }}"]
    document.add_heading("6. {{ t.s_contacts }}", level=1)
    _tag(document, "{%p if contacts %}")
    _table(document, contact_headers, contact_cells, "for c in contacts")
    _tag(document, "{%p else %}")
    document.add_paragraph("{{ t.contacts_empty }}")
    _tag(document, "{%p endif %}")
    _tag(document, "{%p if on_call %}")
    document.add_heading("{{ t.on_call_list }}", level=2)
    _table(document, contact_headers, contact_cells, "for c in on_call")
    _tag(document, "{%p endif %}")
    _tag(document, "{%p if cell %}")
    document.add_heading("{{ t.s_cell }}", level=2)
    _labelled(document, "{{ t.meeting_place }}", "{{ cell.meeting_place }}")
    _labelled(document, "{{ t.backup_meeting_place }}", "{{ cell.backup_meeting_place }}")
    _labelled(document, "{{ t.conference_bridge }}", "{{ cell.conference_bridge }}")
    _labelled(document, "{{ t.activation }}", "{{ cell.activation }}")
    _table(document, ["{{ t.role }}", "{{ t.name }}", "{{ t.organisation }}", "{{ t.phone }}", "{{ t.phone_alt }}"],
           ["{{ m.role }}", "{{ m.name }}", "{{ m.organisation }}", "{{ m.phone }}", "{{ m.phone_alt }}"],
           "for m in cell.members")
    _tag(document, "{%p endif %}")

    document.add_heading("7. {{ t.s_runbook }}", level=1)
    _tag(document, "{%p if runbook and runbook.steps %}")
    _labelled(document, "{{ t.scenario }}", "{{ runbook.scenario }}")
    _tag(document, "{%p if runbook.computed_at %}")
    _labelled(document, "{{ t.computed_at }}", "{{ runbook.computed_at }}")
    _tag(document, "{%p endif %}")
    document.add_paragraph("{{ t.runbook_intro }}")
    _table(document, ["{{ t.order }}", "{{ t.component }}", "{{ t.action }}", "{{ t.team }}", "{{ t.start }}",
                      "{{ t.end }}", "{{ t.after }}", "{{ t.gives_back }}"],
           ["{{ s.order }}", "{{ s.component }}", "{{ s.action }}", "{{ s.team }}", "{{ s.start }}", "{{ s.end }}",
            "{{ s.after }}", "{{ s.gives_back }}"], "for s in runbook.steps")
    _tag(document, "{%p else %}")
    document.add_paragraph("{{ t.runbook_empty }}")
    _tag(document, "{%p endif %}")

    document.add_heading("8. {{ t.s_tests }}", level=1)
    _tag(document, "{%p if tests %}")
    _table(document, ["{{ t.date }}", "{{ t.scope }}", "{{ t.duration }}", "{{ t.vs_rto }}", "{{ t.data_loss }}",
                      "{{ t.vs_rpo }}", "{{ t.result }}", "{{ t.validated_by }}"],
           ["{{ r.date }}", "{{ r.scope }}", "{{ r.duration }}", "{{ r.vs_rto }}", "{{ r.data_loss }}",
            "{{ r.vs_rpo }}", "{{ r.result }}", "{{ r.validated_by }}"], "for r in tests")
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
