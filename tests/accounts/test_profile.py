"""The profile page: details, roles, second factor, recovery codes, personal API tokens."""

import hashlib

from django_otp.plugins.otp_static.models import StaticToken

from tests.conftest import login
from vigie.accounts.models import ApiToken, AuditEvent
from vigie.accounts.services import regenerate_recovery_codes

from .conftest import code_for, code_step, is_signed_in, password_step, wrong_code


def test_it_shows_roles_and_second_factor_status(client, world):
    login(client, world.alice)
    body = client.get("/accounts/me/").content.decode()
    assert "CH A" in body and "Administrator" in body
    assert "CH B" not in body
    assert "0 recovery codes left" in body


def test_it_saves_names_and_email(client, world):
    login(client, world.alice)
    response = client.post("/accounts/me/", {"first_name": "Alice", "last_name": "Martin", "email": "a@ch-a.fr"})
    assert response.status_code == 302
    world.alice.refresh_from_db()
    assert (world.alice.get_full_name(), world.alice.email) == ("Alice Martin", "a@ch-a.fr")


def test_it_shows_a_new_token_once_and_stores_only_its_hash(client, world):
    login(client, world.alice)
    response = client.post("/accounts/me/tokens/new/", {"name": "backup script", "expires_in_days": "30"})
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("no-store")
    token = ApiToken.objects.get(user=world.alice)
    raw = response.context["raw"]
    assert raw.startswith("vig_") and raw in response.content.decode()
    assert token.digest == hashlib.sha256(raw.encode()).hexdigest()
    assert raw not in str(ApiToken.objects.filter(pk=token.pk).values().get())
    assert 29 <= (token.expires_at - token.created_at).days <= 30
    profile = client.get("/accounts/me/").content.decode()
    assert "backup script" in profile and token.hint in profile and raw not in profile
    assert AuditEvent.objects.filter(changes__event="token_created", user=world.alice).count() == 1
    assert client.get("/accounts/me/tokens/new/").status_code == 405


def test_it_refuses_a_token_without_a_name(client, world):
    login(client, world.alice)
    response = client.post("/accounts/me/tokens/new/", {"name": "", "expires_in_days": "0"})
    assert response.status_code == 400
    assert not ApiToken.objects.exists()


def test_it_revokes_own_tokens_after_confirmation(client, world):
    token, _raw = ApiToken.issue(world.alice, "ci")
    login(client, world.alice)
    url = f"/accounts/me/tokens/{token.uuid}/revoke/"
    confirm = client.get(url)
    assert confirm.status_code == 200 and ApiToken.objects.filter(pk=token.pk).exists()
    response = client.post(url)
    assert response["Location"] == "/accounts/me/"
    assert not ApiToken.objects.filter(pk=token.pk).exists()
    assert AuditEvent.objects.filter(changes__event="token_revoked", user=world.alice).count() == 1


def test_it_cannot_revoke_another_users_token(client, world):
    token, _raw = ApiToken.issue(world.bob, "bob's")
    login(client, world.alice)
    url = f"/accounts/me/tokens/{token.uuid}/revoke/"
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    assert ApiToken.objects.filter(pk=token.pk).exists()


def test_it_regenerates_recovery_codes_with_a_current_code(client, world):
    old = regenerate_recovery_codes(world.alice, code_for(world.alice.totp))
    world.alice.totp.refresh_from_db()
    world.alice.totp.last_t = -1  # the same time step may be used again in this test
    world.alice.totp.save()
    login(client, world.alice)
    refused = client.post("/accounts/me/recovery-codes/regenerate/", {"code": wrong_code(world.alice.totp)})
    assert refused.status_code == 400
    assert set(StaticToken.objects.filter(device__user=world.alice).values_list("token", flat=True)) == set(old)

    response = client.post("/accounts/me/recovery-codes/regenerate/", {"code": code_for(world.alice.totp)})
    assert response["Location"] == "/accounts/me/recovery-codes/"
    new = set(StaticToken.objects.filter(device__user=world.alice).values_list("token", flat=True))
    assert len(new) == 10 and not new & set(old)
    page = client.get("/accounts/me/recovery-codes/").content.decode()
    assert all(code in page for code in new)
    assert AuditEvent.objects.filter(changes__event="recovery_codes_regenerated").count() == 2

    client.post("/accounts/logout/")
    password_step(client, "alice")
    code_step(client, old[0])
    assert not is_signed_in(client)
