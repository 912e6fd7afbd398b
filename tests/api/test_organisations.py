"""Organisations through the API: scoped lists and objects, model rules as 422s, audited writes."""

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext

from tests.conftest import make_user
from vigie.accounts.models import AuditEvent
from vigie.core.roles import Role
from vigie.organisations.finess import validate_finess, with_key
from vigie.organisations.models import Organisation

LIST = "/api/organisations/"


def url(org) -> str:
    return f"/api/organisations/{org.uuid}"


def uuids(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {item["uuid"] for item in response.json()["items"]}


def test_it_lists_only_the_callers_subtree(world, alice, ars):
    assert uuids(alice.get(LIST)) == {str(world.hospital_a.uuid), str(world.site_a.uuid)}
    region_a = {world.region_a, world.ght_a, world.hospital_a, world.site_a, world.clinic}
    assert uuids(ars.get(LIST)) == {str(o.uuid) for o in region_a}


def test_it_filters_by_kind_parent_and_search(world, ars):
    assert uuids(ars.get(LIST, {"kind": "site"})) == {str(world.site_a.uuid)}
    assert uuids(ars.get(LIST, {"parent": str(world.region_a.uuid)})) == {str(world.ght_a.uuid),
                                                                          str(world.clinic.uuid)}
    assert uuids(ars.get(LIST, {"search": "clinique"})) == {str(world.clinic.uuid)}
    assert uuids(ars.get(LIST, {"search": world.site_a.finess})) == {str(world.site_a.uuid)}
    assert uuids(ars.get(LIST, {"search": "75000"})) == {str(world.hospital_a.uuid), str(world.site_a.uuid),
                                                          str(world.clinic.uuid)}


def test_it_does_not_find_other_regions_by_search(world, ars):
    assert uuids(ars.get(LIST, {"search": "CH B"})) == set()
    assert uuids(ars.get(LIST, {"search": world.hospital_b.finess})) == set()


def test_it_paginates(world, ars):
    page = ars.get(LIST, {"page_size": 2, "page": 2}).json()
    assert page["count"] == 5
    assert len(page["items"]) == 2


def test_it_returns_an_object_with_its_parent(world, alice):
    response = alice.get(url(world.site_a))
    assert response.status_code == 200
    data = response.json()
    assert data["parent"] == str(world.hospital_a.uuid)
    assert data["finess"] == world.site_a.finess
    assert "id" not in data and "path" not in data


def test_it_answers_404_for_another_tenants_object(world, alice):
    response = alice.get(url(world.hospital_b))
    assert response.status_code == 404
    assert "CH B" not in response.content.decode()
    assert alice.get("/api/organisations/00000000-0000-0000-0000-000000000000").status_code == 404


def test_it_creates_a_site_and_files_its_creation_under_the_new_node(world, alice):
    finess = with_key("75000077")
    response = alice.post(LIST, {"kind": "site", "parent": str(world.hospital_a.uuid), "name": "Site 2",
                                 "finess": finess})
    assert response.status_code == 201, response.content
    created = Organisation.objects.get(uuid=response.json()["uuid"])
    assert created.parent == world.hospital_a
    assert created.path.startswith(world.hospital_a.path)
    event = AuditEvent.objects.get(action="create", object_uuid=str(created.uuid))
    assert event.username == "alice"
    assert event.user == world.alice
    assert event.organisation_path == created.path
    assert event.changes["name"] == "Site 2"


def test_it_reports_a_bad_finess_key_with_its_message(world, alice):
    good = with_key("75000077")
    bad = good[:-1] + str((int(good[-1]) + 1) % 10)
    response = alice.post(LIST, {"kind": "site", "parent": str(world.hospital_a.uuid), "name": "S", "finess": bad})
    assert response.status_code == 422
    body = response.json()
    with translation.override(response.get("Content-Language") or settings.LANGUAGE_CODE):
        with pytest.raises(ValidationError) as expected:
            validate_finess(bad)
    assert body["errors"]["finess"] == expected.value.messages
    assert expected.value.code == "finess_key"
    assert {"type": "validation_error", "loc": ["body", "finess"], "msg": body["errors"]["finess"][0]} in body["detail"]
    assert not Organisation.objects.filter(name="S").exists()


def test_it_reports_every_rule_broken(world, alice):
    response = alice.post(LIST, {"kind": "legal_entity", "parent": str(world.hospital_a.uuid), "name": "EJ"})
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert set(errors) == {"parent", "finess", "legal_status"}


def test_it_reports_missing_fields_as_422(world, alice):
    response = alice.post(LIST, {"kind": "site"})
    assert response.status_code == 422
    locs = {tuple(d["loc"]) for d in response.json()["detail"]}
    assert ("body", "payload", "name") in locs and ("body", "payload", "parent") in locs


def test_it_refuses_a_parent_outside_the_scope_with_404(world, alice):
    before = Organisation.objects.count()
    response = alice.post(LIST, {"kind": "site", "parent": str(world.hospital_b.uuid), "name": "Intrus",
                                 "finess": with_key("69000077")})
    assert response.status_code == 404
    assert Organisation.objects.count() == before


def test_it_refuses_a_reader_with_403_where_it_can_see(world, ars):
    response = ars.post(LIST, {"kind": "site", "parent": str(world.hospital_a.uuid), "name": "S",
                               "finess": with_key("75000077")})
    assert response.status_code == 403


def test_it_changes_only_the_fields_given_and_audits_them(world, alice):
    response = alice.patch(url(world.site_a), {"name": "Site principal", "bed_count": 120})
    assert response.status_code == 200, response.content
    world.site_a.refresh_from_db()
    assert (world.site_a.name, world.site_a.bed_count, world.site_a.finess[:8]) == ("Site principal", 120, "75000002")
    event = AuditEvent.objects.get(action="change", object_uuid=str(world.site_a.uuid))
    assert event.username == "alice"
    assert event.changes["name"] == {"from": "CH A — site 1", "to": "Site principal"}


def test_it_validates_changes_with_the_model_rules(world, alice):
    response = alice.patch(url(world.hospital_a), {"activity_share": "70"})  # 70 + nothing else: fine
    assert response.status_code == 200
    response = alice.patch(url(world.site_a), {"finess": "123"})
    assert response.status_code == 422
    assert "finess" in response.json()["errors"]
    world.site_a.refresh_from_db()
    assert world.site_a.finess == with_key("75000002")


def test_it_refuses_changes_to_another_tenants_object_with_404(world, alice):
    response = alice.patch(url(world.hospital_b), {"name": "Piraté"})
    assert response.status_code == 404
    world.hospital_b.refresh_from_db()
    assert world.hospital_b.name == "CH B"


def test_it_refuses_a_reader_changes_with_403(world, ars):
    assert ars.patch(url(world.site_a), {"name": "X"}).status_code == 403


def test_it_moves_a_node_only_under_a_parent_where_the_caller_may_add(world, as_user):
    ght = as_user(world.ght_manager)  # MANAGER on GHT A: may change site A, may add nowhere
    for elsewhere in (world.clinic, world.hospital_b):
        assert ght.patch(url(world.site_a), {"parent": str(elsewhere.uuid)}).status_code in (403, 404)
    world.site_a.refresh_from_db()
    assert world.site_a.parent == world.hospital_a
    response = as_user(world.national_admin).patch(url(world.site_a), {"parent": str(world.clinic.uuid)})
    assert response.status_code == 200
    world.site_a.refresh_from_db()
    assert world.site_a.path.startswith(world.clinic.path)


def test_it_rolls_back_a_write_that_leaves_the_scope(world):
    """The re-check after save: a change that moves the object out of the user's reach is undone."""
    from ninja.errors import HttpError

    from vigie.core.api import save_checked

    site = Organisation.objects.get(pk=world.site_a.pk)
    site.parent = world.hospital_b
    with pytest.raises(HttpError) as raised:
        save_checked(site, world.alice, "change")
    assert raised.value.status_code == 404
    site.refresh_from_db()
    assert site.parent == world.hospital_a and site.path.startswith(world.hospital_a.path)


def test_it_deletes_a_leaf_and_audits_it(world, alice):
    response = alice.delete(url(world.site_a))
    assert response.status_code == 204
    assert not Organisation.objects.filter(pk=world.site_a.pk).exists()
    event = AuditEvent.objects.get(action="delete", object_uuid=str(world.site_a.uuid))
    assert event.username == "alice"


def test_it_refuses_to_delete_a_node_with_children_with_409(world, as_user):
    response = as_user(world.national_admin).delete(url(world.hospital_a))
    assert response.status_code == 409
    with translation.override(response.get("Content-Language") or settings.LANGUAGE_CODE):
        expected = gettext("It still has %(count)s organisation(s) under it: move or delete them first.") % {
            "count": 1}
    assert expected in response.json()["detail"]
    assert Organisation.objects.filter(pk=world.hospital_a.pk).exists()


def test_it_refuses_deletes_outside_the_scope(world, alice, ars):
    assert alice.delete(url(world.site_b)).status_code == 404
    assert ars.delete(url(world.site_a)).status_code == 403
    assert Organisation.objects.filter(pk__in=[world.site_a.pk, world.site_b.pk]).count() == 2


def test_a_manager_cannot_carry_a_node_into_a_subtree_they_administer(world, as_user):
    climber = as_user(make_user("climber", (world.ght_a, Role.MANAGER), (world.region_b, Role.ADMIN)))
    response = climber.patch(url(world.hospital_a), {"parent": str(world.region_b.uuid)})
    assert response.status_code == 403
    assert Organisation.objects.get(pk=world.hospital_a.pk).parent_id == world.ght_a.pk
    assert climber.patch(url(world.hospital_a), {"phone": "01 02"}).status_code == 200  # still a manager
