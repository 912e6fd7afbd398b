"""The actions API: list with the page's filters, create, patch, notes, raise, deadline statuses."""

import datetime
import json

from django.urls import reverse

from vigie.accounts.models import ApiToken
from vigie.actions.models import Action, Status
from vigie.actions.services import record_completion

from .conftest import make_action


class Api:
    def __init__(self, client, user):
        self.client = client
        _token, raw = ApiToken.issue(user, "tests")
        self.headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}

    def get(self, name, *args, **query):
        return self.client.get(reverse(f"api:{name}", args=args), query, **self.headers)

    def send(self, method, name, *args, body=None):
        return self.client.generic(method, reverse(f"api:{name}", args=args), json.dumps(body or {}),
                                   content_type="application/json", **self.headers)


def test_the_list_uses_the_same_filters_as_the_page(client, world):
    make_action(world, title="Critique", priority="critical")
    make_action(world, title="Basse", priority="low")
    make_action(world, title="Chez B", organisation=world.hospital_b)
    api = Api(client, world.alice)
    items = api.get("action_list").json()["items"]
    assert sorted(i["title"] for i in items) == ["Basse", "Critique"]
    assert [i["title"] for i in api.get("action_list", priority="critical").json()["items"]] == ["Critique"]
    assert api.get("action_list", organisation=str(world.hospital_b.uuid)).status_code == 422


def test_create_patch_and_notes(client, world):
    api = Api(client, world.contributor_a)
    response = api.send("POST", "action_create", body={
        "organisation": str(world.hospital_a.uuid), "title": "Segmenter le réseau", "priority": "high",
        "due": "2026-09-30", "owner": str(world.alice.uuid)})
    assert response.status_code == 201, response.content
    uuid = response.json()["uuid"]
    assert response.json()["owner_username"] == "alice"
    patched = api.send("PATCH", "action_update", uuid, body={"status": "in_progress", "title": "Segmenter"})
    assert patched.status_code == 200
    assert (patched.json()["status"], patched.json()["title"]) == ("in_progress", "Segmenter")
    note = api.send("POST", "action_note_add", uuid, body={"text": "VLAN créés"})
    assert note.status_code == 201
    detail = api.get("action_get", uuid).json()
    assert [n["text"] for n in detail["notes"]][-1] == "VLAN créés"
    refused = api.send("PATCH", "action_update", uuid, body={"status": "bogus"})
    assert refused.status_code == 409


def test_create_refuses_an_owner_without_a_role_and_readers(client, world):
    body = {"organisation": str(world.hospital_a.uuid), "title": "X", "owner": str(world.bob.uuid)}
    assert Api(client, world.alice).send("POST", "action_create", body=body).status_code == 422
    body.pop("owner")
    assert Api(client, world.auditor_a).send("POST", "action_create", body=body).status_code == 403
    assert not Action.objects.exists()


def test_raise_is_idempotent_for_scripts(client, world):
    api = Api(client, world.alice)
    body = {"organisation": str(world.hospital_a.uuid), "source": "audit_check", "source_key": "ad:vuln_krbtgt",
            "title": "Mot de passe krbtgt trop ancien", "priority": "critical"}
    first = api.send("POST", "action_raise", body=body)
    second = api.send("POST", "action_raise", body={**body, "title": "changed"})
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["uuid"] == second.json()["uuid"]
    assert (first.json()["created"], second.json()["created"]) == (True, False)
    assert second.json()["title"] == "Mot de passe krbtgt trop ancien"


def test_deadline_statuses_for_visible_organisations(client, world):
    completion = record_completion(world.hospital_a, "crisis-exercise", datetime.date.today(), "RETEX")
    rows = Api(client, world.alice).get("deadline_status_list").json()
    assert {r["organisation_name"] for r in rows} == {"CH A"}
    exercise = next(r for r in rows if r["deadline"] == "crisis-exercise")
    assert exercise["state"] == "done" and exercise["last_completion"]["uuid"] == str(completion.uuid)
    late = Api(client, world.alice).get("deadline_status_list", state="late").json()
    assert all(r["state"] == "late" for r in late)
    assert Api(client, world.alice).get("deadline_status_list",
                                        organisation=str(world.hospital_b.uuid)).status_code == 404


def test_a_merged_action_cannot_be_patched(client, world):
    from vigie.actions.services import merge_actions

    survivor, duplicate = make_action(world), make_action(world, title="Doublon")
    merge_actions(survivor, [duplicate], world.alice)
    response = Api(client, world.alice).send("PATCH", "action_update", duplicate.uuid, body={"title": "x"})
    assert response.status_code == 409
    duplicate.refresh_from_db()
    assert duplicate.status == Status.CANCELLED
