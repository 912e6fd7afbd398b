"""The CERT Santé declaration: text for the portal (four blocks in order), PDF, and recording the declaration
behind a fresh second factor."""

import datetime
import io
import json
import time

from django.urls import reverse
from django.utils import timezone

from tests.conftest import login
from vigie.accounts.models import ApiToken, AuditEvent
from vigie.core.recent import RECENT_KEY
from vigie.exercises.declaration import declaration_text
from vigie.exercises.incidents import create_incident

BLOCK_TITLES = [
    "1. Identification de la structure et du déclarant",
    "2. Description de l'incident",
    "3. Impacts",
    "4. Causes, si elles sont connues",
]


def make_incident(world, **fields):
    return create_incident(
        organisation=world.hospital_a, title="Rançongiciel sur le DPI", user=world.alice,
        detected_at=timezone.now() - datetime.timedelta(hours=5), perimeter="Site principal, urgences",
        systems_concerned="DPI, PACS", impact_system="major", cause_type="malicious",
        causes="Accès VPN sans double authentification", categories=["care-safety"], **fields)


def test_it_writes_the_four_blocks_in_the_portals_order(world):
    text = declaration_text(make_incident(world))
    positions = [text.index(title) for title in BLOCK_TITLES]
    assert positions == sorted(positions)
    assert "CH A" in text[positions[0]:positions[1]]
    assert "Site principal, urgences" in text[positions[1]:positions[2]] and "DPI, PACS" in text[positions[1]:positions[2]]
    assert "Impact sur le système d'information : Majeure partie" in text[positions[2]:positions[3]]
    assert "Accès VPN sans double authentification" in text[positions[3]:]
    assert "Acte malveillant" in text[positions[3]:]
    assert text.index("Caractère significatif ou grave") > positions[3]


def test_it_serves_the_text_as_plain_text_and_through_the_api(client, world):
    incident = make_incident(world)
    response = login(client, world.auditor_a).get(reverse("exercises:incident_text", args=[incident.uuid]))
    assert response["Content-Type"].startswith("text/plain")
    assert BLOCK_TITLES[0] in response.content.decode()
    _token, raw = ApiToken.issue(world.auditor_a, "tests")
    body = client.get(reverse("api:incident_declaration_text", args=[incident.uuid]),
                      HTTP_AUTHORIZATION=f"Bearer {raw}").json()
    assert body["uuid"] == str(incident.uuid) and body["text"] == declaration_text(incident)
    assert AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT, object_uuid=str(incident.uuid)).count() == 2


def test_it_exports_a_readable_pdf(client, world):
    from pypdf import PdfReader

    incident = make_incident(world)
    response = login(client, world.alice).get(reverse("exercises:incident_pdf", args=[incident.uuid]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert "Rançongiciel sur le DPI" in text and "Accès VPN sans double authentification" in text
    assert AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT, object_uuid=str(incident.uuid)).exists()


def test_it_asks_for_a_fresh_second_factor_before_declaring(client, world):
    incident = make_incident(world)
    login(client, world.alice)
    session = client.session
    session[RECENT_KEY] = time.time() - 3600
    session.save()
    url = reverse("exercises:incident_declare", args=[incident.uuid])
    response = client.post(url, {"declared_at": "2026-03-12T10:00", "reference": "SIG-2026-0042"})
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:confirm"))
    incident.refresh_from_db()
    assert incident.declared_at is None
    session = client.session
    session[RECENT_KEY] = time.time()
    session.save()
    declared_at = timezone.localtime().replace(second=0, microsecond=0)
    response = client.post(url, {"declared_at": declared_at.strftime("%Y-%m-%dT%H:%M"), "reference": "SIG-2026-0042"})
    assert response.status_code == 302, response.content.decode()
    incident.refresh_from_db()
    assert incident.declaration_reference == "SIG-2026-0042" and incident.declared_by == world.alice
    assert incident.declared_at == declared_at
    again = client.post(url, {"declared_at": declared_at.strftime("%Y-%m-%dT%H:%M"), "reference": "AUTRE"})
    assert again.status_code == 422
    incident.refresh_from_db()
    assert incident.declaration_reference == "SIG-2026-0042"


def test_it_lets_only_managers_declare(client, world):
    incident = make_incident(world)
    login(client, world.contributor_a)
    response = client.post(reverse("exercises:incident_declare", args=[incident.uuid]),
                           {"declared_at": "2026-03-12T10:00", "reference": "SIG-1"})
    assert response.status_code == 403
    incident.refresh_from_db()
    assert incident.declared_at is None


def test_it_asks_for_a_fresh_second_factor_in_the_api_session(client, world):
    """A browser session calling the API needs a recent confirmation; a personal token was made under one."""
    incident = make_incident(world)
    url = reverse("api:incident_declare", args=[incident.uuid])
    login(client, world.alice)
    session = client.session
    session[RECENT_KEY] = time.time() - 3600
    session.save()
    response = client.post(url, json.dumps({"reference": "SIG-9"}), content_type="application/json")
    assert response.status_code in (401, 403)
    incident.refresh_from_db()
    assert incident.declared_at is None
    _token, raw = ApiToken.issue(world.alice, "tests")
    response = client.post(url, json.dumps({"reference": "SIG-9"}), content_type="application/json",
                           HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 200 and response.json()["declaration_reference"] == "SIG-9"
    assert response.json()["delay"]["declared"] is True
