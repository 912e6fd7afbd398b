"""Sensitive actions need a second factor entered in the last 15 minutes ("sudo mode")."""

import time

from tests.accounts.conftest import code_for, wrong_code
from tests.conftest import login
from vigie.accounts.models import AuditEvent, RoleAssignment
from vigie.core.recent import RECENT_KEY, RECENT_SECONDS


def age_confirmation(client) -> None:
    session = client.session
    session[RECENT_KEY] = time.time() - RECENT_SECONDS - 1
    session.save()


def test_it_asks_for_a_code_before_granting_a_role_and_grants_nothing_meanwhile(client, world):
    login(client, world.alice)
    age_confirmation(client)
    members = f"/organisations/{world.hospital_a.uuid}/members/"
    response = client.post(members, {"username": "contrib_a", "role": 30})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/me/confirm/?next=")
    assert RoleAssignment.objects.get(user=world.contributor_a).role == 20

    response = client.post(response["Location"], {"code": code_for(world.alice.totp)})
    assert response["Location"] == members
    client.post(members, {"username": "contrib_a", "role": 30})
    assert RoleAssignment.objects.get(user=world.contributor_a).role == 30


def test_it_sends_a_download_back_to_itself_after_the_code(client, world):
    login(client, world.alice)
    age_confirmation(client)
    response = client.get("/accounts/audit/export/?action=login")
    assert response.status_code == 302
    response = client.post(response["Location"], {"code": code_for(world.alice.totp)})
    assert response["Location"] == "/accounts/audit/export/?action=login"
    assert client.get(response["Location"])["Content-Type"].startswith("text/csv")


def test_it_counts_wrong_codes_towards_the_lockout(client, world, settings):
    login(client, world.alice)
    age_confirmation(client)
    for _ in range(settings.VIGIE_LOCKOUT_THRESHOLD):
        response = client.post("/accounts/me/confirm/?next=/", {"code": wrong_code(world.alice.totp)})
    assert response["Location"] == "/accounts/login/"
    world.alice.refresh_from_db()
    assert world.alice.is_locked() is True
    assert AuditEvent.objects.filter(action="login_failed", username="alice").count() == 3
    assert client.get("/").status_code == 302  # signed out


def test_it_does_not_ask_right_after_sign_in(client, world):
    login(client, world.alice)
    response = client.post("/accounts/me/tokens/new/", {"name": "script"})
    assert response.status_code == 200
    assert world.alice.api_tokens.count() == 1


def test_it_refuses_to_redirect_off_site_after_the_code(client, world):
    login(client, world.alice)
    response = client.post("/accounts/me/confirm/?next=https://evil.example/", {"code": code_for(world.alice.totp)})
    assert response["Location"] == "/"
