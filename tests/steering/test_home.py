import re

from tests.conftest import login
from vigie.core.registry import Module, registry


def test_it_shows_the_subtree_and_roles_of_the_user(client, world):
    body = login(client, world.ght_manager).get("/").content.decode()
    assert "GHT A" in body
    assert world.ght_a.get_absolute_url() in body
    assert "CH B" not in body


def test_it_shows_members_to_managers_only(client, world):
    manager_page = login(client, world.ght_manager).get("/").content.decode()
    assert 'id="members-title"' in manager_page
    assert "auditor_a" in manager_page  # a reader of hospital A, inside the GHT
    client.logout()
    reader_page = login(client, world.auditor_a).get("/").content.decode()
    assert 'id="members-title"' not in reader_page


def test_it_lists_modules_only_once_they_exist(client, world, monkeypatch):
    login(client, world.alice)
    monkeypatch.setattr(registry, "modules", {})
    assert 'id="modules-title"' not in client.get("/").content.decode()
    monkeypatch.setitem(
        registry.modules, "demo", Module("demo", "Exposition", "Surface d'exposition", "core:glossary")
    )
    assert 'id="modules-title"' in client.get("/").content.decode()


def test_it_hides_administration_links_from_non_administrators(client, world):
    assert "/accounts/audit/" not in login(client, world.ght_manager).get("/").content.decode()
    client.logout()
    assert "/accounts/audit/" in login(client, world.alice).get("/").content.decode()


def test_it_is_french_by_default_and_english_on_request(client, world):
    login(client, world.alice)
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en")
    assert response["Content-Language"] == "fr"
    assert "Accueil" in response.content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    response = client.get("/")
    assert response["Content-Language"] == "en"
    assert ">Home<" in response.content.decode()


def test_it_groups_the_modules_of_the_menu(client, world, monkeypatch):
    login(client, world.alice)
    monkeypatch.setattr(registry, "modules", {})
    monkeypatch.setitem(registry.modules, "a", Module("a", "Audit A", "", "core:glossary", group="audits"))
    monkeypatch.setitem(registry.modules, "b", Module("b", "Loose B", "", "steering:home"))
    nav = client.get("/").content.decode().split("<nav", 1)[1].split("</nav>", 1)[0]
    audits = nav.split("<summary>Audits techniques</summary>", 1)[1].split("</details>", 1)[0]
    assert 'href="/glossary/">Audit A<' in audits.replace("\n", "")
    assert "<summary>Programme</summary>" not in nav  # an empty group is not shown
    outside_groups = re.sub(r"<details.*?</details>", "", nav, flags=re.S)
    assert ">Loose B</a>" in outside_groups  # a module without a group stays at the top level
