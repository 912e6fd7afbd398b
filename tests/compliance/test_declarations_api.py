"""The declarations API: prepare, the steps as POST operations (403 for the wrong side, 409 for an illegal
jump, nothing changed), the history in the answer, the funding calls with their dates."""

import json

import pytest
from django.urls import reverse

from tests.conftest import make_user
from vigie.accounts.models import ApiToken
from vigie.compliance.models import Declaration
from vigie.core.roles import Role


@pytest.fixture
def call_api(client):
    def as_user(user):
        _token, raw = ApiToken.issue(user, "tests")

        def request(method, name, body=None, **kwargs):
            url = reverse(f"api:{name}", kwargs=kwargs)
            data = json.dumps(body or {}) if method == "POST" else None
            return client.generic(method, url, data or "", content_type="application/json",
                                  HTTP_AUTHORIZATION=f"Bearer {raw}")

        return request

    return as_user


def test_it_walks_the_workflow_through_the_api(world, call_api):
    ars = make_user("ars_api", (world.region_a, Role.CONTRIBUTOR))
    manager, region = call_api(world.ght_manager), call_api(ars)
    created = manager("POST", "compliance_declaration_create", {"organisation": str(world.ght_a.uuid), "call": "care-d1"})
    assert created.status_code == 201 and created.json()["status"] == "prepared"
    uuid = created.json()["uuid"]
    assert manager("POST", "compliance_declaration_submit", {"comment": "envoi"}, uuid=uuid).status_code == 200
    refused = manager("POST", "compliance_declaration_validate", {}, uuid=uuid)
    assert refused.status_code == 403 and refused.json()["detail"]
    jump = region("POST", "compliance_declaration_verify", {}, uuid=uuid)
    assert jump.status_code == 409 and jump.json()["detail"]
    answer = region("POST", "compliance_declaration_validate", {"comment": "complet"}, uuid=uuid)
    assert answer.status_code == 200 and answer.json()["status"] == "validated"
    assert answer.json()["next_step"] == "declare"
    history = answer.json()["history"]
    assert [(h["to_status"], h["actor"], h["comment"]) for h in history] == [
        ("prepared", "ght_a", ""), ("submitted", "ght_a", "envoi"), ("validated", "ars_api", "complet")]
    assert Declaration.objects.get(uuid=uuid).status == "validated"


def test_only_the_candidates_managers_prepare_its_dossier(world, call_api):
    body = {"organisation": str(world.ght_a.uuid), "call": "care-d2"}
    assert call_api(world.alice)("POST", "compliance_declaration_create", body).status_code == 404  # not her node
    ars = make_user("ars_manager_api", (world.region_a, Role.MANAGER))
    refused = call_api(ars)("POST", "compliance_declaration_create", body)
    assert refused.status_code == 403 and not Declaration.objects.exists()
    refused = call_api(world.ght_manager)("POST", "compliance_declaration_create",
                                          {"organisation": str(world.ght_a.uuid), "call": "care-d9"})
    assert refused.status_code == 422 and not Declaration.objects.exists()


def test_it_lists_the_funding_calls_with_their_confidence(world, call_api):
    calls = call_api(world.alice)("GET", "compliance_funding_call_list").json()
    d1 = next(c for c in calls if c["key"] == "care-d1")
    deadline = next(d for d in d1["dates"] if d["key"] == "declaration_deadline")
    assert deadline == {"key": "declaration_deadline", "date": "2025-06-30", "confidence": "C",
                        "source": deadline["source"], "editable": False}
