"""A real browser (Debian's chromium, driven by Playwright, under Vigie's Content-Security-Policy) types in
the organisation search input of a regional administrator who may act on 600 establishments."""

import pytest
from django_otp.oath import totp
from playwright.sync_api import expect

from tests.conftest import PASSWORD
from tests.core.test_organisation_choice import build_many
from tests.test_browser import browser_page  # noqa: F401  (the fixture)
from vigie.organisations.models import Organisation


@pytest.fixture
def scenario(world):
    """Everything read from the database before the browser starts: Playwright's loop forbids it after."""
    many = build_many(world)
    device = many.regional.totpdevice_set.get()
    target = Organisation.objects.get(name="Centre hospitalier n°417")
    return {"code": lambda: f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}",
            "finess": target.finess, "other_finess": many.hospital_b.finess}


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_typing_part_of_a_finess_suggests_the_establishment_and_no_other_tenants(scenario, live_server,
                                                                                 browser_page):  # noqa: F811
    page = browser_page
    blocked = []
    page.on("console", lambda message: blocked.append(message.text) if "Content Security Policy" in message.text
            else None)
    page.goto(live_server.url + "/accounts/login/")
    page.fill("input[name=username]", "regional")
    page.fill("input[name=password]", PASSWORD)
    page.press("input[name=password]", "Enter")
    page.fill("input[name=code]", scenario["code"]())
    page.press("input[name=code]", "Enter")
    page.wait_for_selector("text=Organisations")
    page.goto(live_server.url + "/compliance/assessments/new/")
    assert page.locator("select[name=organisation]").count() == 0  # no 600-option drop-down
    field = page.locator("input[name=organisation]")
    suggestions = page.locator("#id_organisation-suggestions option")
    field.type(scenario["finess"][:6], delay=20)
    suggestions.first.wait_for(state="attached")
    field.fill("")
    field.type(scenario["finess"], delay=20)
    expect(suggestions).to_have_count(1)
    assert scenario["finess"] in suggestions.get_attribute("value")
    assert "n°417" in suggestions.get_attribute("value")
    field.fill("")
    with page.expect_response(lambda r: "organisations/search" in r.url and scenario["other_finess"] in r.url) as asked:
        field.type(scenario["other_finess"], delay=20)
    assert asked.value.json() == {"results": []}  # another tenant's establishment never comes back
    values = page.locator("#id_organisation-suggestions option").evaluate_all("(os) => os.map((o) => o.value)")
    assert not any(scenario["other_finess"] in value for value in values)
    assert not blocked, blocked
