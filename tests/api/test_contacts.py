"""Contacts through the API: scoped by their organisation, MANAGER to write, rules from the model."""

from vigie.accounts.models import AuditEvent
from vigie.organisations.models import Contact

LIST = "/api/contacts/"


def url(contact) -> str:
    return f"/api/contacts/{contact.uuid}"


def test_it_lists_only_contacts_in_the_scope(world, alice, ars):
    mine = Contact.objects.create(organisation=world.site_a, name="Anne RSSI", function="rssi")
    Contact.objects.create(organisation=world.hospital_b, name="Bernard RSSI", function="rssi")
    for caller in (alice, ars):
        response = caller.get(LIST)
        assert response.status_code == 200
        assert [c["name"] for c in response.json()["items"]] == ["Anne RSSI"]
    assert alice.get(LIST, {"organisation": str(world.site_a.uuid)}).json()["items"][0]["uuid"] == str(mine.uuid)
    theirs = alice.get(LIST, {"organisation": str(world.hospital_b.uuid)})  # named, never a silent empty list
    assert theirs.status_code == 422 and "organisation" in theirs.json()["errors"]


def test_it_creates_a_contact_and_audits_it(world, alice):
    response = alice.post(LIST, {"organisation": str(world.hospital_a.uuid), "name": "Anne", "function": "dpo",
                                 "email": "anne@ch-a.example.org"})
    assert response.status_code == 201, response.content
    contact = Contact.objects.get(uuid=response.json()["uuid"])
    assert (contact.organisation, contact.function) == (world.hospital_a, "dpo")
    event = AuditEvent.objects.get(action="create", object_uuid=str(contact.uuid))
    assert (event.username, event.organisation_path) == ("alice", world.hospital_a.path)


def test_it_returns_field_messages_for_bad_values(world, alice):
    response = alice.post(LIST, {"organisation": str(world.hospital_a.uuid), "name": "Anne",
                                 "function": "boss", "email": "not-an-address"})
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"function", "email"}
    assert not Contact.objects.exists()


def test_it_needs_a_manager_to_add_a_contact(world, as_user):
    for user in (world.ars_a, world.contributor_a):
        response = as_user(user).post(LIST, {"organisation": str(world.hospital_a.uuid), "name": "X"})
        assert response.status_code == 403
    response = as_user(world.ght_manager).post(LIST, {"organisation": str(world.hospital_a.uuid), "name": "X"})
    assert response.status_code == 201


def test_it_refuses_an_organisation_outside_the_scope_with_404(world, alice):
    response = alice.post(LIST, {"organisation": str(world.hospital_b.uuid), "name": "Intrus"})
    assert response.status_code == 404
    assert not Contact.objects.exists()


def test_it_changes_deletes_and_hides_contacts(world, alice):
    mine = Contact.objects.create(organisation=world.site_a, name="Anne", function="rssi")
    theirs = Contact.objects.create(organisation=world.site_b, name="Bernard", function="rssi")
    assert alice.get(url(mine)).json()["organisation"] == str(world.site_a.uuid)
    assert alice.get(url(theirs)).status_code == 404
    response = alice.patch(url(mine), {"phone": "01 23 45 67 89"})
    assert response.status_code == 200
    mine.refresh_from_db()
    assert (mine.name, mine.phone) == ("Anne", "01 23 45 67 89")
    assert alice.patch(url(theirs), {"phone": "0"}).status_code == 404
    assert alice.patch(url(mine), {"email": "nope"}).status_code == 422
    assert alice.delete(url(theirs)).status_code == 404
    assert alice.delete(url(mine)).status_code == 204
    assert list(Contact.objects.all()) == [theirs]
    assert AuditEvent.objects.filter(action="delete", object_uuid=str(mine.uuid), username="alice").exists()
