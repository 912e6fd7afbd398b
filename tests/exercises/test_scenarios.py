"""The scenario library (ours, versioned YAML, validated on load), copying and editing a scenario, and
building one from scratch."""

import pytest
from django.urls import reverse

from tests.conftest import login
from vigie.exercises.models import Scenario, ScenarioInject
from vigie.exercises.models.scenarios import Channel, ParticipantRole
from vigie.exercises.scenarios import (
    LIBRARY_DIR,
    ScenarioError,
    copy_to,
    library,
    load_directory,
    parse,
)

EXPECTED_KEYS = {"ransomware-dpi", "directory-compromise", "saas-outage", "data-leak-extortion", "phishing-wave",
                 "ddos-website", "telephony-loss"}

GOOD = """
key: sample
version: 1
title: Exemple
summary: Un exemple.
kit_level: beginner
injects:
{injects}
"""


def inject(ident, offset, **over):
    row = {"id": ident, "offset": offset, "channel": "mail", "from": "RSSI", "to": "it", "title": "Titre",
           "content": "Contenu", "expected": ["Réagir"]}
    row.update(over)
    return "  - " + "\n    ".join(f"{k}: {v!r}" if not isinstance(v, list) else f"{k}: {v}" for k, v in row.items())


def yaml_with(*rows):
    return GOOD.format(injects="\n".join(rows))


def test_it_ships_the_seven_scenarios_each_with_a_valid_chronogram():
    scenarios = library()
    assert set(scenarios) == EXPECTED_KEYS
    for scenario in scenarios.values():
        assert 5 <= len(scenario.injects) <= 12, scenario.key
        assert scenario.injects[0].offset_minutes == 0  # DEBEX
        assert scenario.injects[-1].title == "FINEX"
        offsets = [i.offset_minutes for i in scenario.injects]
        assert offsets == sorted(offsets)
        assert {i.channel for i in scenario.injects} <= set(Channel.values)
        assert all(i.expected_reactions for i in scenario.injects)
        assert scenario.cyber_trigger is True


def test_it_addresses_business_roles_not_only_it():
    for scenario in library().values():
        roles = {i.recipient_role for i in scenario.injects}
        assert roles & {ParticipantRole.DIRECTION, ParticipantRole.MEDICAL, ParticipantRole.CARE}, scenario.key


def test_it_accepts_a_well_formed_file():
    parsed = parse(yaml_with(inject("debex", 0), *(inject(f"i{n}", n * 10) for n in range(1, 5))), "sample.yaml")
    assert [i.id for i in parsed.injects] == ["debex", "i1", "i2", "i3", "i4"]


@pytest.mark.parametrize(("bad_row", "message"), [
    (inject("phone-call", 10, channel="pigeon"), "sample.yaml, inject phone-call: field 'channel' must be one of"),
    (inject("late", 10, to="nobody"), "sample.yaml, inject late: field 'to' must be one of"),
    (inject("neg", -5), "sample.yaml, inject neg: field 'offset' must be minutes from DEBEX"),
    (inject("empty", 10, content=""), "sample.yaml, inject empty: field 'content' must be a non-empty text"),
    (inject("debex", 10), "sample.yaml, inject debex: duplicate id"),
    (inject("reactions", 10, expected="oui"), "sample.yaml, inject reactions: field 'expected' must be a list"),
])
def test_it_names_the_file_the_inject_and_the_field_of_a_malformed_scenario(bad_row, message):
    rows = [inject("debex", 0), inject("a", 5), inject("b", 6), inject("c", 7), bad_row]
    with pytest.raises(ScenarioError) as caught:
        parse(yaml_with(*rows), "sample.yaml")
    assert message in str(caught.value)


def test_it_refuses_a_chronogram_that_goes_back_in_time_or_is_too_short(tmp_path):
    rows = [inject("debex", 0), inject("a", 30), inject("b", 20), inject("c", 40), inject("d", 50)]
    with pytest.raises(ScenarioError, match=r"sample.yaml, inject b: field 'offset' goes back in time"):
        parse(yaml_with(*rows), "sample.yaml")
    with pytest.raises(ScenarioError, match=r"short.yaml: 'injects' must list 5 to 12"):
        parse(yaml_with(inject("debex", 0)), "short.yaml")
    (tmp_path / "broken.yaml").write_text("key: [unclosed", encoding="utf-8")
    with pytest.raises(ScenarioError, match=r"broken.yaml: not valid YAML"):
        load_directory(tmp_path)


def test_it_loads_the_package_directory_without_error():
    assert set(load_directory(LIBRARY_DIR)) == EXPECTED_KEYS


def test_it_copies_a_library_scenario_and_lets_the_establishment_edit_it(client, world):
    login(client, world.alice)
    response = client.post(reverse("exercises:scenario_create"), {
        "organisation": world.hospital_a.uuid, "source": "phishing-wave", "title": "", "summary": "",
        "kit_level": "beginner", "cyber_trigger": "on"})
    assert response.status_code == 302
    scenario = Scenario.objects.get()
    assert scenario.library_key == "phishing-wave" and scenario.library_version == 1
    assert scenario.injects.count() == len(library()["phishing-wave"].injects)

    first = scenario.injects.order_by("offset_minutes", "position").first()
    client.post(reverse("exercises:scenario_inject_edit", args=[first.uuid]), {
        "offset_minutes": 0, "channel": "sms", "sender": "Standard", "recipient_role": "care",
        "title": "Alerte modifiée", "content": "Texte à nous", "expected_text": "Prévenir\nIsoler"})
    first.refresh_from_db()
    assert (first.title, first.channel, first.expected_reactions) == ("Alerte modifiée", "sms", ["Prévenir", "Isoler"])

    client.post(reverse("exercises:scenario_inject_add", args=[scenario.uuid]), {
        "offset_minutes": 0, "channel": "in_person", "sender": "Animateur", "recipient_role": "all",
        "title": "Consignes de jeu", "content": "Rappel des règles", "expected_text": ""})
    titles = [i.title for i in scenario.injects.order_by("position")]
    assert titles[:2] == ["Alerte modifiée", "Consignes de jeu"]

    added = scenario.injects.get(title="Consignes de jeu")
    client.post(reverse("exercises:scenario_inject_move", args=[added.uuid]), {"direction": "up"})
    assert [i.title for i in scenario.injects.order_by("position")][:2] == ["Consignes de jeu", "Alerte modifiée"]

    client.post(reverse("exercises:scenario_inject_delete", args=[added.uuid]))
    assert not scenario.injects.filter(title="Consignes de jeu").exists()
    assert library()["phishing-wave"].injects[0].title != "Alerte modifiée"  # the library is untouched


def test_it_builds_a_scenario_from_scratch(client, world):
    login(client, world.alice)
    client.post(reverse("exercises:scenario_create"), {
        "organisation": world.hospital_a.uuid, "source": "", "title": "Inondation du local serveur",
        "summary": "", "kit_level": "intermediate"})
    scenario = Scenario.objects.get(title="Inondation du local serveur")
    assert scenario.library_key == "" and scenario.cyber_trigger is False and not scenario.injects.exists()
    response = client.post(reverse("exercises:scenario_inject_add", args=[scenario.uuid]), {
        "offset_minutes": 0, "channel": "phone", "sender": "Agent de sécurité", "recipient_role": "technical",
        "title": "Fuite d'eau", "content": "De l'eau coule sous la porte de la salle serveurs.", "expected_text": "x"})
    assert response.status_code == 302
    assert scenario.injects.get().title == "Fuite d'eau"


def test_it_keeps_a_copy_independent_of_the_library(world):
    scenario = copy_to(world.hospital_a, "ddos-website")
    ScenarioInject.objects.filter(scenario=scenario).delete()
    assert len(library()["ddos-website"].injects) == 6
