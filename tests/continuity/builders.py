"""Small builders for the continuity app tests: a BIA with its three categories on a hospital."""

from vigie.continuity import services
import datetime

from vigie.continuity.models import Activity, Application, BackupPlan, Component, RestoreTest

ZERO = (0, 0, 0, 0, 0)


def tables(interruption=None, data_loss=None):
    base = {"patient_safety": ZERO, "continuity_of_care": ZERO, "legal": ZERO, "financial": ZERO, "reputation": ZERO}
    return {"interruption": {**base, **(interruption or {})}, "data_loss": {**base, **(data_loss or {})}}


def activity(org, name, category="care_service", *, pcra=None, impacts=None, **fields):
    act = Activity.objects.create(organisation=org, name=name, category=category, **fields)
    if impacts is not False:
        services.save_impacts(act, impacts or tables({"patient_safety": (0, 1, 2, 3, 4)}, {"legal": (0, 1, 3, 3, 4)}))
    if pcra:
        act.pcra_validated_on = pcra
        act.pcra_validated_by = "directeur"
        act.save()
    return act


def stack(org, prefix="X"):
    """An activity → application → database → server chain."""
    act = activity(org, f"Urgences {prefix}")
    server = Component.objects.create(organisation=org, name=f"SRV-{prefix}", kind="server", platform="windows",
                                      data_size_gb=100)
    database = Component.objects.create(organisation=org, name=f"BDD-{prefix}", kind="database", data_size_gb=50)
    database.depends_on.add(server)
    app = Application.objects.create(organisation=org, name=f"DPI-{prefix}")
    app.components.add(database)
    act.applications.add(app)
    return act, app, database, server


def good_plan(component, **overrides):
    fields = dict(organisation=component.organisation, component=component, name=f"Sauvegarde {component.name}",
                  scope="tout", media=["disk", "tape"], backup_copies=2, offsite_copies=1, immutable_copy=True,
                  frequency_hours=1, admin_auth_independent=True, admin_2fa=True, supervised=True,
                  isolation_procedure="Couper le lien réseau du serveur de sauvegarde")
    fields.update(overrides)
    return BackupPlan.objects.create(**fields)


def protected(org, prefix):
    """A stack whose database has a plan with a verified restore test, and a hosted application with a plan."""
    _act, app, database, _server = stack(org, prefix)
    plan = good_plan(database)
    RestoreTest.objects.create(organisation=org, plan=plan, scope="tout", success=True, validated=True,
                               referent="cadre de santé", tested_on=datetime.date(2026, 3, 2), volume_gb=50,
                               duration_minutes=120)
    BackupPlan.objects.create(organisation=org, application=app, name=f"Export {prefix}", scope="tout",
                              media=["cloud"], backup_copies=1, frequency_hours=24)
    return Application.objects.get(pk=app.pk), database
