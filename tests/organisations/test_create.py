from django.urls import reverse

from vigie.organisations.finess import with_key
from vigie.organisations.models import Organisation


def create(parent, kind=""):
    return reverse("organisations:create", args=[parent.uuid]) + (f"?kind={kind}" if kind else "")


def site_data(**changes):
    data = {"kind": "site", "name": "CH A — site 2", "finess": with_key("75000200"), "code": "",
            "legal_status": "", "activity_share": "", "bed_count": "120", "address": "", "email": "",
            "phone": ""}
    data.update(changes)
    return data


def test_an_admin_creates_a_site_under_their_hospital(world, as_user):
    client = as_user(world.alice)
    assert client.get(create(world.hospital_a, "site")).status_code == 200
    response = client.post(create(world.hospital_a), site_data())
    assert response.status_code == 302
    site = Organisation.objects.get(name="CH A — site 2")
    assert site.parent_id == world.hospital_a.pk
    assert site.path.startswith(world.hospital_a.path)
    assert response["Location"] == site.get_absolute_url()


def test_it_offers_only_the_kinds_allowed_under_the_parent(world, as_user):
    client = as_user(world.national_admin)
    form = client.get(create(world.ght_a)).context["form"]
    assert [k for k, _ in form.fields["kind"].choices] == ["legal_entity"]
    response = client.post(create(world.ght_a), site_data())  # a site directly under a GHT
    assert "kind" in response.context["form"].errors
    assert not Organisation.objects.filter(name="CH A — site 2").exists()


def test_it_refuses_creation_to_those_without_add(world, as_user):
    before = Organisation.objects.count()
    for user in (world.ght_manager, world.auditor_a, world.bob):
        client = as_user(user)
        refused = 404 if user == world.bob else 403  # 404 for what one cannot see, 403 for what one only sees
        assert client.get(create(world.hospital_a)).status_code == refused
        assert client.post(create(world.hospital_a), site_data()).status_code == refused
    assert Organisation.objects.count() == before


def test_it_shows_the_finess_message_on_the_field(world, as_user):
    good = with_key("75000200")
    bad = good[:-1] + str((int(good[-1]) + 1) % 10)
    response = as_user(world.alice).post(create(world.hospital_a), site_data(finess=bad))
    assert response.status_code == 200
    assert bad in response.context["form"].errors["finess"][0]
    response = as_user(world.alice).post(create(world.hospital_a), site_data(finess=""))
    assert response.context["form"].errors["finess"]
    assert not Organisation.objects.filter(name="CH A — site 2").exists()


def test_it_refuses_activity_shares_over_100(world, as_user):
    data = site_data(kind="legal_entity", name="CH A2", legal_status="public", activity_share="45")
    response = as_user(world.national_admin).post(create(world.ght_a), data)
    assert response.status_code == 200
    assert "activity_share" in response.context["form"].errors
    assert not Organisation.objects.filter(name="CH A2").exists()
