"""Factories of the continuity app's models for the tenant-isolation test (registered with tests.factories.factory)."""

import datetime

from tests.factories import factory, hospital


@factory("continuity.Activity")
def _activity(world, side):
    from vigie.continuity.models import Activity

    n = Activity.objects.filter(organisation=hospital(world, side)).count()
    return Activity.objects.create(organisation=hospital(world, side), name=f"Urgences {side.upper()} Capybara {n}",
                                   category="care_service", owner=f"Chef de service {side.upper()} Capybara")


@factory("continuity.DegradedProcedure")
def _procedure(world, side):
    from vigie.continuity.models import DegradedProcedure

    return DegradedProcedure.objects.create(activity=_activity(world, side), title=f"Mode papier {side.upper()} Capybara",
                                            triggered_by="cadre de garde", trigger_when="DPI indisponible 30 min",
                                            steps="Sortir les fiches papier\nTracer les admissions")


@factory("continuity.Team")
def _team(world, side):
    from vigie.continuity.models import Team

    n = Team.objects.filter(organisation=hospital(world, side)).count()
    return Team.objects.create(organisation=hospital(world, side), name=f"Équipe {side.upper()} Capybara {n}", capacity=2)


@factory("continuity.Supplier")
def _supplier(world, side):
    from vigie.continuity.models import Supplier

    n = Supplier.objects.filter(organisation=hospital(world, side)).count()
    return Supplier.objects.create(organisation=hospital(world, side), name=f"Éditeur {side.upper()} Capybara {n}",
                                   phone="01 23 45 67 89")


@factory("continuity.Component")
def _component(world, side):
    from vigie.continuity.models import Component

    n = Component.objects.filter(organisation=hospital(world, side)).count()
    return Component.objects.create(organisation=hospital(world, side), name=f"SRV-{side.upper()}-Capybara-{n}",
                                    kind="server", platform="windows", data_size_gb=200)


@factory("continuity.Application")
def _application(world, side):
    from vigie.continuity.models import Application

    n = Application.objects.filter(organisation=hospital(world, side)).count()
    application = Application.objects.create(organisation=hospital(world, side),
                                             name=f"DPI {side.upper()} Capybara {n}")
    application.components.add(_component(world, side))
    return application


@factory("continuity.BackupPolicy")
def _policy(world, side):
    from vigie.continuity.models import BackupPolicy

    return BackupPolicy.objects.create(organisation=hospital(world, side), title=f"Politique {side.upper()} Capybara",
                                       approved_on=datetime.date(2025, 3, 1))


@factory("continuity.BackupPlan")
def _plan(world, side):
    from vigie.continuity.models import BackupPlan

    component = _component(world, side)
    return BackupPlan.objects.create(organisation=component.organisation, component=component,
                                     name=f"Sauvegarde {side.upper()} Capybara", scope="Image complète",
                                     media=["disk", "tape"], backup_copies=2, offsite_copies=1, immutable_copy=True)


@factory("continuity.RestoreTest")
def _restore_test(world, side):
    from vigie.continuity.models import RestoreTest

    plan = _plan(world, side)
    return RestoreTest.objects.create(organisation=plan.organisation, plan=plan, tested_on=datetime.date(2025, 5, 2),
                                      scope=f"Restauration {side.upper()} Capybara", duration_minutes=90,
                                      volume_gb=200, referent="cadre de santé", validated=True)


@factory("continuity.Scenario")
def _scenario(world, side):
    from vigie.continuity.models import Scenario

    return Scenario.objects.create(organisation=hospital(world, side), name=f"Rançongiciel {side.upper()} Capybara",
                                   builtin="ransomware", time_limit_s=2)


# --- API bodies ---------------------------------------------------------------------------------------------

from tests.factories import _payload  # noqa: E402


@_payload("continuity.Activity", {"name": "Renommé par un intrus", "owner": "intrus"})
def _activity_payload(world, side):
    return {"organisation": str(hospital(world, side).uuid), "name": f"Nouvelle activité {side.upper()}",
            "category": "administrative"}


@_payload("continuity.RestoreTest", {})
def _restore_test_payload(world, side):
    return {"plan": str(_plan(world, side).uuid), "tested_on": "2025-06-01", "scope": f"Test {side.upper()}",
            "duration_minutes": 45, "volume_gb": 10}


@_payload("continuity.Component", {"name": "Renommé par un intrus", "data_size_gb": 1})
def _component_payload(world, side):
    return {"organisation": str(hospital(world, side).uuid), "name": f"SRV-NOUVEAU-{side.upper()}", "kind": "server",
            "depends_on": [str(_component(world, side).uuid)]}


@_payload("continuity.Application", {"name": "Renommé par un intrus", "vendor": "intrus"})
def _application_payload(world, side):
    return {"organisation": str(hospital(world, side).uuid), "name": f"Nouvelle application {side.upper()}",
            "components": [str(_component(world, side).uuid)]}


@_payload("continuity.BackupPlan", {"name": "Renommé par un intrus", "backup_copies": 9})
def _plan_payload(world, side):
    component = _component(world, side)
    return {"organisation": str(component.organisation.uuid), "name": f"Nouvelle sauvegarde {side.upper()}",
            "component": str(component.uuid), "scope": "Base complète", "media": ["disk"]}


@factory("continuity.CrisisKit")
def _crisis_kit(world, side):
    """A kit with a (small, fake) archive in place, so its page and its download answer."""
    import hashlib

    from django.conf import settings
    from django.utils import timezone

    from vigie.continuity.kit import archive_path
    from vigie.continuity.models import CrisisKit

    kit = CrisisKit.objects.create(organisation=hospital(world, side), meeting_place=f"Salle {side.upper()} Capybara")
    content = b"PK fake kit " + side.encode()
    path = archive_path(kit)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    CrisisKit.objects.filter(pk=kit.pk).update(built_at=timezone.now(), stale=False,
                                               archive=str(path.relative_to(settings.MEDIA_ROOT)),
                                               sha256=hashlib.sha256(content).hexdigest())
    kit.refresh_from_db()
    return kit
