"""Two real browsers (Debian's chromium through Playwright) on the same crisis log: what one writes appears
on the other's screen without reloading, and a correction strikes the corrected entry there too."""

import shutil

import pytest
from django.test import Client

from tests.conftest import login
from tests.test_browser import CHROMIUM_FLAGS
from vigie.exercises.log import append_entry, open_log


@pytest.fixture
def scenario(world, live_server):
    """Everything read from the database before the browsers start: Playwright's loop forbids it after."""
    log = open_log(organisation=world.hospital_a, title="Cellule de crise du 12 mars", user=world.alice)
    append_entry(log, author=world.alice, category="information", text="Ouverture de la cellule")
    sessions = {name: login(Client(), user).cookies["sessionid"].value
                for name, user in (("alice", world.alice), ("contrib", world.contributor_a))}
    return {"url": live_server.url + log.get_absolute_url(), "base": live_server.url, "sessions": sessions}


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_it_shows_a_new_entry_and_a_correction_to_another_reader_without_reload(scenario):
    chromium = shutil.which("chromium")
    if chromium is None:
        pytest.fail("Debian's chromium is missing: scripts/test installs it")
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_FLAGS)
        pages = {}
        for name, session in scenario["sessions"].items():
            context = browser.new_context(locale="fr-FR")
            context.add_cookies([{"name": "sessionid", "value": session, "url": scenario["base"]}])
            pages[name] = context.new_page()
            pages[name].goto(scenario["url"])
        writer, reader = pages["contrib"], pages["alice"]
        reader.evaluate("window.vigieNotReloaded = true")  # a reload would forget it
        expect(reader.locator("#entry-1")).to_contain_text("Ouverture de la cellule")

        writer.select_option("#id_category", "decision")
        writer.fill("#id_text", "Passage en mode dégradé aux urgences")
        writer.click("#log-entry-form button[type=submit]")
        expect(writer.locator("#entry-2")).to_contain_text("Passage en mode dégradé", timeout=5000)
        expect(writer.locator("#id_text")).to_have_value("")  # the form came back empty
        expect(reader.locator("#entry-2")).to_contain_text("Passage en mode dégradé", timeout=5000)

        reader.select_option("#id_category", "information")
        reader.fill("#id_text", "Ouverture à 9h05, pas 9h")
        reader.fill("#id_corrects", "1")
        reader.click("#log-entry-form button[type=submit]")
        expect(writer.locator("#entry-3")).to_contain_text("Ouverture à 9h05", timeout=5000)
        expect(writer.locator("#entry-1 del")).to_contain_text("Ouverture de la cellule", timeout=5000)
        assert writer.locator("#log-entries > article").count() == 3  # no entry shown twice
        assert reader.locator("#log-entries > article").count() == 3
        assert reader.evaluate("window.vigieNotReloaded") is True
        browser.close()
