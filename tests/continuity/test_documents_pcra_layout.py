"""What an RSSI reading the printed PCRA needs, checked in the DOCX and PDF read back: both impact tables (DMIA
and PDMA), the establishment named as such, the gap to the DMIA spelt out, nobody listed twice, fixed column
widths and repeated header rows (Word's autofit broke dates one character per line), "Page n / N"."""

from __future__ import annotations

import dataclasses
import io

import docx
from docx.oxml.ns import qn
from pypdf import PdfReader

from tests.continuity.documents_data import DATA_AS_OF, ESTABLISHMENT, URGENCES
from tests.continuity.test_documents_pcra import _docx, _table_after
from vigie.continuity.engine.documents import ImpactRow, Runbook, pcra_pdf

WITH_DATA_LOSS = dataclasses.replace(
    URGENCES, data_loss_impacts=(ImpactRow(60, 1, 1, 0, 0, 0), ImpactRow(240, 3, 2, 1, 1, 1)),
    critical=True, staff="1 médecin senior, 2 IDE, 1 agent d'accueil")


def _text(document) -> str:
    return "\n".join(p.text for p in document.paragraphs)


def test_both_impact_tables_are_printed_with_what_they_set():
    document = _docx(plan=WITH_DATA_LOSS)
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 2"]
    assert "Impact d'une interruption (fonde la DMIA)" in headings
    assert "Impact d'une perte de données (fonde la PDMA)" in headings
    loss = _table_after(document, "Impact d'une perte de données (fonde la PDMA)")
    assert [c.text for c in loss.rows[0].cells][0] == "Données perdues sur"
    assert [c.text for c in loss.rows[2].cells] == ["4 h", "3 — grave", "2 — significatif", "1 — faible",
                                                   "1 — faible", "1 — faible"]


def test_the_title_block_names_the_establishment_and_the_context_the_staff():
    document = _docx(plan=WITH_DATA_LOSS)
    facts = {row.cells[0].text: row.cells[1].text for row in document.tables[0].rows}
    assert facts["Établissement"] == "Centre hospitalier de Vallon — FINESS 690000123"
    assert "Activité" not in facts and facts["Activité critique"] == "oui" and facts["Version"] == "2.1"
    assert "Personnel nécessaire en mode dégradé : 1 médecin senior, 2 IDE, 1 agent d'accueil" in _text(document)
    blank = _docx(plan=dataclasses.replace(URGENCES, version=""))
    assert {row.cells[0].text: row.cells[1].text for row in blank.tables[0].rows}["Version"] == "—"


def test_the_gap_to_the_dmia_is_spelt_out():
    # predicted 9 h against a DMIA of 4 h
    assert "9 h — au-delà de la DMIA (dépassement de 5 h : prévoir le mode dégradé" in _text(_docx())
    within = _docx(plan=dataclasses.replace(URGENCES, predicted_recovery=200))
    assert "3 h 20 — dans la DMIA" in _text(within) and "dépassement" not in _text(within)


def test_on_call_contacts_are_in_the_on_call_list_only():
    document = _docx()
    directory = _table_after(document, "6. Contacts et astreintes")
    on_call = _table_after(document, "Liste d'astreinte")
    assert [r.cells[0].text for r in directory.rows[1:]] == ["Mme Dupont"]
    assert [r.cells[0].text for r in on_call.rows[1:]] == ["Dr Martin"]
    assert "Astreinte" not in [c.text for c in directory.rows[0].cells]  # the list says it: no yes/no column


def test_tables_have_fixed_widths_and_repeat_their_header_row():
    document = _docx(plan=WITH_DATA_LOSS)
    for table in document.tables:
        grid = [int(col.get(qn("w:w"))) for col in table._tbl.tblGrid.findall(qn("w:gridCol"))]
        assert abs(sum(grid) / 1440 * 25.4 - 174) < 1, grid  # twentieths of a point: the A4 text width
    tests = _table_after(document, "8. Historique des tests de restauration")
    assert tests.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    assert tests.columns[0].width >= docx.shared.Mm(19)  # "02/10/2026" on one line


def test_the_footer_counts_the_pages():
    footer = _docx().sections[0].footer.paragraphs[0]._p
    fields = [f.get(qn("w:instr")) for f in footer.iter(qn("w:fldSimple"))]
    assert fields == ["PAGE", "NUMPAGES"]


def test_a_scenario_that_spares_the_activity_says_so():
    spared = dataclasses.replace(URGENCES, runbook=Runbook("Perte du SaaS de paie", ()))
    assert "Le scénario « Perte du SaaS de paie » ne touche rien de ce dont cette activité a besoin" in _text(
        _docx(plan=spared))
    assert "lancez un scénario de reprise" in _text(_docx(plan=dataclasses.replace(URGENCES, runbook=None)))


def test_the_pdf_prints_the_same_additions():
    reader = PdfReader(io.BytesIO(pcra_pdf(WITH_DATA_LOSS, ESTABLISHMENT, data_as_of=DATA_AS_OF)))
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    assert "Impact d'une perte de données (fonde la PDMA)" in text and "Données perdues sur" in text
    assert "Établissement Centre hospitalier de Vallon" in text
    assert "dépassement de 5 h" in text and "Personnel nécessaire en mode dégradé" in text
    directory = text[text.index("6. Contacts et astreintes"):text.index("Liste d'astreinte")]
    assert "Dr Martin" not in directory and "Mme Dupont" in directory
