"""A real browser (Debian's chromium through Playwright) on the main exposure pages: the organisation's
exposure, a finding from the list, accepting its risk with a justification, adding a scope entry."""

import shutil

import pytest
from django.test import Client

from tests.conftest import login
from tests.exposure.app_builders import attest_scope, finding, result, store
from tests.test_browser import CHROMIUM_FLAGS


@pytest.fixture
def scenario(world, live_server):
    """Everything read from the database before the browser starts: Playwright's loop forbids it after."""
    org = world.hospital_a
    attest_scope(org, "198.18.0.10")
    store(org, result([finding(evidence="RDP (3389/tcp) answers from the internet")]))
    return {"base": live_server.url, "org": live_server.url + f"/exposure/org/{org.uuid}/",
            "session": login(Client(), world.alice).cookies["sessionid"].value}


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_it_shows_the_exposure_opens_a_finding_accepts_its_risk_and_adds_to_the_scope(scenario):
    chromium = shutil.which("chromium")
    if chromium is None:
        pytest.fail("Debian's chromium is missing: scripts/test installs it")
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_FLAGS)
        context = browser.new_context(locale="fr-FR")
        context.add_cookies([{"name": "sessionid", "value": scenario["session"], "url": scenario["base"]}])
        page = context.new_page()
        page.goto(scenario["base"] + "/exposure/")
        expect(page.locator("h1")).to_have_text("Exposition internet")
        page.click("text=CH A")
        expect(page.locator("h1")).to_contain_text("Exposition de CH A")
        expect(page.locator("main")).to_contain_text("198.18.0.10")
        assert page.locator("text=Scanner maintenant").count() == 1

        page.click("a:text('Constats')")
        page.click("td a >> nth=0")
        expect(page.locator("main")).to_contain_text("RDP (3389/tcp) answers from the internet")
        expect(page.locator("main")).to_contain_text("Ouvert")
        page.click("text=Accepter le risque")
        page.fill("#id_reason", "Passerelle retirée lors de la migration de juin")
        page.click("main button[type=submit]")
        expect(page.locator("main")).to_contain_text("Risque accepté jusqu'au")
        expect(page.locator("main")).to_contain_text("Passerelle retirée")

        page.goto(scenario["org"])
        page.click("text=Ajouter au périmètre")
        page.fill("#id_value", "10.0.0.0/8")
        page.click("main button[type=submit]")
        expect(page.locator(".errorlist")).to_contain_text("4096")
        page.fill("#id_value", "portail.ch-a.test")
        page.click("main button[type=submit]")
        expect(page.locator("h1")).to_have_text("Attester le périmètre")

        # removing a scope entry asks first: dismissed, nothing is removed; accepted, the entry goes
        page.goto(scenario["org"])
        page.click("a:text('198.18.0.10')")
        asked = []
        page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
        page.click("text=Retirer du périmètre")
        assert asked and "Retirer cette entrée du périmètre" in asked[0]
        expect(page.locator("h1")).to_contain_text("198.18.0.10")
        page.once("dialog", lambda dialog: dialog.accept())
        page.click("text=Retirer du périmètre")
        expect(page.locator("main")).to_contain_text("198.18.0.10 a été retiré du périmètre")
        browser.close()
