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


def test_it_pages_the_tree_with_the_same_queries_whatever_its_size(world, as_user):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.conftest import make_org
    from vigie.organisations.views import TREE_PER_PAGE

    client = as_user(world.national_admin)

    def listed(**params):
        with CaptureQueriesContext(connection) as captured:
            body = client.get(LIST, params).content.decode()
        return len(captured), body

    few, body = listed()
    assert world.site_b.get_absolute_url() in body and "Page 1" not in body
    added = [make_org(kind="ght", name=f"GHT n°{n:03d}", parent=world.region_b) for n in range(TREE_PER_PAGE + 5)]
    many, first = listed()
    assert many == few
    assert world.national.get_absolute_url() in first and added[-1].get_absolute_url() not in first
    assert first.split('class="tree"', 1)[1].count("<li>") == TREE_PER_PAGE
    _, second = listed(page=2)
    assert added[-1].get_absolute_url() in second and world.national.get_absolute_url() not in second
