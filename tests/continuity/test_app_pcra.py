"""The PCRA the app prints for an activity: runbook steps say what to do, a team's on-call list is a number
(not its role), the crisis cell of the organisation's kit is in it with its members listed once, both impact
tables, the staff needed, and the restore tests of an application's own plans."""

import datetime
import io

from django.utils import timezone, translation
from docx import Document

from tests.continuity.builders import good_plan, stack
from vigie.continuity import pcra
from vigie.continuity.models import BackupPlan, CrisisKit, RestoreTest, Scenario, Team
from vigie.continuity.planning import run_scenario
from vigie.organisations.models import Contact


def _document(activity):
    with translation.override("fr"):
        return Document(io.BytesIO(pcra.render(activity, "docx")))


def _rows(document, first_header: str):
    for table in document.tables:
        if table.rows[0].cells[0].text == first_header:
            yield [[c.text for c in row.cells] for row in table.rows[1:]]


def test_the_pcra_of_an_activity_reads_as_a_plan(world):
    act, app, database, server = stack(world.hospital_a)
    act.minimum_staff = "1 médecin, 2 IDE"
    act.save()
    team = Team.objects.create(organisation=world.hospital_a, name="Équipe système", capacity=1,
                               on_call="Astreinte : 06 00 00 00 11")
    server.team = team
    server.save()
    Contact.objects.create(organisation=world.hospital_a, name="Rémi RSSI", function="rssi", phone="01 00 00 00 01")
    CrisisKit.objects.create(organisation=world.hospital_a, meeting_place="Salle du conseil",
                             conference_bridge="01 99 99 99 99 code 1234")
    saas_plan = BackupPlan.objects.create(organisation=world.hospital_a, application=app, name="Export DPI",
                                          scope="export quotidien", media=["cloud"])
    RestoreTest.objects.create(organisation=world.hospital_a, plan=saas_plan, tested_on=datetime.date(2026, 5, 4),
                               scope="Réimport de l'export DPI", duration_minutes=45)
    good_plan(database)
    scenario = Scenario.objects.create(organisation=world.hospital_a, name="Rançongiciel", builtin="ransomware",
                                       time_limit_s=2)
    Scenario.objects.filter(pk=scenario.pk).update(result=run_scenario(scenario), computed_at=timezone.now())

    document = _document(act)
    text = "\n".join(p.text for p in document.paragraphs)
    (runbook,) = _rows(document, "N°")
    actions = {row[1]: row[2] for row in runbook}
    assert actions["SRV-X"] == "Reconstruire, puis restaurer les données"
    assert actions["DPI-X"] == "Redémarrer et vérifier avec les utilisateurs"
    # No supplier here, and the one organisation contact sits in the crisis cell: only the on-call list is left.
    (on_call,) = _rows(document, "Nom")
    assert on_call == [["Équipe système", "Équipe de reprise", "", "", "Astreinte : 06 00 00 00 11", ""]]
    (members,) = _rows(document, "Rôle")
    assert members[0][1] == "Rémi RSSI"
    assert "Lieu de réunion : Salle du conseil" in text and "01 99 99 99 99 code 1234" in text
    assert "Impact d'une perte de données (fonde la PDMA)" in text
    assert "Personnel nécessaire en mode dégradé : 1 médecin, 2 IDE" in text
    (tests,) = _rows(document, "Date")
    assert [row[1] for row in tests] == ["Réimport de l'export DPI"]
    header = document.sections[0].header.paragraphs[1].text
    assert "12:00" not in header  # the data date is the real time of the last change, not an invented noon


def test_without_a_kit_the_organisation_contacts_are_in_the_directory(world):
    act, _app, _database, _server = stack(world.hospital_a)
    Contact.objects.create(organisation=world.hospital_a, name="Diane DSI", function="dsi")
    document = _document(act)
    (directory,) = _rows(document, "Nom")
    assert [row[0] for row in directory] == ["Diane DSI"]
    assert "Cellule de crise" not in [p.text for p in document.paragraphs]
