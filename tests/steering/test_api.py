"""The matrix through the API: same rows, filter, order and pagination as the page."""

from tests.steering.matrix_data import ON, establishment, indicators, reading  # noqa: F401  (fixture)
from vigie.accounts.models import ApiToken


class api:  # noqa: N801
    """The test client with a personal token of `user`."""

    def __init__(self, client, user):
        _token, raw = ApiToken.issue(user, "steering tests")
        self.client, self.headers = client, {"HTTP_AUTHORIZATION": f"Bearer {raw}"}

    def get(self, url):
        return self.client.get(url, **self.headers)


def url(node, query=""):
    return f"/api/steering/{node.uuid}/matrix{query}"


def test_it_lists_the_visible_rows_late_first_with_their_readings(client, world, indicators):
    reading(world.hospital_a, "test.exposure", "late", value=2, on=ON, url="/exposure/")
    reading(world.hospital_b, "test.exposure", "late", value=1)
    response = api(client, world.ars_a).get(url(world.region_a))
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["count"] == 2 and data["pages"] == 1
    first, second = data["items"]
    assert first["name"] == "CH A" and first["late"] == 1 and not first["nothing_recorded"]
    assert first["readings"][0] == {"key": "test.exposure", "state": "late", "value": "2.00", "on": "2026-03-01",
                                    "due": None, "url": "/exposure/", "computed_at": first["readings"][0]["computed_at"]}
    assert [r["key"] for r in first["readings"]] == ["test.exposure", "test.coverage", "test.exercise"]
    assert second["name"] == "Clinique C" and second["nothing_recorded"]
    assert "CH B" not in response.content.decode()


def test_it_filters_sorts_and_paginates_like_the_page(client, world, indicators):
    for number in range(52):
        establishment(world.ght_a, f"CH Lot {number:02d}", 300 + number)
    caller = api(client, world.ars_a)
    data = caller.get(url(world.region_a, "?sort=name&q=Lot&page=2")).json()
    assert data["count"] == 52 and data["page"] == 2 and [i["name"] for i in data["items"]] == ["CH Lot 50", "CH Lot 51"]
    reading(world.clinic, "test.coverage", "held")
    data = caller.get(url(world.region_a, "?state=test.coverage:held")).json()
    assert [i["name"] for i in data["items"]] == ["Clinique C"]


def test_bad_filters_answer_422_naming_the_field(client, world, indicators):
    response = api(client, world.ars_a).get(url(world.region_a, "?state=nothing:late"))
    assert response.status_code == 422 and "state" in response.json()["detail"]


def test_it_answers_404_outside_scope_and_for_a_site(client, world, indicators):
    caller = api(client, world.ars_a)
    assert caller.get(url(world.region_b)).status_code == 404
    assert caller.get(url(world.site_a)).status_code == 404
    # an establishment's matrix is its own row
    data = caller.get(url(world.hospital_a)).json()
    assert [i["name"] for i in data["items"]] == ["CH A"]


def test_the_list_takes_a_fixed_number_of_queries(client, world, indicators):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    caller = api(client, world.national_admin)

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert caller.get(url(world.national, "?sort=-test.exposure&state=test.exposure:late")).status_code == 200
        return len(captured)

    reading(world.hospital_a, "test.exposure", "late")
    few = count()
    for number in range(20):
        reading(establishment(world.ght_b, f"CH R{number}", 400 + number), "test.exposure", "late", value=number)
    assert count() == few
