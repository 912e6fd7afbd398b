"""A real browser (Debian's chromium through Playwright) goes through the continuity pages: the module home,
an activity with its dependency graph (inline SVG), the impact grid, backups and the coverage."""

import pytest

from tests.conftest import PASSWORD
from tests.test_browser import browser_page  # noqa: F401  (the fixture)


@pytest.fixture
def data(world):
    """Everything read from the database before the browser starts: Playwright's loop forbids it after."""
    from django_otp.oath import totp

    from tests.continuity.builders import good_plan, stack

    act, _app, database, _server = stack(world.hospital_a, "Navigateur")
    good_plan(database, offsite_copies=0)
    device = world.alice.totpdevice_set.get()
    return {"code": lambda: f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}",
            "activity": act.get_absolute_url(), "name": act.name}


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_main_continuity_pages(data, live_server, browser_page):  # noqa: F811
    page = browser_page
    page.goto(live_server.url + "/accounts/login/")
    page.fill("input[name=username]", "alice")
    page.fill("input[name=password]", PASSWORD)
    page.press("input[name=password]", "Enter")
    page.fill("input[name=code]", data["code"]())
    page.press("input[name=code]", "Enter")
    page.wait_for_selector("text=Organisations")

    page.click("nav >> text=Crise et continuité")  # the menu group, then its entry
    page.click("nav >> text=Continuité et reprise d'activité")
    page.wait_for_selector("h1:has-text('Continuité et reprise')")
    page.click(f"text={data['name']}")
    page.wait_for_selector("svg.dependency-graph")
    graph = page.locator("svg.dependency-graph")
    assert graph.locator("text=SRV-Navigateur").count() >= 1 and graph.locator("path.e").count() >= 3
    assert graph.locator("g.n.alert").count() >= 1  # the database's backup has gaps
    assert page.locator("text=4 h").count() > 0  # DMIA

    page.click("text=Évaluer les impacts")
    page.select_option("select[name=interruption__financial__h1]", "3")
    page.select_option("select[name=interruption__financial__h4]", "1")
    page.click("button:has-text('Enregistrer')")
    page.wait_for_selector("[role=alert]")
    assert "ne peut pas diminuer" in page.locator("[role=alert]").inner_text()

    page.click("nav.subnav >> text=Sauvegardes")
    page.wait_for_selector("text=3-2-0-1-?")
    page.click("nav.subnav >> text=Couverture")
    page.wait_for_selector("h1:has-text('Couverture par les BIA et PCRA')")
