"""Two real browsers (Debian's chromium headless, driven by Playwright) on the live server: the animator
releases an inject and the participant's screen shows it without reloading (HTMX polling every 2 s)."""

import pytest
from django.test import Client

from tests.conftest import login
from tests.exercises.exercise_world import planned_exercise, players
from tests.test_browser import CHROMIUM_FLAGS
from vigie.exercises import run

INJECT = "Programme opératoire sans dossiers"  # offset 45 min, addressed to the medical role
OTHER = "Fichiers chiffrés sur les serveurs DPI"  # offset 10 min, addressed to IT


@pytest.fixture
def live_run(world):
    """Everything read from the database before the browsers start: Playwright's loop forbids it after."""
    exercise = planned_exercise(world)
    medical = players(world, exercise, "medical")["medical"]
    exercise = run.start(exercise, world.alice)

    def session(user):
        return login(Client(), user).cookies["sessionid"].value

    return {
        "play": f"/exercises/{exercise.uuid}/play/", "control": f"/exercises/{exercise.uuid}/run/",
        "animator": session(world.alice), "participant": session(medical),
    }


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_it_shows_a_released_inject_on_the_participant_screen_without_reload(live_run, live_server):
    import shutil

    from playwright.sync_api import sync_playwright

    chromium = shutil.which("chromium")
    if chromium is None:
        pytest.fail("Debian's chromium is missing: scripts/test installs it")
    host = live_server.url.split("//", 1)[1].split(":")[0]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_FLAGS)
        try:
            contexts = {}
            for who in ("animator", "participant"):
                contexts[who] = browser.new_context(locale="fr-FR")
                contexts[who].add_cookies([{"name": "sessionid", "value": live_run[who], "domain": host, "path": "/"}])
            participant = contexts["participant"].new_page()
            participant.goto(live_server.url + live_run["play"])
            participant.wait_for_selector("#no-inject")
            participant.evaluate("window.__notReloaded = true")
            assert INJECT not in participant.content()

            animator = contexts["animator"].new_page()
            animator.goto(live_server.url + live_run["control"])
            animator.click(f"button[data-release='{INJECT}']")
            animator.wait_for_load_state()
            animator.click(f"button[data-release='{OTHER}']")
            animator.wait_for_load_state()

            participant.wait_for_selector(f"text={INJECT}", timeout=10_000)
            assert participant.evaluate("window.__notReloaded") is True  # arrived by polling, not by a reload
            assert OTHER not in participant.locator("#feed").inner_text()  # IT's inject is not shown to medical
        finally:
            browser.close()
