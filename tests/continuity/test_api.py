"""The continuity API writes: components, applications, backup plans (and activities, restore tests) go
through the pages' forms: same rules, cycles refused with the cycle named and nothing changed, links
audited, another organisation's objects invisible (404), readers refused (403)."""

import pytest
from django.urls import reverse
from django.utils import translation

from tests.api.conftest import ApiClient
from tests.continuity.builders import good_plan, protected, stack
from vigie.accounts.models import ApiToken, AuditEvent
from vigie.continuity.models import Application, BackupPlan, Component, RestoreTest, Supplier, Team

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(client):
    def build(user):
        _token, raw = ApiToken.issue(user, "continuity api tests")
        return ApiClient(client, raw)

    return build


def said(text: str) -> set[str]:
    """The message as the API may answer it: in French (the default) or in English."""
    with translation.override("fr"):
        return {text, translation.gettext(text)}


def url(name, obj=None):
    return reverse(f"api:continuity_{name}", kwargs={"uuid": obj.uuid} if obj is not None else None)


def test_component_created_with_its_links_and_audited(world, api):
    _act, _app, database, server = stack(world.hospital_a)
    team = Team.objects.create(organisation=world.hospital_a, name="Équipe système", capacity=2)
    supplier = Supplier.objects.create(organisation=world.hospital_a, name="Mainteneur SAN")
    shared = Component.objects.create(organisation=world.ght_a, name="AD-GHT", kind="directory")
    response = api(world.alice).post(url("component_create"), {
        "organisation": str(world.hospital_a.uuid), "name": "SRV-PACS", "kind": "server", "platform": "linux",
        "team": str(team.uuid), "depends_on": [str(server.uuid), str(shared.uuid)],
        "suppliers": [str(supplier.uuid)], "data_size_gb": 800, "restore_hours": 6})
    assert response.status_code == 201, response.content
    body = response.json()
    created = Component.objects.get(uuid=body["uuid"])
    assert set(created.depends_on.all()) == {server, shared}  # a GHT's shared directory may be needed
    assert created.team == team and list(created.suppliers.all()) == [supplier]
    assert body["team"] == str(team.uuid) and set(body["depends_on"]) == {str(server.uuid), str(shared.uuid)}
    assert body["platform"] == "linux" and body["rebuild_hours"] == 4  # the model's default
    events = AuditEvent.objects.filter(object_uuid=str(created.uuid), user=world.alice)
    assert events.filter(action="create", changes__name="SRV-PACS").exists()
    links = events.get(action="change").changes
    assert links["depends_on"] == {"from": [], "to": ["AD-GHT", "SRV-X"]}


def test_cycle_between_components_is_refused_with_the_cycle_named(world, api):
    _act, _app, database, server = stack(world.hospital_a)  # the database needs the server
    caller = api(world.alice)
    events = AuditEvent.objects.count()
    response = caller.patch(url("component_patch", server), {"depends_on": [str(database.uuid)]})
    assert response.status_code == 422, response.content
    message = " ".join(response.json()["errors"]["__all__"])
    assert "SRV-X → BDD-X → SRV-X" in message or "BDD-X → SRV-X → BDD-X" in message
    assert "cycle" in message
    assert list(server.depends_on.all()) == [] and AuditEvent.objects.count() == events


def test_cycle_through_applications_is_refused_and_nothing_changes(world, api):
    _act, app, _database, _server = stack(world.hospital_a)
    portal = Application.objects.create(organisation=world.hospital_a, name="Portail patient")
    portal.depends_on.add(app)
    response = api(world.alice).patch(url("application_patch", app), {
        "depends_on": [str(portal.uuid)], "vendor": "Éditeur"})
    assert response.status_code == 422
    assert "Portail patient" in response.json()["errors"]["__all__"][0]
    app.refresh_from_db()
    assert list(app.depends_on.all()) == [] and app.vendor == ""  # the other field sent was not saved either


def test_patch_changes_only_what_is_sent_and_a_list_replaces_the_links(world, api):
    _act, app, database, server = stack(world.hospital_a)
    supplier = Supplier.objects.create(organisation=world.hospital_a, name="Éditeur DPI")
    caller = api(world.alice)
    response = caller.patch(url("application_patch", app), {"suppliers": [str(supplier.uuid)], "hosting": "hosted"})
    assert response.status_code == 200, response.content
    app.refresh_from_db()
    assert app.hosting == "hosted" and list(app.components.all()) == [database]  # not sent: kept
    assert list(app.suppliers.all()) == [supplier]
    response = caller.patch(url("application_patch", app), {"components": [str(server.uuid)]})
    assert response.json()["components"] == [str(server.uuid)]
    change = AuditEvent.objects.filter(object_uuid=str(app.uuid), action="change").order_by("-id").first()
    assert change.changes["components"] == {"from": ["BDD-X"], "to": ["SRV-X"]}


def test_another_organisation_sees_nothing_and_changes_nothing(world, api):
    _act, app, database, server = stack(world.hospital_a)
    plan = good_plan(database)
    bob = api(world.bob)
    for response in (bob.patch(url("component_patch", server), {"name": "PIRATE"}),
                     bob.delete(url("component_delete", server)),
                     bob.patch(url("application_patch", app), {"name": "PIRATE"}),
                     bob.delete(url("application_delete", app)),
                     bob.patch(url("plan_patch", plan), {"backup_copies": 0}),
                     bob.delete(url("plan_delete", plan)),
                     bob.post(url("component_create"), {"organisation": str(world.hospital_a.uuid), "name": "PIRATE",
                                                        "kind": "server"})):
        assert response.status_code == 404, response.content
        assert "SRV-X" not in response.content.decode()
    # B's own component may not need A's server either: it is not offered to B, and named as unknown.
    response = bob.post(url("component_create"), {"organisation": str(world.hospital_b.uuid), "name": "SRV-B",
                                                  "kind": "server", "depends_on": [str(server.uuid)]})
    assert response.status_code == 422 and "depends_on" in response.json()["errors"]
    assert "SRV-X" not in response.content.decode()
    assert not Component.objects.filter(name__in=["PIRATE", "SRV-B"]).exists()
    server.refresh_from_db()
    plan.refresh_from_db()
    assert server.name == "SRV-X" and plan.backup_copies == 2 and Application.objects.filter(pk=app.pk).exists()


def test_a_reader_may_read_but_not_write(world, api):
    _act, _app, _database, server = stack(world.hospital_a)
    reader = api(world.auditor_a)
    assert reader.get(url("component_get", server)).status_code == 200
    response = reader.patch(url("component_patch", server), {"name": "LU-SEULEMENT"})
    assert response.status_code == 403
    assert reader.delete(url("component_delete", server)).status_code == 403
    response = reader.post(url("application_create"), {"organisation": str(world.hospital_a.uuid), "name": "Lu"})
    assert response.status_code == 403
    server.refresh_from_db()
    assert server.name == "SRV-X" and not Application.objects.filter(name="Lu").exists()


def test_bad_values_are_refused_naming_the_field(world, api):
    _act, app, database, _server = stack(world.hospital_a)
    caller = api(world.alice)
    response = caller.post(url("component_create"), {"organisation": str(world.hospital_a.uuid), "name": "SRV-NEG",
                                                     "kind": "server", "data_size_gb": -5})
    assert response.status_code == 422
    body = response.json()
    assert list(body["errors"]) == ["data_size_gb"] and body["errors"]["data_size_gb"][0] in said(
        "This cannot be negative.")
    assert body["detail"][0]["loc"] == ["body", "data_size_gb"]
    response = caller.post(url("plan_create"), {"organisation": str(world.hospital_a.uuid), "name": "Trop loin",
                                                "component": str(database.uuid), "scope": "base", "backup_copies": 1,
                                                "offsite_copies": 2})
    assert response.status_code == 422
    assert response.json()["errors"]["offsite_copies"][0] in said(
        "There cannot be more off-site copies than backup copies.")
    response = caller.post(url("plan_create"), {"organisation": str(world.hospital_a.uuid), "name": "Les deux",
                                                "component": str(database.uuid), "application": str(app.uuid),
                                                "scope": "base"})
    assert response.status_code == 422
    assert response.json()["errors"]["__all__"][0] in said("A backup plan protects either one component or one application.")
    response = caller.post(url("component_create"), {"organisation": str(world.hospital_a.uuid), "name": "BDD-X",
                                                     "kind": "database"})
    assert response.status_code == 422 and response.json()["errors"]  # the name is taken in this organisation
    response = caller.post(url("component_create"), {"organisation": str(world.hospital_a.uuid), "kind": "server"})
    assert response.status_code == 422 and "name" in response.content.decode()  # missing: named by the schema
    assert not Component.objects.filter(name="SRV-NEG").exists() and not BackupPlan.objects.exists()


def test_backup_plan_created_changed_and_deleted_with_its_evaluation(world, api):
    _act, _app, database, _server = stack(world.hospital_a)
    caller = api(world.alice)
    response = caller.post(url("plan_create"), {
        "organisation": str(world.hospital_a.uuid), "name": "Veeam BDD", "component": str(database.uuid),
        "scope": "base complète", "frequency_hours": 4, "backup_copies": 2, "media": ["disk", "tape"],
        "offsite_copies": 1})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["component"] == str(database.uuid) and body["application"] is None
    assert {r["rule"]: r["ok"] for r in body["evaluation"]}["one_immutable"] is False
    assert "one_immutable" in body["gaps"]
    plan = BackupPlan.objects.get(uuid=body["uuid"])
    response = caller.patch(url("plan_patch", plan), {"immutable_copy": True})
    assert response.status_code == 200 and "one_immutable" not in response.json()["gaps"]
    assert AuditEvent.objects.filter(object_uuid=str(plan.uuid), action="change",
                                     changes__immutable_copy={"from": False, "to": True}).exists()
    response = caller.patch(url("plan_patch", plan), {"media": ["floppy"]})
    assert response.status_code == 422 and "media" in response.content.decode()
    assert caller.delete(url("plan_delete", plan)).status_code == 204
    assert not BackupPlan.objects.filter(pk=plan.pk).exists()
    assert AuditEvent.objects.filter(object_uuid=str(plan.uuid), action="delete", user=world.alice).exists()


def test_component_deleted_with_its_plans(world, api):
    _act, app, database, _server = stack(world.hospital_a)
    good_plan(database)
    response = api(world.alice).delete(url("component_delete", database))
    assert response.status_code == 204
    assert not Component.objects.filter(pk=database.pk).exists() and not BackupPlan.objects.exists()
    assert list(app.components.all()) == []


def test_activity_links_and_restore_test_rules_are_the_pages(world, api):
    act, app, database, _server = stack(world.hospital_a)
    other = Application.objects.create(organisation=world.hospital_a, name="Biologie")
    caller = api(world.alice)
    response = caller.patch(url("activity_patch", act), {"applications": [str(app.uuid), str(other.uuid)],
                                                         "sites": [str(world.site_a.uuid)]})
    assert response.status_code == 200, response.content
    assert set(act.applications.all()) == {app, other} and list(act.sites.all()) == [world.site_a]
    response = caller.patch(url("activity_patch", act), {"sites": [str(world.site_b.uuid)]})
    assert response.status_code == 422 and "sites" in response.json()["errors"]  # another hospital's site
    plan = good_plan(database)
    response = caller.post(url("test_create"), {"plan": str(plan.uuid), "tested_on": "2026-11-02", "scope": "base",
                                                "duration_minutes": 30, "volume_gb": -1})
    assert response.status_code == 422 and list(response.json()["errors"]) == ["volume_gb"]
    assert response.json()["errors"]["volume_gb"][0] in said("This cannot be negative.")
    assert not RestoreTest.objects.exists()


def test_the_component_list_reads_the_measured_throughputs_in_its_own_queries(world, api):
    """The predicted restore time of each component came from one restore-test query per component."""
    import datetime

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from vigie.continuity import services

    def component(n, volume):
        made = Component.objects.create(organisation=world.hospital_a, name=f"SRV-{n:02d}", kind="server",
                                        data_size_gb=400, restore_hours=9)
        plan = good_plan(made)
        for day, minutes in ((1, 600), (20, 120 + n)):  # the latest test measures
            RestoreTest.objects.create(organisation=made.organisation, plan=plan, scope="tout", success=True,
                                       tested_on=datetime.date(2026, 3, day), volume_gb=volume,
                                       duration_minutes=minutes)
        return made

    caller = api(world.alice)

    def listed():
        with CaptureQueriesContext(connection) as captured:
            response = caller.get(url("component_list"))
        assert response.status_code == 200
        return len(captured), {row["name"]: row["predicted_restore_hours"] for row in response.json()["items"]}

    made = [component(0, 100)]
    alone, _rows = listed()
    made += [component(n, 50 * n) for n in range(1, 6)] + [
        Component.objects.create(organisation=world.hospital_a, name="SRV-never-tested", kind="server",
                                 data_size_gb=10, restore_hours=3)]
    together, rows = listed()
    assert together == alone
    for item in Component.objects.filter(pk__in=[c.pk for c in made]):  # as the service computes each alone
        assert rows[item.name] == round(services.predicted_restore_hours(item), 3)
    assert rows["SRV-never-tested"] == 3


@pytest.mark.parametrize("name", ["plan_list", "test_list"])
def test_plan_and_restore_test_lists_read_a_fixed_number_of_queries(world, api, name):
    """Each plan evaluated its target four times and each test climbed to its activities twice, one query at
    a time (1,600 and 409 queries a page at national scale)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.conftest import make_org
    from vigie.continuity import services
    from vigie.organisations.finess import with_key

    caller = api(world.national_admin)

    def listed():
        with CaptureQueriesContext(connection) as captured:
            response = caller.get(url(name))
        assert response.status_code == 200
        return len(captured), response.json()["items"]

    protected(world.hospital_a, "A")
    alone, _items = listed()
    for n, parent in enumerate((world.ght_a, world.ght_b, world.region_a)):
        hospital = make_org(kind="legal_entity", name=f"CH {n}", parent=parent, finess=with_key(f"1300000{n}"),
                            legal_status="public")
        for prefix in "BCD":
            protected(hospital, f"{n}{prefix}")
    together, items = listed()
    assert together == alone and len(items) == (20 if name == "plan_list" else 10)
    if name == "plan_list":  # the same values as each plan's target evaluated alone
        for item in items:
            status = services.target_status(BackupPlan.objects.get(uuid=item["uuid"]).target)
            assert item["gaps"] == [key for key, _message in status.gaps]
            assert item["pdma_hours"] == status.evaluation.pdma_hours
    else:
        for item in items:
            comparison = services.compare_with_targets(RestoreTest.objects.get(uuid=item["uuid"]))
            assert (item["rto_ok"], item["rpo_ok"]) == (comparison["rto_ok"], comparison["rpo_ok"])
        assert {item["rto_ok"] for item in items} != {None}
