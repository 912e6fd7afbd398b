"""The AD audit page with its trend and the continuity dependency graph in a real chromium, under the pages'
Content-Security-Policy: no console error (a refused inline style or script logs one), the shapes drawn, and
styled by the static stylesheets."""

import pytest
from django.utils import timezone

from tests.conftest import login
from tests.directory.app_fixtures import make_result
from tests.factories import make
from tests.test_browser import browser_page  # noqa: F401  (the Playwright fixture)


@pytest.fixture
def signed_in(world, client):
    """Data and a signed-in session, made before the browser starts (Playwright's loop forbids the ORM)."""
    from tests.continuity.builders import good_plan, stack
    from vigie.directory import services
    from vigie.directory.models import Audit, Directory

    directory = make(Directory, world, "a")
    audits = []
    for days, failing in ((200, {"krbtgt_age": 1, "guest": 2, "quota": 4}), (90, {"guest": 2}), (0, {"quota": 4})):
        audit = Audit.objects.create(organisation=directory.organisation, directory=directory, source="upload")
        services.store_result(audit, make_result(failing))
        Audit.objects.filter(pk=audit.pk).update(finished_at=timezone.now() - timezone.timedelta(days=days))
        audits.append(audit)
    activity, _app, database, _server = stack(world.hospital_a, "Navigateur")
    good_plan(database, offsite_copies=0)  # backup gaps: drawn as alerts on the activity's graph
    login(client, world.alice)
    return {"session": client.cookies["sessionid"].value, "audit": audits[-1].get_absolute_url(),
            "activity": activity.get_absolute_url()}


def watch(page) -> list[str]:
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


def computed(page, selector: str, prop: str) -> str:
    return page.evaluate(f"getComputedStyle(document.querySelector({selector!r})).{prop}")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_ad_trend_and_the_dependency_graph_render_under_the_csp(signed_in, live_server, browser_page):  # noqa: F811
    page = browser_page
    errors = watch(page)
    page.context.add_cookies([{"name": "sessionid", "value": signed_in["session"], "url": live_server.url}])

    response = page.goto(live_server.url + signed_in["audit"])
    assert response.status == 200
    assert "style-src 'self'" in response.headers["content-security-policy"]
    page.wait_for_load_state("networkidle")
    assert computed(page, ".level-figure", "fontSize") == "64px"  # 4rem from vigie.css
    trend = page.locator("svg.chart-step-chart")
    assert trend.get_attribute("role") == "img"
    assert trend.locator("path.chart-step").count() == 1 and trend.locator("circle.chart-point").count() == 3
    assert trend.locator("rect.chart-bar:not(.chart-swatch)").count() == 3  # and its legend swatch
    box = trend.bounding_box()
    assert box["width"] > 200 and box["height"] > 50
    assert computed(page, "svg.chart rect.chart-bar", "fill") == "rgb(244, 199, 195)"  # from core/charts.css
    assert computed(page, "svg.chart path.chart-step", "stroke") == "rgb(11, 83, 148)"
    assert page.locator(".chart-table tbody tr").count() == 3  # the same trend as text

    response = page.goto(live_server.url + "/continuity/graph/")
    assert response.status == 200
    page.wait_for_load_state("networkidle")
    graph = page.locator("svg.dependency-graph")
    assert graph.locator("g.n").count() == 4 and graph.locator("path.e").count() == 3
    assert computed(page, "svg.dependency-graph g.n rect", "fill") == "rgb(244, 246, 251)"  # from graph.css
    assert computed(page, "svg.dependency-graph path.e", "fill") == "none"
    assert graph.bounding_box()["width"] > 400
    assert page.locator(".graph-table tbody tr").count() == 4  # the same graph as text

    page.goto(live_server.url + signed_in["activity"])  # the activity's graph marks the backup gap
    page.wait_for_load_state("networkidle")
    alerts = page.locator("svg.dependency-graph g.n.alert").count()
    assert alerts == 2  # the database's plan keeps no offsite copy; the server has no plan
    assert computed(page, "svg.dependency-graph g.n.alert rect", "fill") == "rgb(253, 232, 228)"
    assert page.locator(".graph-table .alert").count() == alerts  # the table says it in words
    assert errors == [], errors
