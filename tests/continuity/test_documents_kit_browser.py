"""The offline crisis kit opened by a real headless chromium from file://, with every network request refused."""

from __future__ import annotations

import dataclasses
import re
import shutil

import pytest

from tests.continuity.documents_data import KIT
from vigie.continuity.engine.documents import Contact, build_kit

CHROMIUM_FLAGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-default-apps", "--disable-extensions",
    # no name resolves and no proxy is used: even a request that slipped past the route could not leave
    "--host-resolver-rules=MAP * ~NOTFOUND", "--proxy-server=127.0.0.1:9", "--proxy-bypass-list=<-loopback>",
]
DATE = "Données au 28/11/2026 17:45"


@pytest.fixture
def offline_page():
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_FLAGS)
        context = browser.new_context(offline=True, java_script_enabled=True)
        refused: list[str] = []
        requested: list[str] = []

        def route(route):
            if route.request.url.startswith("file://"):
                route.continue_()
            else:
                refused.append(route.request.url)
                route.abort()

        context.route("**/*", route)
        page = context.new_page()
        page.on("request", lambda request: requested.append(request.url))
        dialogs: list[str] = []
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        yield page, requested, refused, dialogs
        browser.close()


def _follow(page, selector: str, path: str) -> None:
    """Click a link and wait until its page is loaded (the URL ends with ``path``)."""
    page.click(selector)
    page.wait_for_url(re.compile(re.escape(path) + "$"), wait_until="load")


def _check_page(page, heading: str) -> None:
    assert page.locator("h1").first.inner_text().strip() == heading
    assert DATE in page.locator(".band").inner_text()
    assert DATE in page.locator("footer").inner_text()
    # the local stylesheet was applied (a kit opened without its CSS would show black headings)
    assert page.evaluate("getComputedStyle(document.querySelector('h1')).color") == "rgb(15, 59, 102)"


@pytest.mark.browser
def test_the_kit_opens_from_the_file_system_and_is_navigated_by_its_links(tmp_path, offline_page):
    page, requested, refused, dialogs = offline_page
    hostile = dataclasses.replace(KIT, contacts=KIT.contacts + (
        Contact("<script>window.pwned=1;alert(1)</script>", "<img src=x onerror=alert(2)>", "0"),))
    build_kit(hostile, tmp_path / "kit")

    page.goto((tmp_path / "kit" / "index.html").as_uri())
    _check_page(page, "Kit de crise hors ligne")
    assert "Dans la première heure" in page.inner_text("main")

    _follow(page, "main a:text-is(\"Procédures en mode dégradé\")", "/procedures.html")
    _check_page(page, "Procédures en mode dégradé")
    _follow(page, "main a:text-is(\"Accueil et tri des patients sans DPI\")", "/activites/01-urgences-adultes.html#activite-01-p1")
    _check_page(page, "Urgences adultes")
    _follow(page, ".proc a:text-is(\"Suivi des patients en mode dégradé\")", "/formulaires/suivi-patients.html")
    _check_page(page, "Suivi des patients en mode dégradé")

    _follow(page, "nav a:text-is(\"Ordre de reprise\")", "/reprise.html")
    _check_page(page, "Ordre de reprise du système d'information")
    components = page.locator("table.runbook tbody tr td:nth-child(2)").all_inner_texts()
    assert components == ["Réseau d'administration isolé", "Annuaire Active Directory",
                          "Serveur de base de données DPI", "DPI (dossier patient)", "Laboratoire (SIL)"]

    _follow(page, "nav a:text-is(\"Formulaires vierges\")", "/formulaires.html")
    _follow(page, "main a:text-is(\"Main courante de la cellule de crise\")", "/formulaires/main-courante.html")
    _check_page(page, "Main courante de la cellule de crise")
    assert page.locator("table.blank tbody tr").count() == 22

    _follow(page, "nav a:text-is(\"Cellule de crise\")", "/cellule.html")
    _check_page(page, "Cellule de crise")
    assert page.locator("text=<script>window.pwned=1;alert(1)</script>").count() == 1  # shown as text
    assert page.locator("text=<img src=x onerror=alert(2)>").count() == 1
    assert page.evaluate("window.pwned") is None and dialogs == []

    _follow(page, "nav a:text-is(\"Vérifier le kit\")", "/verifier.html")
    assert "sha256sum -c MANIFEST.sha256" in page.inner_text("main")

    assert refused == []  # no page asked for anything but its own files
    assert requested and all(url.startswith("file://") for url in requested)


@pytest.mark.browser
def test_a_kit_page_prints_with_its_data_date(tmp_path, offline_page):
    page, _requested, refused, _dialogs = offline_page
    build_kit(KIT, tmp_path / "kit")
    page.goto((tmp_path / "kit" / "formulaires" / "suivi-patients.html").as_uri())
    page.emulate_media(media="print")
    assert page.evaluate("getComputedStyle(document.querySelector('nav.menu')).display") == "none"
    pdf = page.pdf(format="A4", print_background=True)
    from io import BytesIO

    from pypdf import PdfReader

    reader = PdfReader(BytesIO(pdf))
    assert len(reader.pages) == 1  # a blank form fits on one sheet
    assert DATE in reader.pages[0].extract_text()
    assert refused == []
