"""The PCRA of one activity, generated as DOCX and PDF and read back (python-docx, pypdf, pdftoppm)."""

from __future__ import annotations

import dataclasses
import io
import shutil
import subprocess
from pathlib import Path

import docx
import pytest
from PIL import Image, ImageStat
from pypdf import PdfReader

from tests.continuity.documents_data import BIOLOGIE, CELL, DATA_AS_OF, ESTABLISHMENT, URGENCES
from vigie.continuity.engine.documents import (
    Contact, ImpactRow, InvalidInput, Runbook, RunbookStep, TemplateError, pcra_docx, pcra_pdf,
)

SECTIONS_FR = ["1. Contexte", "2. Objectifs de continuité et de reprise", "3. Analyse d'impact", "4. Dépendances",
               "5. Procédures en mode dégradé", "6. Contacts et astreintes", "7. Ordre de reprise",
               "8. Historique des tests de restauration"]


def _docx(plan=URGENCES, **kwargs):
    return docx.Document(io.BytesIO(pcra_docx(plan, ESTABLISHMENT, data_as_of=DATA_AS_OF, **kwargs)))


def _table_after(document, heading):
    """The first table that follows the paragraph ``heading`` in the body."""
    body = document.element.body
    seen = False
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[1]
        if tag == "p" and docx.text.paragraph.Paragraph(child, document).text == heading:
            seen = True
        elif tag == "tbl" and seen:
            return docx.table.Table(child, document)
    raise AssertionError(f"no table after {heading!r}")


def test_it_writes_every_section_of_the_pcra_in_french_by_default():
    document = _docx(crisis_cell=CELL)
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings == SECTIONS_FR
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Accueil et tri des patients sans DPI" in text
    assert "Qui déclenche : Cadre de santé de garde, sur avis du médecin senior" in text
    assert "1. Sortir les dossiers papier du classeur rouge." in text
    assert "Reprise prévue par le plan de reprise : 9 h — au-delà de la DMIA" in text
    assert "{{" not in text and "{%" not in text  # every template tag was rendered
    objectives = _table_after(document, SECTIONS_FR[1])
    assert [c.text for c in objectives.rows[1].cells] == ["4 h", "1 h", "3 h", "15 min"]


def test_the_runbook_is_printed_in_dependency_order():
    table = _table_after(_docx(plan=BIOLOGIE), "7. Ordre de reprise")
    rows = [[c.text for c in row.cells] for row in table.rows[1:]]
    assert [r[1] for r in rows] == ["Réseau d'administration isolé", "Annuaire Active Directory",
                                    "Serveur de base de données DPI", "DPI (dossier patient)", "Laboratoire (SIL)"]
    assert rows[3][6] == "2, 3" and rows[3][4] == "T+7 h" and rows[4][5] == "T+11 h"


def test_the_steps_given_out_of_order_are_sorted_by_order():
    shuffled = dataclasses.replace(BIOLOGIE, runbook=Runbook("s", tuple(reversed(BIOLOGIE.runbook.steps))))
    table = _table_after(_docx(plan=shuffled), "7. Ordre de reprise")
    assert [row.cells[0].text for row in table.rows[1:]] == ["1", "2", "3", "4", "5"]


def test_the_data_date_is_in_the_header_and_footer_of_every_page():
    document = _docx()
    for section in document.sections:
        header = "\n".join(p.text for p in section.header.paragraphs)
        footer = "\n".join(p.text for p in section.footer.paragraphs)
        assert "Données au 28/11/2026 17:45" in header
        assert "Données au 28/11/2026 17:45" in footer
        assert "Centre hospitalier de Vallon" in header


def test_the_restore_tests_are_compared_with_rto_and_rpo():
    table = _table_after(_docx(), SECTIONS_FR[7])
    rows = [[c.text for c in row.cells] for row in table.rows[1:]]
    # newest first; 200 min > RTO 180 min; 20 min > RPO 15 min
    assert rows[0][:7] == ["02/10/2026", "DPI complet", "2 h 50", "conforme", "20 min", "dépassé", "réussi"]
    assert rows[1][:7] == ["12/03/2026", "Base DPI sur serveur isolé", "3 h 20", "dépassé", "10 min", "conforme",
                           "réussi"]


def test_it_writes_english_when_asked():
    document = _docx(language="en")
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings[0] == "1. Context" and headings[6] == "7. Recovery order"
    assert "Data as of 2026-11-28 17:45" in document.sections[0].header.paragraphs[1].text


def test_user_data_is_escaped_not_interpreted():
    hostile = dataclasses.replace(URGENCES, name="Urgences <b>&</b> {{ t.page }}",
                                  contacts=(Contact("<script>alert(1)</script>", "R&D", "1"),))
    document = _docx(plan=hostile)
    assert document.paragraphs[1].text == "Urgences <b>&</b> {{ t.page }}"
    table = _table_after(document, SECTIONS_FR[5])
    assert table.rows[1].cells[0].text == "<script>alert(1)</script>"
    html_pdf = PdfReader(io.BytesIO(pcra_pdf(hostile, ESTABLISHMENT, data_as_of=DATA_AS_OF)))
    assert "<script>alert(1)</script>" in "".join(page.extract_text() for page in html_pdf.pages)


def test_a_restyled_template_is_used_and_a_broken_one_is_refused(tmp_path):
    from vigie.continuity.engine.documents import default_docx_template

    restyled = docx.Document(str(default_docx_template()))
    restyled.styles["Heading 1"].font.size = docx.shared.Pt(20)
    restyled.add_paragraph("Document interne du CH de Vallon")
    path = tmp_path / "restyled.docx"
    restyled.save(str(path))
    document = _docx(template=path)
    assert document.styles["Heading 1"].font.size == docx.shared.Pt(20)
    assert document.paragraphs[-1].text == "Document interne du CH de Vallon"

    broken = tmp_path / "broken.docx"
    broken.write_text("not a zip")
    with pytest.raises(TemplateError, match="broken.docx: not a DOCX file"):
        _docx(template=broken)
    bad_tag = docx.Document()
    bad_tag.add_paragraph("{{ unclosed ")
    bad_tag.save(str(tmp_path / "bad.docx"))
    with pytest.raises(TemplateError, match="bad.docx: cannot render"):
        _docx(template=tmp_path / "bad.docx")


@pytest.mark.parametrize(("plan", "field", "message"), [
    (dataclasses.replace(URGENCES, impacts=(ImpactRow(60, 5, 0, 0, 0, 0),)), "plan.impacts[0].patient_safety",
     "from 0 to 4"),
    (dataclasses.replace(URGENCES, impacts=(ImpactRow(60, 1, 0, 0, 0, 0), ImpactRow(60, 2, 0, 0, 0, 0))),
     "plan.impacts[1].window", "appears twice"),
    (dataclasses.replace(URGENCES, rto=-5), "plan.rto", ">= 0"),
    (dataclasses.replace(URGENCES, runbook=Runbook("s", (RunbookStep(1, "AD", "sys", 0, 10, (2,)),
                                                         RunbookStep(2, "DNS", "sys", 10, 20, (1,))))),
     "plan.runbook.steps[0].depends_on", "does not come before it"),
    (dataclasses.replace(URGENCES, runbook=Runbook("s", (RunbookStep(1, "AD", "sys", 0, 10, (7,)),))),
     "plan.runbook.steps[0].depends_on", "not in the runbook"),
    (dataclasses.replace(URGENCES, runbook=Runbook("s", (RunbookStep(1, "AD", "sys", 0, 30),
                                                         RunbookStep(2, "DPI", "app", 10, 20, (1,))))),
     "plan.runbook.steps[1].depends_on", "before step 1"),
])
def test_bad_input_is_refused_with_the_field_named(plan, field, message):
    with pytest.raises(InvalidInput) as caught:
        pcra_docx(plan, ESTABLISHMENT, data_as_of=DATA_AS_OF)
    assert caught.value.field == field and message in caught.value.message
    with pytest.raises(InvalidInput):
        pcra_pdf(plan, ESTABLISHMENT, data_as_of=DATA_AS_OF)


def test_an_unknown_language_is_refused():
    with pytest.raises(InvalidInput, match="language: unknown language 'de'"):
        pcra_docx(URGENCES, ESTABLISHMENT, data_as_of=DATA_AS_OF, language="de")


def test_the_pdf_has_the_data_date_on_every_page_and_renders_to_a_printed_page(tmp_path: Path):
    pdf = pcra_pdf(URGENCES, ESTABLISHMENT, data_as_of=DATA_AS_OF, crisis_cell=CELL)
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) >= 2
    for number, page in enumerate(reader.pages, start=1):
        text = page.extract_text()
        assert "Données au 28/11/2026 17:45" in text
        assert f"Page {number} / {len(reader.pages)}" in text
    everything = "".join(page.extract_text() for page in reader.pages)
    for heading in SECTIONS_FR:
        assert heading in everything
    assert everything.index("Annuaire Active Directory") < everything.index("DPI (dossier patient)")

    pdftoppm = shutil.which("pdftoppm")
    assert pdftoppm, "poppler-utils is missing: scripts/test installs it"
    (tmp_path / "pcra.pdf").write_bytes(pdf)
    subprocess.run([pdftoppm, "-r", "50", "-f", "1", "-l", "1", "-png", "-singlefile", str(tmp_path / "pcra.pdf"),
                    str(tmp_path / "page")], check=True, timeout=60)
    image = Image.open(tmp_path / "page.png").convert("L")
    assert image.size[0] < image.size[1]  # portrait A4
    assert ImageStat.Stat(image).var[0] > 200  # ink on the page, not a blank sheet
