"""The BIA workbook: the template downloads, a filled workbook imports every sheet, exports back the same;
a bad workbook reports each error with its sheet, row and column and imports nothing."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from tests.conftest import login
from vigie.continuity import workbook
from vigie.continuity.models import Activity, Application, Component, DegradedProcedure, Impact, Supplier, Team
from vigie.core.imports import escape_formula

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def book(rows: dict[str, list[list]]) -> SimpleUploadedFile:
    wb = Workbook()
    wb.remove(wb.active)
    for sheet in workbook.SHEETS:
        ws = wb.create_sheet(sheet.title)
        ws.append(list(sheet.columns))
        for row in rows.get(sheet.title, []):
            ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return SimpleUploadedFile("bia.xlsx", buffer.getvalue(), content_type=XLSX)


def good_rows(site_finess):
    return {
        "Équipes": [["Système", 2, "06 00 00 00 01"]],
        "Fournisseurs": [["Éditeur DPI", "supplier", "01 00 00 00 00", "", "24/7", "C-12"]],
        "Composants": [["AD", "directory", "windows", "salle A", "Système", 1, 5, 2, 1, "", ""],
                       ["SRV-DPI", "server", "windows", "salle A", "Système", 1, 300, 4, 3, "AD", ""],
                       ["BDD-DPI", "database", "linux", "salle A", "Système", 1, 200, 2, 2, "SRV-DPI", "Éditeur DPI"]],
        "Applications": [["DPI", "Éditeur", "on_premise", "BDD-DPI", "", "Éditeur DPI"]],
        "Activités": [["Urgences", "care_service", 1, "Chef des urgences", "-à surveiller", site_finess, "2 IDE",
                       "DPI", "2025-05-01", "Directeur"]],
        "Impacts": [["Urgences", "interruption", "patient_safety", 1, 2, 3, 4, 4],
                    ["Urgences", "data_loss", "legal", 0, 1, 3, 3, 3]],
        "Procédures": [["Urgences", "Dossier papier", "cadre de garde", "DPI indisponible 30 min",
                        "Sortir les fiches\nTracer les entrées", "suivi-patients"]],
    }


def test_round_trip(client, world):
    login(client, world.alice)
    template = client.get(reverse("continuity:workbook_download"))
    assert template.status_code == 200
    assert [ws.title for ws in load_workbook(io.BytesIO(template.content)).worksheets][1:] == \
        [s.title for s in workbook.SHEETS]

    upload = book(good_rows(world.site_a.finess))
    response = client.post(reverse("continuity:workbook_import"),
                           {"organisation": world.hospital_a.pk, "workbook": upload})
    assert response.status_code == 302, response.content.decode()[:3000]
    activity = Activity.objects.get(name="Urgences")
    assert activity.description == "-à surveiller"  # kept as text, never a formula
    assert (activity.dmia_hours, activity.pdma_hours) == (1, 4)
    assert list(activity.sites.all()) == [world.site_a]
    assert Component.objects.get(name="BDD-DPI").depends_on.get().name == "SRV-DPI"
    assert Impact.objects.filter(activity=activity).count() == 10
    assert DegradedProcedure.objects.get().step_list == ["Sortir les fiches", "Tracer les entrées"]

    exported = client.get(reverse("continuity:workbook_download") + f"?organisation={world.hospital_a.uuid}")
    wb = load_workbook(io.BytesIO(exported.content))
    assert wb["Activités"]["E2"].value == escape_formula("-à surveiller") == "'-à surveiller"
    counts = {m: m.objects.count() for m in (Activity, Application, Component, Supplier, Team, Impact,
                                             DegradedProcedure)}
    again = workbook.import_workbook(SimpleUploadedFile("again.xlsx", exported.content), world.hospital_a)
    assert again.ok, [str(e) for e in again.errors]
    assert {m: m.objects.count() for m in counts} == counts
    activity.refresh_from_db()
    assert activity.description == "-à surveiller" and (activity.dmia_hours, activity.pdma_hours) == (1, 4)


def test_bad_workbook_reports_sheet_row_column_and_imports_nothing(world):
    rows = good_rows(world.site_a.finess)
    rows["Composants"][1][1] = "mainframe"                    # Composants row 3: unknown kind
    rows["Activités"][0][1] = "cuisine"                       # Activités row 2: unknown category
    rows["Activités"][0][5] = "999999999"                     # Activités row 2: unknown site
    rows["Équipes"].append(["Réseau", "deux", ""])            # Équipes row 3: not a number
    report = workbook.import_workbook(book(rows), world.hospital_a)
    assert not report.ok
    found = {(e.sheet, e.line, e.column) for e in report.errors}
    assert ("Composants", 3, "type") in found
    assert ("Activités", 2, "catégorie") in found
    assert ("Équipes", 3, "tâches_en_parallèle") in found
    assert "mainframe" in " ".join(str(e) for e in report.errors)
    for model in (Activity, Application, Component, Supplier, Team, Impact, DegradedProcedure):
        assert model.objects.count() == 0, model


def test_cycle_and_decreasing_impacts_are_refused(world):
    rows = good_rows(world.site_a.finess)
    rows["Composants"][0][9] = "BDD-DPI"  # AD needs BDD-DPI, which needs SRV-DPI, which needs AD
    report = workbook.import_workbook(book(rows), world.hospital_a)
    assert not report.ok
    (error,) = report.errors
    assert error.sheet == "Composants" and "→" in error.message and "AD" in error.message
    assert Component.objects.count() == 0

    rows = good_rows(world.site_a.finess)
    rows["Impacts"][0][3:8] = [3, 1, 1, 1, 1]
    report = workbook.import_workbook(book(rows), world.hospital_a)
    assert [(e.sheet, e.line) for e in report.errors] == [("Impacts", 2)]
    assert Activity.objects.count() == 0


def test_not_a_workbook(world):
    report = workbook.import_workbook(SimpleUploadedFile("x.xlsx", b"hello"), world.hospital_a)
    assert not report.ok and report.errors[0].line == 0


def test_unknown_column_is_reported(world):
    wb = Workbook()
    ws = wb.active
    ws.title = "Équipes"
    ws.append(["nom", "couleur"])
    ws.append(["Système", "bleu"])
    buffer = io.BytesIO()
    wb.save(buffer)
    report = workbook.import_workbook(SimpleUploadedFile("b.xlsx", buffer.getvalue()), world.hospital_a)
    assert [(e.sheet, e.line, e.column) for e in report.errors] == [("Équipes", 1, "couleur")]
    assert Team.objects.count() == 0
