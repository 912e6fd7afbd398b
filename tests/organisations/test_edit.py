import pytest
from django.urls import reverse

from tests.conftest import make_user
from vigie.core.roles import Role
from vigie.organisations import services
from vigie.organisations.forms import OrganisationEditForm
from vigie.organisations.models import Organisation


def edit(org):
    return reverse("organisations:edit", args=[org.uuid])


def form_data(org, **changes):
    data = {
        "parent": org.parent_id or "", "name": org.name, "code": org.code, "finess": org.finess or "",
        "legal_status": org.legal_status, "activity_share": org.activity_share or "",
        "bed_count": org.bed_count or "", "address": org.address, "email": org.email, "phone": org.phone,
    }
    data.update(changes)
    return data


@pytest.mark.parametrize("persona", ["auditor_a", "contributor_a", "bob"])
def test_it_refuses_those_who_may_not_change(world, as_user, persona):
    client = as_user(getattr(world, persona))
    refused = 404 if persona == "bob" else 403  # 404 for what one cannot see, 403 for what one only sees
    assert client.get(edit(world.hospital_a)).status_code == refused
    response = client.post(edit(world.hospital_a), form_data(world.hospital_a, name="Renamed"))
    assert response.status_code == refused
    assert Organisation.objects.get(pk=world.hospital_a.pk).name == "CH A"


def test_a_manager_can_edit(world, as_user):
    client = as_user(world.ght_manager)
    assert client.get(edit(world.hospital_a)).status_code == 200
    response = client.post(edit(world.hospital_a), form_data(world.hospital_a, name="CH A renamed", bed_count=420))
    assert response.status_code == 302
    org = Organisation.objects.get(pk=world.hospital_a.pk)
    assert (org.name, org.bed_count) == ("CH A renamed", 420)


def test_it_shows_finess_errors_on_the_field(world, as_user):
    client = as_user(world.ght_manager)
    wrong = world.hospital_a.finess[:-1] + str((int(world.hospital_a.finess[-1]) + 1) % 10)
    response = client.post(edit(world.hospital_a), form_data(world.hospital_a, finess=wrong))
    assert response.status_code == 200
    errors = response.context["form"].errors["finess"]
    assert any("check key" in e or "clé" in e for e in errors)
    response = client.post(edit(world.hospital_a), form_data(world.hospital_a, finess="1234567890"))
    errors = response.context["form"].errors["finess"]
    assert len(errors) == 1 and "1234567890" in errors[0]
    assert Organisation.objects.get(pk=world.hospital_a.pk).finess == world.hospital_a.finess


def test_an_admin_above_both_parents_can_move(world, as_user):
    client = as_user(world.national_admin)
    data = form_data(world.hospital_a, parent=world.ght_b.pk, activity_share="")
    response = client.post(edit(world.hospital_a), data)
    assert response.status_code == 302, response.context["form"].errors
    site = Organisation.objects.get(pk=world.site_a.pk)
    assert site.path.startswith(world.ght_b.path)


def test_a_manager_is_not_offered_a_move_and_a_posted_parent_is_ignored(world, as_user):
    client = as_user(world.ght_manager)  # MANAGER: may change, may not move
    assert "parent" not in client.get(edit(world.hospital_a)).context["form"].fields
    client.post(edit(world.hospital_a), form_data(world.hospital_a, parent=world.ght_b.pk))
    assert Organisation.objects.get(pk=world.hospital_a.pk).parent_id == world.ght_a.pk


def test_a_manager_cannot_carry_a_node_into_a_subtree_they_administer(world, as_user):
    """Manager on GHT A and administrator of region B: moving CH A under region B would make them its
    administrator. Moving needs ADMIN where the node stands."""
    climber = make_user("climber", (world.ght_a, Role.MANAGER), (world.region_b, Role.ADMIN))
    client = as_user(climber)
    assert "parent" not in client.get(edit(world.hospital_a)).context["form"].fields
    client.post(edit(world.hospital_a), form_data(world.hospital_a, parent=world.region_b.pk))
    assert Organisation.objects.get(pk=world.hospital_a.pk).parent_id == world.ght_a.pk


def test_it_offers_no_parent_inside_the_own_subtree(world, as_user):
    response = as_user(world.national_admin).get(edit(world.ght_a))
    choices = set(response.context["form"].fields["parent"].queryset)
    assert world.region_a in choices and world.region_b in choices
    assert world.ght_a not in choices and world.hospital_a not in choices


def test_it_rolls_back_a_save_that_leaves_the_user_scope(world):
    """Even if a form let a move through, the re-check inside the transaction undoes it."""
    ght_admin = make_user("ght_admin", (world.ght_a, Role.ADMIN))
    org = Organisation.objects.get(pk=world.hospital_a.pk)
    form = OrganisationEditForm(form_data(org, parent=world.ght_b.pk, activity_share=""), instance=org,
                                user=ght_admin)
    form.fields["parent"].queryset = Organisation.objects.all()  # simulate a broken restriction
    assert form.is_valid(), form.errors
    with pytest.raises(services.OutOfScope):
        services.update_organisation(form, ght_admin)
    assert Organisation.objects.get(pk=world.hospital_a.pk).parent_id == world.ght_a.pk
