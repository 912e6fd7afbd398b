import pytest
from django.db.models import ProtectedError
from django.urls import reverse

from vigie.organisations import services
from vigie.organisations.models import Contact, Organisation


def delete(org):
    return reverse("organisations:delete", args=[org.uuid])


def test_an_admin_deletes_a_leaf(world, as_user):
    client = as_user(world.alice)
    assert client.get(delete(world.site_a)).status_code == 200
    response = client.post(delete(world.site_a))
    assert response.status_code == 302
    assert response["Location"] == world.hospital_a.get_absolute_url()
    assert not Organisation.objects.filter(pk=world.site_a.pk).exists()


def test_it_refuses_to_delete_a_node_with_children_and_roles(world, as_user):
    response = as_user(world.national_admin).post(delete(world.hospital_a))
    assert response.status_code == 200
    problems = " ".join(response.context["problems"])
    assert "1" in problems and len(response.context["problems"]) == 2  # one child, three roles
    assert Organisation.objects.filter(pk=world.hospital_a.pk).exists()


def test_it_refuses_to_lose_contacts(world, as_user):
    Contact.objects.create(organisation=world.site_a, name="Paul DSI", function="dsi")
    response = as_user(world.alice).post(delete(world.site_a))
    assert response.status_code == 200
    assert len(response.context["problems"]) == 1
    assert Organisation.objects.filter(pk=world.site_a.pk).exists()


@pytest.mark.parametrize("persona", ["ght_manager", "contributor_a", "bob"])
def test_it_refuses_without_delete(world, as_user, persona):
    client = as_user(getattr(world, persona))
    refused = 404 if persona == "bob" else 403  # 404 for what one cannot see, 403 for what one only sees
    assert client.get(delete(world.site_a)).status_code == refused
    assert client.post(delete(world.site_a)).status_code == refused
    assert Organisation.objects.filter(pk=world.site_a.pk).exists()


def test_it_turns_protect_errors_into_a_message(world, monkeypatch):
    site = Organisation.objects.get(pk=world.site_a.pk)

    def protected(self, *args, **kwargs):
        raise ProtectedError("protected", {world.hospital_a})

    monkeypatch.setattr(Organisation, "delete", protected)
    with pytest.raises(services.Refused) as exc:
        services.delete_organisation(site)
    assert str(Organisation._meta.verbose_name_plural) in exc.value.messages[0]
