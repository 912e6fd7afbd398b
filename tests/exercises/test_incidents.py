"""Incidents: created with their crisis log, significance from the data file, the detection → declaration
delay, pages and API."""

import datetime
import json
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.conftest import login
from vigie.accounts.models import ApiToken
from vigie.exercises.incidents import (
    CatalogueError,
    catalogue,
    create_incident,
    declaration_delay,
    load,
    significance,
)
from vigie.exercises.models import CrisisLog, Incident

NOW = datetime.datetime(2026, 3, 12, 18, 0, tzinfo=datetime.UTC)


def make_incident(world, **fields):
    fields.setdefault("detected_at", NOW - datetime.timedelta(hours=2))
    return create_incident(organisation=world.hospital_a, title="Rançongiciel sur le DPI", user=world.alice,
                           **fields)


def api(client, user):
    _token, raw = ApiToken.issue(user, "tests")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}

    def call(method, path, body=None):
        return client.generic(method, path, json.dumps(body) if body is not None else "",
                              content_type="application/json", **headers)

    return call


def test_it_opens_a_crisis_log_with_the_incident_and_prefills_block_one(world):
    incident = make_incident(world)
    assert incident.log.kind == CrisisLog.Kind.INCIDENT and incident.log.title == incident.title
    assert incident.structure_name == "CH A" and incident.structure_finess == world.hospital_a.finess
    assert incident.declarant_email == "alice@example.org"
    assert incident.discovered_at == incident.detected_at


def test_it_keeps_the_categories_as_data_with_their_sources():
    known = catalogue()
    assert {c.code for c in known.categories} == {
        "care-safety", "health-data", "normal-operation", "health-system", "other-structures"}
    assert all(c.source and c.confidence in ("C", "S", "NC") for c in known.categories)
    assert known.threshold == datetime.timedelta(hours=24) and known.threshold_confidence == "NC"


def test_it_rejects_a_malformed_data_file(tmp_path: Path):
    bad = tmp_path / "cert.yaml"
    bad.write_text("version: 1\nsource: x\nportal: y\ndelay: {threshold_hours: 24, confidence: NC, source: z}\n"
                   "categories:\n  - {code: a, kind: grave, title: {fr: a, en: a}, confidence: S, source: s}\n")
    with pytest.raises(CatalogueError, match=r"categories\[0\]: kind"):
        load(bad)


@pytest.mark.parametrize(("codes", "to_declare", "level"), [
    ([], False, ""),
    (["care-safety"], True, "serious"),
    (["health-data", "normal-operation"], True, "serious"),
    (["normal-operation", "other-structures"], True, "significant"),
])
def test_it_computes_significance_with_its_reasons(world, codes, to_declare, level):
    incident = make_incident(world, categories=codes)
    found = significance(incident)
    assert (found.to_declare, found.level) == (to_declare, level)
    assert {r.code for r in found.reasons} == set(codes)


def test_it_refuses_unknown_categories(world):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        make_incident(world, categories=["rumour"])
    assert "rumour" in refused.value.message_dict["categories"][0]
    assert not Incident.objects.exists()


def test_it_computes_the_delay_against_the_threshold(world):
    incident = make_incident(world, detected_at=NOW - datetime.timedelta(hours=30))
    late = declaration_delay(incident, now=NOW)
    assert (late.hours, late.declared, late.over) == (30.0, False, True)
    incident.declared_at = NOW - datetime.timedelta(hours=27)
    on_time = declaration_delay(incident, now=NOW)
    assert (on_time.hours, on_time.declared, on_time.over) == (3.0, True, False)
    incident.declared_at = NOW - datetime.timedelta(hours=6) + datetime.timedelta(seconds=1)
    assert declaration_delay(incident).over is True  # 24 h and one second: over


def test_it_shows_the_delay_in_red_when_over_the_threshold(client, world):
    incident = make_incident(world, detected_at=timezone.now() - datetime.timedelta(hours=40),
                             categories=["other-structures"])
    page = login(client, world.alice).get(incident.get_absolute_url()).content.decode()
    assert '<p class="message error">' in page and "Au-delà du seuil" in page
    assert "Incident susceptible d&#x27;affecter d&#x27;autres structures" in page  # the reason, from the data
    on_time = make_incident(world, detected_at=timezone.now() - datetime.timedelta(hours=1))
    assert '<p class="message error">' not in client.get(on_time.get_absolute_url()).content.decode()


def test_it_creates_and_edits_an_incident_through_the_pages(client, world):
    login(client, world.contributor_a)
    response = client.post(reverse("exercises:incident_create"), {
        "organisation": str(world.hospital_a.uuid), "title": "Fuite de données", "detected_at": "2026-03-12T08:30"})
    assert response.status_code == 302, response.content.decode()
    incident = Incident.objects.get(title="Fuite de données")
    form = {"title": "Fuite de données patients", "status": "investigating", "detected_at": "2026-03-12T08:30",
            "handling": "in_progress", "impact_data": "confidentiality", "impact_persons": "patients",
            "impact_system": "partial", "impact_structure": "none", "cause_knowledge": "suspected",
            "cause_type": "malicious", "categories": ["health-data"], "structure_name": "CH A",
            "perimeter": "Site 1, laboratoire"}
    response = client.post(reverse("exercises:incident_edit", args=[incident.uuid]), form)
    assert response.status_code == 302, response.content.decode()
    incident.refresh_from_db()
    assert incident.categories == ["health-data"] and incident.perimeter == "Site 1, laboratoire"


def test_it_refuses_a_contributor_from_another_hospital(client, world):
    login(client, world.bob)
    response = client.post(reverse("exercises:incident_create"), {
        "organisation": str(world.hospital_a.uuid), "title": "Intrus", "detected_at": "2026-03-12T08:30"})
    assert response.status_code == 422
    assert not Incident.objects.filter(title="Intrus").exists()


def test_it_creates_patches_and_lists_incidents_through_the_api(client, world):
    call = api(client, world.contributor_a)
    response = call("POST", reverse("api:incident_create"), {
        "organisation": str(world.hospital_a.uuid), "title": "Phishing massif",
        "detected_at": "2026-03-12T08:30:00+01:00", "categories": ["normal-operation"]})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["significant"] is True and body["reasons"][0]["code"] == "normal-operation"
    assert CrisisLog.objects.filter(uuid=body["log"]).exists()
    path = reverse("api:incident_update", args=[body["uuid"]])
    patched = call("PATCH", path, {"status": "contained", "causes": "Campagne de hameçonnaçage"})
    assert patched.status_code == 200 and patched.json()["status"] == "contained"
    assert call("PATCH", path, {"categories": ["rumour"]}).status_code == 422
    assert call("PATCH", path, {"declared_at": "2026-03-12T09:00:00Z"}).json()["declared_at"] is None  # not a field
    listed = call("GET", reverse("api:incident_list")).json()
    assert [i["title"] for i in listed] == ["Phishing massif"]
