"""The matrix of a level: rows are the visible establishments (nothing-recorded ones too), columns the
registered indicators; sorted, filtered and paginated in SQL with a fixed number of queries."""

import html
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.conftest import login
from tests.steering.matrix_data import ON, establishment, indicators, reading  # noqa: F401  (fixture)


def matrix_url(node, **query):
    url = reverse("steering:matrix", args=[node.uuid])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def names(response) -> list[str]:
    assert response.status_code == 200, response.status_code
    return [row.establishment.name for row in response.context["rows"]]


@pytest.fixture
def readings(world, indicators):
    """CH A: exposure late, coverage held; clinic: nothing at all; CH B (region B): two late readings."""
    reading(world.hospital_a, "test.exposure", "late", value=2, on=ON, url="/exposure/")
    reading(world.hospital_a, "test.coverage", "held", value=80)
    reading(world.hospital_b, "test.exposure", "late", value=1)
    reading(world.hospital_b, "test.exercise", "late", on=ON)
    return world


def test_region_reader_sees_their_region_late_first_and_nothing_recorded_rows(client, readings):
    world = readings
    response = login(client, world.ars_a).get(matrix_url(world.region_a))
    assert names(response) == ["CH A", "Clinique C"]
    body = response.content.decode()
    assert "CH B" not in body and world.hospital_b.finess not in body
    clinic = response.context["rows"][1]
    assert clinic.nothing_recorded and clinic.late == 0
    assert "Rien d'enregistré" in html.unescape(body)
    assert reverse("steering:establishment", args=[world.hospital_a.uuid]) in body
    headers = re.findall(r'title="([^"]+)"[^>]*>(EXP|BIA|EXE)<', body)
    assert [h[1] for h in headers] == ["EXP", "BIA", "EXE"]  # the registry's order, not a list in the page


def test_it_answers_404_outside_scope_and_for_sites(client, readings):
    world = readings
    reader = login(client, world.ars_a)
    assert reader.get(matrix_url(world.region_b)).status_code == 404
    assert reader.get(matrix_url(world.ght_b)).status_code == 404
    assert reader.get(matrix_url(world.national)).status_code == 404
    assert reader.get(matrix_url(world.site_a)).status_code == 404
    # an establishment's matrix is its drill-down
    response = reader.get(matrix_url(world.hospital_a))
    assert response.status_code == 302
    assert response["Location"] == reverse("steering:establishment", args=[world.hospital_a.uuid])


def test_national_admin_sees_every_establishment(client, readings):
    world = readings
    response = login(client, world.national_admin).get(matrix_url(world.national))
    assert names(response) == ["CH B", "CH A", "Clinique C"]  # two late readings, then one, then none


def test_it_sorts_by_any_column_state_then_value(client, readings):
    world = readings
    extra = establishment(world.ght_a, "CH D", 1)
    reading(extra, "test.exposure", "late", value=4)
    reading(extra, "test.coverage", "partial", value=30)
    admin = login(client, world.national_admin)
    # best first: held, due, partial, late, never; higher values first within a state
    assert names(admin.get(matrix_url(world.national, sort="test.exposure"))) == ["CH D", "CH A", "CH B",
                                                                                  "Clinique C"]
    assert names(admin.get(matrix_url(world.national, sort="-test.exposure"))) == ["Clinique C", "CH B", "CH A",
                                                                                   "CH D"]
    assert names(admin.get(matrix_url(world.national, sort="test.coverage")))[:2] == ["CH A", "CH D"]
    assert names(admin.get(matrix_url(world.national, sort="name"))) == ["CH A", "CH B", "CH D", "Clinique C"]
    # the header links sort on the column, then reverse it
    body = admin.get(matrix_url(world.national, sort="test.exposure")).content.decode()
    assert "sort=-test.exposure" in body and "sort=test.coverage" in body


def test_it_filters_by_state_name_finess_and_level(client, readings):
    world = readings
    never = establishment(world.ght_a, "CH Jamais", 2)
    reading(never, "test.exposure", "never")
    admin = login(client, world.national_admin)
    assert names(admin.get(matrix_url(world.national, state="test.exposure:late"))) == ["CH B", "CH A"]
    assert names(admin.get(matrix_url(world.national, state="test.coverage:held"))) == ["CH A"]
    # "never" also means no reading at all
    assert names(admin.get(matrix_url(world.national, state="test.exposure:never"))) == ["CH Jamais", "Clinique C"]
    assert names(admin.get(matrix_url(world.national, state="test.exposure:late&state=test.exercise:late"))) == [
        "CH B"]
    assert names(admin.get(matrix_url(world.national, q="clinique"))) == ["Clinique C"]
    assert names(admin.get(matrix_url(world.national, q=world.hospital_b.finess[:6]))) == ["CH B"]
    assert names(admin.get(matrix_url(world.national, within=world.ght_a.uuid))) == ["CH A", "CH Jamais"]
    assert names(admin.get(matrix_url(world.national, within=world.region_a.uuid))) == ["CH A", "CH Jamais",
                                                                                      "Clinique C"]


def test_bad_filters_are_named_and_change_nothing(client, readings):
    world = readings
    reader = login(client, world.ars_a)
    response = reader.get(matrix_url(world.region_a, state="test.exposure:broken", within=world.ght_b.uuid))
    assert response.status_code == 200
    errors = response.context["filters"].errors
    assert "state" in errors and "within" in errors  # GHT B is not under region A for this reader
    assert names(response) == ["CH A", "Clinique C"]


def test_it_paginates_and_page_links_keep_sort_and_filters(client, readings):
    world = readings
    for number in range(55):
        establishment(world.ght_a, f"CH Lot {number:02d}", 100 + number)
    reader = login(client, world.ars_a)
    first = reader.get(matrix_url(world.region_a, sort="name", q="CH"))
    assert first.context["page_obj"].paginator.count == 56 and len(first.context["rows"]) == 50
    body = first.content.decode()
    following = re.search(r'href="(\?[^"]*page=2[^"]*)"', body).group(1).replace("&amp;", "&")
    assert "sort=name" in following and "q=CH" in following
    second = reader.get(reverse("steering:matrix", args=[world.region_a.uuid]) + following)
    assert names(second) == [f"CH Lot {n:02d}" for n in range(49, 55)]


def test_totals_coverage_and_freshness(client, readings):
    world = readings
    response = login(client, world.national_admin).get(matrix_url(world.national))
    totals = response.context["figures"].totals
    assert totals.count == 3
    assert [(t.indicator.key, t.holding, t.total) for t in totals.by_indicator] == [
        ("test.exposure", 0, 3), ("test.coverage", 1, 3), ("test.exercise", 0, 3)]
    assert totals.oldest is not None
    coverage = {line.ght.name: line.shares for line in response.context["figures"].coverage}
    assert [(i.key, share, met) for i, share, met in coverage["GHT A"]] == [("test.coverage", Decimal("60"), False)]
    assert coverage["GHT B"][0][1] == 0
    # 60 % + 6 % reaches the threshold exactly; 65.9 % would not
    reading(establishment(world.ght_a, "CH E", 3, share="6"), "test.coverage", "due")
    response = login(client, world.national_admin).get(matrix_url(world.national))
    line = next(line for line in response.context["figures"].coverage if line.ght.name == "GHT A")
    assert line.shares[0][1:] == (Decimal("66"), True)


def test_a_ght_has_no_ght_coverage_table_and_says_when_nothing_was_computed(client, world, indicators):
    response = login(client, world.ght_manager).get(matrix_url(world.ght_a))
    assert response.context["figures"].coverage == []
    assert response.context["figures"].totals.oldest is None
    assert names(response) == ["CH A"] and response.context["rows"][0].nothing_recorded
    body = response.content.decode()
    assert "Rien n'a encore été calculé pour ce niveau" in html.unescape(body)


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_page_takes_a_fixed_number_of_queries(client, readings):
    world = readings
    admin = login(client, world.national_admin)
    url = matrix_url(world.national, sort="test.exposure", state="test.exposure:late&state=test.exposure:never")
    few = _queries(admin, url)
    for number in range(30):
        org = establishment(world.ght_a if number % 2 else world.region_b, f"CH Q{number}", 200 + number)
        reading(org, "test.exposure", "late", value=number)
        reading(org, "test.coverage", "held", value=number)
    assert _queries(admin, url) == few
    assert few <= 22, few


def test_coverage_shares_read_as_the_template_filter_wrote_them_in_each_language():
    from decimal import Decimal

    from django.utils import translation

    from vigie.steering.matrix import percent_text

    with translation.override("fr"):
        assert [percent_text(Decimal(v)) for v in ("65.94", "65.95", "60.00", "66")] == ["65,9", "66", "60", "66"]
    with translation.override("en"):
        assert percent_text(Decimal("65.94")) == "65.9"
