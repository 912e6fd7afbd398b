"""The trend charts in a real chromium, under the page's Content-Security-Policy: no console error (a
refused inline style or script would log one), the shapes drawn, and styled by the static stylesheet."""

import datetime

import pytest
from django.utils import timezone

from tests.conftest import login
from tests.steering.trend_fixtures import HELD, indicators, summary, trend  # noqa: F401  (indicators: a fixture)
from tests.test_browser import browser_page  # noqa: F401  (the Playwright fixture)
from vigie.steering.trends import MONTHS, months_back


@pytest.fixture
def signed_in(world, indicators, client):
    """Data and a signed-in session, made before the browser starts (Playwright's loop forbids the ORM)."""
    for index, month in enumerate(months_back(MONTHS, timezone.localdate())):
        if index != 3:
            trend(world.national, "exposure.level", month, holding=index, total=MONTHS)
    summary(world.hospital_a, "exposure.level", HELD)
    summary(world.hospital_a, "directory.level", HELD)
    from vigie.exposure.models import Audit

    Audit.objects.create(organisation=world.hospital_a, title="A", level=2,
                         performed_on=timezone.localdate() - datetime.timedelta(days=90))
    login(client, world.national_admin)
    return {"session": client.cookies["sessionid"].value, "national": str(world.national.uuid),
            "hospital": str(world.hospital_a.uuid)}


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_trend_charts_render_under_the_csp(signed_in, live_server, browser_page):  # noqa: F811
    page = browser_page
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.context.add_cookies([{"name": "sessionid", "value": signed_in["session"], "url": live_server.url}])

    response = page.goto(f"{live_server.url}/steering/{signed_in['national']}/trends/")
    assert response.status == 200
    assert "style-src 'self'" in response.headers["content-security-policy"]
    page.wait_for_load_state("networkidle")
    chart = page.locator("svg.chart-line-chart").first
    assert chart.get_attribute("role") == "img"
    assert chart.locator("polyline").count() == 2 and chart.locator("circle").count() == MONTHS - 1
    assert chart.locator("rect.chart-gap").count() == 1
    box = chart.bounding_box()
    assert box["width"] > 200 and box["height"] > 50
    stroke = page.evaluate("getComputedStyle(document.querySelector('svg.chart polyline')).stroke")
    assert stroke == "rgb(11, 83, 148)"  # series-0 from core/charts.css: the stylesheet applied
    tiles = page.locator("svg.chart-tiles a")
    assert tiles.count() == 2  # region A and region B, each a link to its trends
    assert page.locator("svg.chart-tiles g.tile.share-2 rect").count() >= 1  # region A: 1 of 2

    page.goto(f"{live_server.url}/steering/establishments/{signed_in['hospital']}/trends/")
    steps = page.locator("svg.chart-step-chart").first
    assert steps.locator("path.chart-step").count() == 1 and steps.locator("circle").count() == 1
    assert errors == [], errors
