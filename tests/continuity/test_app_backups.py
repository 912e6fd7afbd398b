"""Backups: evaluation of a component from its plans and restore tests, gaps raised as PAQ actions
(idempotent), closed once fixed; restore tests compared with RTO/RPO and feeding restore durations."""

import datetime

from django.urls import reverse

from tests.conftest import login
from tests.continuity.builders import good_plan, protected, stack
from vigie.actions.models import Action
from vigie.continuity import services
from vigie.continuity.models import RestoreTest


def test_component_gaps_become_actions_once_and_close_when_fixed(world):
    _act, _app, database, server = stack(world.hospital_a)
    plan = good_plan(database, immutable_copy=False, frequency_hours=24)
    raised, closed = services.sync_backup_actions(world.hospital_a)
    keys = set(Action.objects.values_list("source_key", flat=True))
    assert f"continuity:backup:{database.uuid}:one_immutable" in keys
    assert f"continuity:backup:{database.uuid}:zero_errors" in keys
    assert f"continuity:backup:{database.uuid}:rpo" in keys  # daily backups, PDMA of 4 h
    assert f"continuity:backup:{server.uuid}:no_plan" in keys
    count = Action.objects.count()
    assert services.sync_backup_actions(world.hospital_a) == (raised, 0)
    assert Action.objects.count() == count  # idempotent

    plan.immutable_copy, plan.frequency_hours = True, 1
    plan.save()
    RestoreTest.objects.create(organisation=plan.organisation, plan=plan, tested_on=datetime.date(2025, 6, 1),
                               scope="base", duration_minutes=60, volume_gb=50, referent="cadre", validated=True)
    good_plan(server)
    RestoreTest.objects.create(organisation=server.organisation, plan=server.backup_plans.get(),
                               tested_on=datetime.date(2025, 6, 1), scope="image", duration_minutes=60,
                               volume_gb=100, referent="cadre", validated=True)
    _raised, closed = services.sync_backup_actions(world.hospital_a)
    assert closed == count
    assert set(Action.objects.values_list("status", flat=True)) == {"done"}
    status = services.target_status(database)
    assert status.evaluation.compliant is True and status.gaps == []


def test_failed_restore_counts_as_an_error(world):
    _act, _app, database, _server = stack(world.hospital_a)
    plan = good_plan(database)
    RestoreTest.objects.create(organisation=plan.organisation, plan=plan, tested_on=datetime.date(2025, 6, 1),
                               scope="base", duration_minutes=60, success=False, errors=0, referent="cadre",
                               validated=True)
    assert services.target_status(database).evaluation.failing == ("zero_errors",)


def test_restore_test_compared_with_targets_and_throughput(world):
    act, _app, database, _server = stack(world.hospital_a)
    plan = good_plan(database)
    test = RestoreTest.objects.create(organisation=plan.organisation, plan=plan, tested_on=datetime.date(2025, 6, 1),
                                      scope="base", duration_minutes=240, data_loss_minutes=30, volume_gb=25,
                                      referent="cadre", validated=True)
    comparison = services.compare_with_targets(test)
    assert comparison["activities"] == [act]
    assert comparison["rto"] == act.rto_hours == 3 and comparison["rto_ok"] is False
    assert comparison["rpo_ok"] is True
    assert services.throughput(database) == 6.25
    assert services.predicted_restore_hours(database) == 8  # 50 GB at 6.25 GB/h
    gaps = dict(services.target_status(database).gaps)
    assert "rto" in gaps


def test_pages_show_evaluation_and_sync_button(client, world):
    _act, _app, database, _server = stack(world.hospital_a)
    good_plan(database, offsite_copies=0)
    login(client, world.alice)
    text = client.get(reverse("continuity:backup_list")).content.decode()
    assert database.name in text and "3-2-0-1-?" in text
    response = client.post(reverse("continuity:backup_sync", args=[world.hospital_a.uuid]))
    assert response.status_code == 302
    assert Action.objects.filter(source_key=f"continuity:backup:{database.uuid}:one_offsite").exists()


def test_reader_cannot_sync(client, world):
    stack(world.hospital_a)
    login(client, world.auditor_a)
    assert client.post(reverse("continuity:backup_sync", args=[world.hospital_a.uuid])).status_code == 403
    assert Action.objects.count() == 0


def test_restore_test_form_refuses_validation_without_referent(client, world):
    _act, _app, database, _server = stack(world.hospital_a)
    plan = good_plan(database)
    login(client, world.alice)
    response = client.post(reverse("continuity:test_create", args=[plan.uuid]), {
        "tested_on": "2025-06-01", "scope": "base", "volume_gb": "10", "duration_minutes": "30",
        "data_loss_minutes": "0", "success": "on", "errors": "0", "validated": "on", "referent": ""})
    assert response.status_code == 200
    assert RestoreTest.objects.count() == 0


def _queries(client, name, **params):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse(name), params)
    assert response.status_code == 200
    return len(captured), response


def test_backup_page_reads_a_fixed_number_of_queries_and_pages_in_sql(client, world):
    """The national evaluation read each target's plans, tests and activities one by one (9,000+ queries)."""
    from tests.conftest import make_org, with_key

    protected(world.hospital_a, "A")
    login(client, world.national_admin)
    alone, _response = _queries(client, "continuity:backup_list")
    for n, parent in enumerate((world.ght_a, world.ght_b, world.region_a)):
        hospital = make_org(kind="legal_entity", name=f"CH {n}", parent=parent, finess=with_key(f"1300000{n}"),
                            legal_status="public")
        for prefix in "BCD":
            protected(hospital, f"{n}{prefix}")
    together, response = _queries(client, "continuity:backup_list")
    assert together == alone
    statuses = response.context["statuses"]
    assert response.context["page_obj"].paginator.count == 10 * 3 and len(statuses) == 30
    for status in statuses:  # the same values as the service computes for each target alone
        alone_status = services.target_status(type(status.target).objects.get(pk=status.target.pk))
        assert status.gaps == alone_status.gaps and status.restore_hours == alone_status.restore_hours
        assert [a.pk for a in status.activities] == [a.pk for a in alone_status.activities]
        assert status.evaluation == alone_status.evaluation
    for n in range(20):
        stack(world.hospital_b, f"more{n}")  # two data components each: 70 targets, two pages
    paged, response = _queries(client, "continuity:backup_list", page=2)
    # a page that cuts a chain (server here, its database on page 1) climbs it a few waves more, one query per
    # wave for the whole page: 20 rows, still not one query per row
    assert paged <= alone + 4 and response.context["page_obj"].paginator.count == 70
    assert len(response.context["statuses"]) == 20


def test_restore_test_page_reads_a_fixed_number_of_queries(client, world):
    from tests.conftest import make_org, with_key

    protected(world.hospital_a, "A")
    login(client, world.national_admin)
    alone, _response = _queries(client, "continuity:test_list")
    for n, parent in enumerate((world.ght_a, world.ght_b)):
        hospital = make_org(kind="legal_entity", name=f"CH {n}", parent=parent, finess=with_key(f"1300000{n}"),
                            legal_status="public")
        for prefix in "BCD":
            protected(hospital, f"{n}{prefix}")
    together, response = _queries(client, "continuity:test_list")
    assert together == alone and len(response.context["rows"]) == 7
    for test, comparison in response.context["rows"]:
        assert comparison == services.compare_with_targets(RestoreTest.objects.get(pk=test.pk))


def test_backup_page_lists_the_plans_and_policies_of_what_it_shows_and_policies_have_their_own_pages(client, world):
    from vigie.continuity.models import BackupPolicy

    for n in range(30):
        stack(world.hospital_b, f"more{n}")  # two data components each: 60 targets, two pages
    _act, _app, database, _server = stack(world.hospital_a)
    plan = good_plan(database)
    policy = BackupPolicy.objects.create(organisation=world.hospital_a, title="Politique A")
    login(client, world.national_admin)
    first = client.get(reverse("continuity:backup_list")).context
    shown = {(type(s.target), s.target.pk) for s in first["statuses"]}
    assert first["plans"] and all((type(p.target), p.target.pk) in shown for p in first["plans"])
    on_first = (type(database), database.pk) in shown
    assert (plan in list(first["plans"])) == on_first
    assert (policy in list(first["policies"])) == (world.hospital_a.pk in {s.target.organisation_id
                                                                          for s in first["statuses"]})
    second = client.get(reverse("continuity:backup_list"), {"page": 2}).context
    assert (plan in list(second["plans"])) != on_first  # on one page exactly
    BackupPolicy.objects.bulk_create(BackupPolicy(organisation=world.hospital_b, title=f"P{n:02}") for n in range(60))
    listed = client.get(reverse("continuity:policy_list")).context["page_obj"]
    assert listed.paginator.count == 61 and len(listed.object_list) == 50
    login(client, world.alice)  # hospital A only
    assert [p.title for p in client.get(reverse("continuity:policy_list")).context["page_obj"]] == ["Politique A"]
