import pytest
from django.urls import reverse

from vigie.organisations.models import Contact

DATA = {"name": "Jeanne Martin", "function": "rssi", "email": "rssi@ch-a.fr", "phone": "0102030405"}


def test_a_manager_adds_edits_and_deletes_a_contact(world, as_user):
    client = as_user(world.ght_manager)
    response = client.post(reverse("organisations:contact_add", args=[world.hospital_a.uuid]), DATA)
    assert response.status_code == 302
    contact = Contact.objects.get(name="Jeanne Martin")
    assert contact.organisation_id == world.hospital_a.pk
    response = client.post(reverse("organisations:contact_edit", args=[contact.uuid]), {**DATA, "function": "dsi"})
    assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.function == "dsi"
    assert client.post(reverse("organisations:contact_delete", args=[contact.uuid])).status_code == 302
    assert not Contact.objects.filter(pk=contact.pk).exists()


@pytest.mark.parametrize("persona", ["auditor_a", "contributor_a", "bob"])
def test_others_are_refused(world, as_user, persona):
    contact = Contact.objects.create(organisation=world.hospital_a, name="Paul", function="dsi")
    client = as_user(getattr(world, persona))
    refused = 404 if persona == "bob" else 403  # 404 for what one cannot see, 403 for what one only sees
    assert client.post(reverse("organisations:contact_add", args=[world.hospital_a.uuid]), DATA).status_code == refused
    assert client.post(reverse("organisations:contact_edit", args=[contact.uuid]),
                       {**DATA, "name": "Changed"}).status_code == refused
    assert client.post(reverse("organisations:contact_delete", args=[contact.uuid])).status_code == refused
    contact.refresh_from_db()
    assert contact.name == "Paul"
    assert Contact.objects.count() == 1
