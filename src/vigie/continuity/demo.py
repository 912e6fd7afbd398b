"""Demo BIA for the demo hospital "brume" (CH de Brume, see organisations/demo.py): three critical activities of the
three D2.O1.C categories and one more, their applications, the infrastructure (Windows servers, the
directory, storage, backup system), suppliers, teams, backup plans with gaps to show, restore tests and a
ransomware scenario, computed. `load_demo(nodes)` is idempotent: it does nothing when the BIA is already there."""

import datetime

from django.db import transaction
from django.utils import timezone

from . import services
from .models import (
    Activity,
    Application,
    BackupPlan,
    BackupPolicy,
    Component,
    DegradedProcedure,
    RestoreTest,
    Scenario,
    Supplier,
    Team,
)
from .planning import run_scenario

Z = (0, 0, 0, 0, 0)


def _tables(interruption, data_loss):
    base = {"patient_safety": Z, "continuity_of_care": Z, "legal": Z, "financial": Z, "reputation": Z}
    return {"interruption": {**base, **interruption}, "data_loss": {**base, **data_loss}}


@transaction.atomic
def load_demo(nodes) -> bool:
    """Create the demo BIA on nodes["brume"]; returns False when it already exists."""
    org = nodes["brume"]
    if Activity.objects.filter(organisation=org).exists():
        return False
    site = org.children.order_by("path").first()
    system = Team.objects.create(organisation=org, name="Équipe système", capacity=2,
                                 on_call="Astreinte système : 06 00 00 00 11")
    network = Team.objects.create(organisation=org, name="Équipe réseau", capacity=1,
                                  on_call="Astreinte réseau : 06 00 00 00 12")
    editor = Supplier.objects.create(organisation=org, name="Éditeur DPI (fictif)", phone="01 00 00 00 20",
                                     support_hours="24/7", contract="MAINT-2024-07", backup_clause=True)
    saas = Supplier.objects.create(organisation=org, name="Paie en ligne (SaaS fictif)", kind="saas",
                                   phone="01 00 00 00 21", support_hours="jours ouvrés 8 h–18 h")

    def component(name, kind, team, platform="windows", size=0, rebuild=2, restore=2, needs=()):
        c = Component.objects.create(organisation=org, name=name, kind=kind, platform=platform, team=team,
                                     data_size_gb=size, rebuild_hours=rebuild, restore_hours=restore,
                                     holds_data=kind not in ("network",), location="Salle serveurs A")
        c.depends_on.set(needs)
        return c

    core_net = component("Cœur de réseau", "network", network, "appliance", rebuild=3)
    storage = component("Baie de stockage", "storage", system, "appliance", 4000, 6, 8, [core_net])
    ad = component("Annuaire AD", "directory", system, size=20, rebuild=3, restore=1, needs=[core_net])
    backup = component("Serveur de sauvegarde", "backup", system, "linux", 50, 3, 1, [core_net, storage])
    srv_dpi = component("SRV-DPI-01", "server", system, size=300, rebuild=4, restore=3, needs=[ad, storage])
    db_dpi = component("BDD-DPI", "database", system, "linux", 800, 2, 6, [srv_dpi])
    srv_lab = component("SRV-LABO", "server", system, size=150, rebuild=3, restore=2, needs=[ad, storage])
    srv_pharma = component("SRV-PHARMA", "server", system, size=80, rebuild=3, restore=2, needs=[ad])

    dpi = Application.objects.create(organisation=org, name="DPI (dossier patient)", vendor="Éditeur DPI (fictif)")
    dpi.components.set([db_dpi, srv_dpi])
    dpi.suppliers.set([editor])
    lab = Application.objects.create(organisation=org, name="SIL (laboratoire)")
    lab.components.set([srv_lab])
    lab.depends_on.set([dpi])
    pharma = Application.objects.create(organisation=org, name="Logiciel de pharmacie")
    pharma.components.set([srv_pharma])
    pay = Application.objects.create(organisation=org, name="Paie", hosting="saas")
    pay.suppliers.set([saas])
    pay.depends_on.set([])

    def activity(name, category, apps, impacts, pcra=None, owner=""):
        a = Activity.objects.create(organisation=org, name=name, category=category, owner=owner,
                                    pcra_validated_on=pcra, pcra_validated_by="Directeur" if pcra else "",
                                    minimum_staff="2 médecins, 4 IDE, 1 secrétaire")
        if site is not None:
            a.sites.set([site])
        a.applications.set(apps)
        services.save_impacts(a, impacts)
        return a

    urgences = activity("Urgences", "care_service", [dpi, lab],
                        _tables({"patient_safety": (1, 2, 3, 4, 4), "continuity_of_care": (1, 3, 4, 4, 4)},
                                {"patient_safety": (0, 1, 2, 3, 3), "legal": (0, 1, 2, 3, 3)}),
                        datetime.date(2026, 9, 15), "Chef du service des urgences")
    activity("Bloc opératoire", "care_service", [dpi],
             _tables({"patient_safety": (0, 1, 2, 3, 4), "financial": (0, 1, 2, 3, 4)}, {"patient_safety": (0, 0, 2, 3, 3)}),
             None, "Cadre du bloc")
    activity("Paie", "administrative", [pay],
             _tables({"legal": (0, 0, 1, 2, 3), "financial": (0, 0, 1, 2, 3), "reputation": (0, 0, 1, 2, 3)},
                     {"legal": (0, 1, 1, 2, 3)}), datetime.date(2026, 10, 1), "Directrice des ressources humaines")
    activity("Pharmacie", "technical_platform", [pharma],
             _tables({"patient_safety": (0, 1, 1, 2, 3), "continuity_of_care": (0, 1, 2, 3, 4)},
                     {"patient_safety": (0, 1, 2, 2, 3)}), None, "Pharmacien gérant")
    DegradedProcedure.objects.create(
        activity=urgences, title="Accueil et dossier sur papier", triggered_by="Médecin de garde des urgences",
        trigger_when="DPI indisponible depuis 30 minutes, ou sur décision de la cellule de crise",
        steps="Sortir le classeur de mode dégradé\nOuvrir la main courante\nIdentifier chaque patient avec une "
              "étiquette manuelle\nPrescrire sur ordonnances papier pré-numérotées",
        paper_forms="suivi-patients; demande-laboratoire; demande-imagerie",
        back_to_normal="Ressaisie dans le DPI par les secrétaires dans les 48 h, contrôle par le cadre")

    BackupPolicy.objects.create(organisation=org, title="Politique de sauvegarde et de restauration", version="2.1",
                                approved_on=datetime.date(2026, 3, 12), approved_by="Directeur général",
                                next_review=datetime.date(2027, 3, 12), binds_outsourced=True)
    dpi_plan = BackupPlan.objects.create(
        organisation=org, name="Sauvegarde BDD-DPI", component=db_dpi, scope="Base du DPI et journaux",
        software="Logiciel de sauvegarde (fictif)", frequency_hours=4, retention_days=35, backup_copies=2,
        media=["disk", "tape"], locations="Salle A (disque)\nCoffre du site B (bandes)", offsite_copies=1,
        immutable_copy=True, offline_copy=True, encrypted=True, admin_auth_independent=True, admin_2fa=True,
        supervised=True, supervision="Rapport quotidien, alerte par courriel à l'astreinte",
        isolation_procedure="Couper le port du cœur de réseau vers le serveur de sauvegarde (procédure « bouton "
                            "rouge », affichée en salle A)")
    BackupPlan.objects.create(organisation=org, name="Sauvegarde SRV-DPI-01", component=srv_dpi, scope="Image système",
                              frequency_hours=24, retention_days=14, backup_copies=1, media=["disk"])
    RestoreTest.objects.create(organisation=org, plan=dpi_plan, tested_on=datetime.date(2026, 10, 20),
                               scope="Restauration de la base DPI en production, contrôle par les urgences",
                               to_production=True, volume_gb=800, duration_minutes=300, data_loss_minutes=120,
                               referent="Cadre de santé des urgences", validated=True)
    scenario = Scenario.objects.create(organisation=org, name="Rançongiciel sur les serveurs Windows",
                                       builtin="ransomware",
                                       description="Tous les serveurs Windows et l'annuaire sont chiffrés.")
    # computed now (a fraction of a second here), so the demo's PCRA and crisis kit print a runbook
    Scenario.objects.filter(pk=scenario.pk).update(result=run_scenario(scenario), computed_at=timezone.now())
    return True
