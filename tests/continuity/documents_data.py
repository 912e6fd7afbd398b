"""A realistic establishment for the document tests: two activities, a crisis cell, a runbook."""

from __future__ import annotations

from datetime import datetime

from vigie.continuity.engine.documents import (
    ActivityPlan, Contact, CrisisCell, DegradedProcedure, Dependency, Establishment, ImpactRow, Kit,
    RestoreTestRecord, Runbook, RunbookStep, Site,
)

DATA_AS_OF = datetime(2026, 11, 28, 17, 45)
GENERATED_AT = datetime(2026, 12, 3, 9, 30)

ESTABLISHMENT = Establishment(
    "Centre hospitalier de Vallon", "690000123",
    (Site("Site principal", "690000131", "1 rue des Tilleuls, 69000 Vallon"), Site("Hôpital de jour", "690000149")),
)

RUNBOOK = Runbook(
    "Rançongiciel : tous les serveurs Windows et l'annuaire perdus",
    (
        RunbookStep(1, "Réseau d'administration isolé", "Réseau", 0, 60, (), "reconstruire"),
        RunbookStep(2, "Annuaire Active Directory", "Systèmes", 60, 300, (1,), "restaurer depuis la copie hors ligne"),
        RunbookStep(3, "Serveur de base de données DPI", "Systèmes", 60, 420, (1,), "restaurer"),
        RunbookStep(4, "DPI (dossier patient)", "Applications", 420, 540, (2, 3), "redémarrer et vérifier",
                    ("Urgences adultes",)),
        RunbookStep(5, "Laboratoire (SIL)", "Applications", 540, 660, (4,), "restaurer", ("Biologie",)),
    ),
    computed_at=datetime(2026, 11, 28, 18, 0),
)

URGENCES = ActivityPlan(
    name="Urgences adultes",
    category="care",
    owner="Dr Martin, chef de service",
    sites=("Site principal",),
    dmia=240, pdma=60, rto=180, rpo=15,
    impacts=(
        ImpactRow(60, 2, 2, 1, 0, 1), ImpactRow(240, 3, 3, 2, 1, 2), ImpactRow(1440, 4, 4, 3, 2, 3),
        ImpactRow(4320, 4, 4, 4, 3, 4),
    ),
    procedures=(
        DegradedProcedure(
            "Accueil et tri des patients sans DPI",
            "DPI indisponible depuis plus de 30 minutes",
            "Cadre de santé de garde, sur avis du médecin senior",
            ("Sortir les dossiers papier du classeur rouge.", "Attribuer un numéro provisoire à chaque patient.",
             "Noter chaque arrivée sur la feuille de suivi des patients.",
             "Prescrire les examens sur bons papier."),
            ("suivi-patients", "demande-laboratoire", "demande-imagerie", "Bon de transfert SAMU"),
            "Ressaisir les dossiers dans le DPI dans les 48 h, en commençant par les patients encore présents.",
        ),
    ),
    contacts=(
        Contact("Dr Martin", "Chef de service", "04 72 00 00 01", "martin@ch-vallon.example", True, "06 00 00 00 01",
                "Urgences", "24/7"),
        Contact("Mme Dupont", "Cadre de santé", "04 72 00 00 02", on_call=False, organisation="Urgences"),
    ),
    dependencies=(Dependency("DPI", "application"), Dependency("Annuaire Active Directory", "infrastructure"),
                  Dependency("Éditeur du DPI", "supplier", "contrat support 24/7")),
    runbook=Runbook(RUNBOOK.scenario, RUNBOOK.steps[:4], RUNBOOK.computed_at),
    tests=(
        RestoreTestRecord(datetime(2026, 3, 12), "Base DPI sur serveur isolé", 200, 10, True, "Cadre de santé"),
        RestoreTestRecord(datetime(2026, 10, 2), "DPI complet", 170, 20, True, "Chef de service", "test de nuit"),
    ),
    description="Accueil des urgences adultes, 120 passages par jour.\nDeux salles de déchocage.",
    predicted_recovery=540,
    version="2.1", approved_by="Directeur général", reviewed_at=datetime(2026, 10, 15),
)

BIOLOGIE = ActivityPlan(
    name="Biologie",
    category="technical",
    owner="Dr Bernard, biologiste responsable",
    dmia=480, pdma=240, rto=360, rpo=60,
    procedures=(
        DegradedProcedure("Résultats urgents par téléphone", "SIL indisponible", "Biologiste de garde",
                          ("Rendre les résultats critiques par téléphone au service.",
                           "Consigner chaque appel sur la main courante."), ("main-courante",)),
    ),
    runbook=Runbook(RUNBOOK.scenario, RUNBOOK.steps, RUNBOOK.computed_at),
)

CELL = CrisisCell(
    members=(
        Contact("M. Leroy", "Directeur de crise", "04 72 00 10 00", phone_alt="06 00 00 10 00"),
        Contact("Mme Petit", "Responsable de la main courante", "04 72 00 10 01"),
        Contact("M. Garcia", "RSSI", "04 72 00 10 02", phone_alt="06 00 00 10 02"),
    ),
    meeting_place="Salle du conseil, bâtiment A, 1er étage",
    backup_meeting_place="Salle de réunion du SAMU",
    conference_bridge="04 72 99 99 99, code 4412#",
    activation="Le directeur de garde active la cellule dès qu'une attaque est suspectée.",
)

KIT = Kit(
    establishment=ESTABLISHMENT, generated_at=GENERATED_AT, data_as_of=DATA_AS_OF, crisis_cell=CELL,
    contacts=(
        Contact("Astreinte informatique", "Technicien d'astreinte", "06 11 22 33 44", on_call=True, availability="24/7"),
        Contact("Standard", "Accueil", "04 72 00 00 00"),
        Contact("ARS Auvergne-Rhône-Alpes", "Point focal", "04 72 34 74 00"),
    ),
    activities=(URGENCES, BIOLOGIE),
    runbook=RUNBOOK,
)
