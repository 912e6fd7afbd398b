from django.urls import reverse

LIST = reverse("organisations:list")


def test_it_shows_the_visible_tree_only(world, as_user):
    body = as_user(world.alice).get(LIST).content.decode()
    assert 'class="tree"' in body
    assert world.hospital_a.get_absolute_url() in body
    assert world.site_a.get_absolute_url() in body
    assert world.hospital_b.get_absolute_url() not in body
    assert world.ght_a.get_absolute_url() not in body  # above alice's role


def test_it_nests_a_region_tree_for_the_ars(world, as_user):
    body = as_user(world.ars_a).get(LIST).content.decode()
    for org in (world.region_a, world.ght_a, world.hospital_a, world.site_a, world.clinic):
        assert org.get_absolute_url() in body
    assert world.region_b.get_absolute_url() not in body
    assert body.index(world.ght_a.get_absolute_url()) < body.index(world.site_a.get_absolute_url())


def test_it_searches_by_name_and_finess_within_scope(world, as_user):
    client = as_user(world.ars_a)
    by_name = client.get(LIST, {"q": "clinique"}).content.decode()
    assert world.clinic.get_absolute_url() in by_name
    assert world.hospital_a.get_absolute_url() not in by_name
    by_finess = client.get(LIST, {"q": world.site_a.finess[:6]}).content.decode()
    assert world.site_a.get_absolute_url() in by_finess
    hidden = client.get(LIST, {"q": "CH B"}).content.decode()
    assert world.hospital_b.get_absolute_url() not in hidden
    hidden = client.get(LIST, {"q": world.hospital_b.finess}).content.decode()
    assert world.hospital_b.get_absolute_url() not in hidden


def test_it_asks_anonymous_visitors_to_sign_in(client, world):
    response = client.get(LIST)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
