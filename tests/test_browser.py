"""A real browser (Debian's chromium, driven by Playwright) signs in with TOTP, switches the language
and opens an organisation page."""

import shutil

import pytest
from django_otp.oath import totp

from tests.conftest import PASSWORD

CHROMIUM_FLAGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
]


@pytest.fixture
def browser_page():
    chromium = shutil.which("chromium")
    if chromium is None:
        pytest.fail("Debian's chromium is missing: scripts/test installs it")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_FLAGS)
        page = browser.new_page(locale="fr-FR")
        yield page
        browser.close()


@pytest.fixture
def scenario(world):
    """Everything read from the database before the browser starts: Playwright's loop forbids it after."""
    device = world.alice.totpdevice_set.get()
    return {
        "code": lambda: f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}",
        "a_url": world.hospital_a.get_absolute_url(),
        "a_finess": world.hospital_a.finess,
        "b_url": world.hospital_b.get_absolute_url(),
    }


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_it_signs_in_with_totp_switches_language_and_opens_the_organisation(scenario, live_server, browser_page):
    page = browser_page
    current_code = scenario["code"]
    hospital_a_url, hospital_b_url = scenario["a_url"], scenario["b_url"]
    page.goto(live_server.url + "/")
    assert "/accounts/login/" in page.url  # anonymous visitors are sent to sign in
    page.fill("input[name=username]", "alice")
    page.fill("input[name=password]", PASSWORD)
    page.press("input[name=password]", "Enter")
    page.wait_for_selector("input[name=code]")
    page.goto(live_server.url + hospital_a_url)
    assert "/accounts/login/" in page.url  # the password alone opens nothing
    page.goto(live_server.url + "/accounts/login/")
    page.fill("input[name=username]", "alice")
    page.fill("input[name=password]", PASSWORD)
    page.press("input[name=password]", "Enter")
    page.fill("input[name=code]", current_code())
    page.press("input[name=code]", "Enter")
    page.wait_for_selector("text=Organisations")
    assert page.get_attribute("html", "lang") == "fr"
    assert page.locator("text=Accueil").count() > 0  # French by default

    page.select_option("#lang-select", "en")
    page.wait_for_function("document.documentElement.lang === 'en'")
    assert page.locator("nav >> text=Home").count() == 1

    page.goto(live_server.url + hospital_a_url)
    assert page.locator("h1").inner_text().strip().startswith("CH A")
    assert scenario["a_finess"] in page.content()
    page.goto(live_server.url + hospital_b_url)
    assert "CH B" not in page.locator("main").inner_text()  # another hospital's page is not found
