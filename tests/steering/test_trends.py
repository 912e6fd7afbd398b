"""The trend pages: 24 months of shares per indicator from Trend rows (missing months as gaps, in the chart
and the table), the regions grid of the national node, one establishment's levels over time; query counts
that do not grow with the data."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.conftest import login, make_org
from tests.steering.trend_fixtures import HELD, LATE, indicators, summary, trend  # noqa: F401  (indicators: a fixture)
from vigie.organisations.finess import with_key
from vigie.steering.trends import MONTHS, months_back


def months():
    return months_back(MONTHS, timezone.localdate())


def figure_of(html: str, title: str) -> str:
    """The <section> of one indicator."""
    start = html.index(title)
    return html[start:html.index("</section>", start)]


def test_months_back_counts_whole_months_across_years():
    found = months_back(24, datetime.date(2026, 3, 15))
    assert found[0] == datetime.date(2024, 4, 1) and found[-1] == datetime.date(2026, 3, 1)
    assert len(set(found)) == 24


def test_ght_trends_draw_24_months_with_gaps(client, world, indicators):
    every = months()
    for index, month in enumerate(every):
        if index not in (5, 6):  # two months never counted
            trend(world.ght_a, "exposure.level", month, holding=index % 3, total=2)
    trend(world.ght_b, "exposure.level", every[-1], holding=2, total=2)  # another GHT's: not drawn here
    login(client, world.ght_manager)
    response = client.get(reverse("steering:trends", args=[world.ght_a.uuid]))
    assert response.status_code == 200
    html = response.content.decode()
    section = figure_of(html, "Niveau d&#x27;exposition")
    assert len(re.findall(r'<circle class="chart-point', section)) == 22
    assert len(re.findall(r"<polyline", section)) == 2  # the line breaks at the gap
    assert len(re.findall(r'class="chart-gap"', section)) == 2
    assert section.count('class="gap"') == 2  # the table says which months have no count
    assert f"{every[5]:%m/%Y}" in section and f"{every[0]:%m/%Y}" in section and f"{every[-1]:%m/%Y}" in section
    last = every[-1]
    assert f"{(MONTHS - 1) % 3} / 2" in section
    # an indicator with no counts at all is still shown, all gaps
    budget = figure_of(html, "Budget")
    assert "<polyline" not in budget and budget.count('class="gap"') == MONTHS
    assert 'role="img"' in html and 'style="' not in re.sub(r"<(link|script)[^>]*>", "", html).split("<main", 1)[1]
    assert "core/charts.css" in html
    assert last.year >= 2026


def _queries(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_trends_query_count_does_not_grow_with_months_or_indicators(client, world, indicators,
                                                                      django_assert_max_num_queries):
    login(client, world.ght_manager)
    url = reverse("steering:trends", args=[world.ght_a.uuid])
    trend(world.ght_a, "exposure.level", months()[-1], holding=1, total=2)
    few = _queries(client, url)
    for month in months()[:-1]:
        for key in ("exposure.level", "directory.level", "exercises.yearly"):
            trend(world.ght_a, key, month, holding=1, total=2)
    assert _queries(client, url) == few
    with django_assert_max_num_queries(13):
        client.get(url)


def test_national_trends_show_regions_coloured_by_domain1_share(client, world, indicators,
                                                                django_assert_max_num_queries):
    # region A: CH A holds both Domain 1 indicators, the clinic one only; region B: CH B holds both
    for org in (world.hospital_a, world.hospital_b):
        summary(org, "exposure.level", HELD)
        summary(org, "directory.level", HELD)
    summary(world.clinic, "exposure.level", HELD)
    summary(world.clinic, "directory.level", LATE)
    summary(world.clinic, "exercises.yearly", HELD)  # not Domain 1: does not count
    login(client, world.national_admin)
    with django_assert_max_num_queries(18):
        response = client.get(reverse("steering:trends", args=[world.national.uuid]))
    html = response.content.decode()
    grid = html[html.index('class="chart chart-tiles"'):html.index("</svg>", html.index("chart-tiles"))]
    assert grid.count('class="tile share-2"><title>') == 1  # region A: 1 of 2 = 50 %
    assert grid.count('class="tile share-4"><title>') == 1  # region B: 1 of 1 = 100 %
    assert reverse("steering:trends", args=[world.region_a.uuid]) in grid
    assert "50 %" in html and "100 %" in html


def test_region_reader_sees_the_grid_only_on_the_national_node(client, world, indicators):
    login(client, world.ars_a)
    html = client.get(reverse("steering:trends", args=[world.region_a.uuid])).content.decode()
    assert "chart-tiles" not in html
    assert client.get(reverse("steering:trends", args=[world.national.uuid])).status_code == 404
    assert client.get(reverse("steering:trends", args=[world.region_b.uuid])).status_code == 404


def test_an_establishment_is_sent_to_its_levels_page(client, world, indicators):
    login(client, world.alice)
    response = client.get(reverse("steering:trends", args=[world.hospital_a.uuid]))
    assert response.status_code == 302
    assert response["Location"] == reverse("steering:establishment_trends", args=[world.hospital_a.uuid])
    response = client.get(reverse("steering:trends", args=[world.site_a.uuid]))
    assert response["Location"] == reverse("steering:establishment_trends", args=[world.hospital_a.uuid])


def _exposure_audit(org, day, level):
    from vigie.exposure.models import Audit

    return Audit.objects.create(organisation=org, title=f"Audit {day}", performed_on=day, level=level)


def _ad_audit(directory, day, level):
    from vigie.directory.models import Audit

    moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))
    return Audit.objects.create(organisation=directory.organisation, directory=directory, source="upload",
                                status="done", finished_at=moment, level=level)


@pytest.fixture
def audits(world):
    from vigie.directory.models import Directory

    today = timezone.localdate()
    _exposure_audit(world.hospital_a, today - datetime.timedelta(days=300), 1)
    _exposure_audit(world.hospital_a, today - datetime.timedelta(days=100), 3)
    _exposure_audit(world.site_a, today - datetime.timedelta(days=50), 4)
    _exposure_audit(world.hospital_a, today - datetime.timedelta(days=900), 2)  # older than 24 months
    _exposure_audit(world.hospital_b, today - datetime.timedelta(days=50), 2)  # another establishment
    directory = Directory.objects.create(organisation=world.hospital_a, name="AD <principal>", domain="ad.ch-a.local")
    _ad_audit(directory, today - datetime.timedelta(days=200), 2)
    _ad_audit(directory, today - datetime.timedelta(days=20), 3)
    Directory.objects.create(organisation=world.hospital_b, name="AD B", domain="ad.ch-b.local")
    return directory


def test_establishment_levels_over_time(client, world, audits, django_assert_max_num_queries):
    login(client, world.auditor_a)
    with django_assert_max_num_queries(15):  # fixed: one query per audit family, whatever their number
        response = client.get(reverse("steering:establishment_trends", args=[world.hospital_a.uuid]))
    assert response.status_code == 200
    html = response.content.decode()
    svgs = re.findall(r"<svg [^>]*chart-step-chart.*?</svg>", html, re.S)
    assert len(svgs) == 2
    exposure, directory = svgs
    assert exposure.count("<path") == 2  # CH A and its site: one step line each
    assert exposure.count("<circle") == 3  # the audit older than 24 months is left out
    assert directory.count("<circle") == 2 and "AD &lt;principal&gt;" in directory
    assert "CH A — site 1" in html and "CH B" not in html.split("<main", 1)[1]


def test_establishment_levels_page_answers_only_for_establishments(client, world):
    login(client, world.ght_manager)
    assert client.get(reverse("steering:establishment_trends", args=[world.ght_a.uuid])).status_code == 404
    assert client.get(reverse("steering:establishment_trends", args=[world.hospital_b.uuid])).status_code == 404


def test_level_history_services_stay_in_the_users_scope(world, audits):
    from vigie.directory.services import level_history as ad_history
    from vigie.exposure.services import level_history as exposure_history

    since = timezone.localdate() - datetime.timedelta(days=730)
    assert [level for _name, _day, level in exposure_history(world.hospital_a, world.alice, since)] == [1, 3, 4]
    assert exposure_history(world.hospital_a, world.bob, since) == []
    assert [row[0] for row in ad_history(world.hospital_a, world.alice, since)] == ["AD <principal>"] * 2
    other = make_org(kind="legal_entity", name="CH Z", parent=world.ght_b, finess=with_key("69000009"),
                     legal_status="public")
    assert ad_history(other, world.national_admin, since) == []
