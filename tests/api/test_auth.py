"""Who may call the API: a valid personal token, or a browser session whose second factor was verified."""

from datetime import timedelta

from django.utils import timezone

from tests.api.conftest import ApiClient
from tests.conftest import login
from vigie.accounts.models import ApiToken

ME = "/api/accounts/me"


def test_it_accepts_a_valid_token_and_names_the_caller(world, alice):
    response = alice.get(ME)
    assert response.status_code == 200
    data = response.json()
    assert data["username"] == "alice"
    assert [(r["organisation"]["uuid"], r["role"]) for r in data["roles"]] == [(str(world.hospital_a.uuid), 40)]


def test_it_records_when_a_token_was_last_used(world, client):
    token, raw = ApiToken.issue(world.alice, "cli")
    assert token.last_used_at is None
    assert ApiClient(client, raw).get(ME).status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_it_refuses_no_credentials(client, world):
    assert ApiClient(client, None).get(ME).status_code == 401


def test_it_refuses_an_unknown_token(client, world):
    assert ApiClient(client, "vig_" + "x" * 43).get(ME).status_code == 401


def test_it_refuses_an_expired_token(client, world):
    _token, raw = ApiToken.issue(world.alice, "old", expires_at=timezone.now() - timedelta(minutes=1))
    assert ApiClient(client, raw).get(ME).status_code == 401


def test_it_accepts_a_token_before_it_expires(client, world):
    _token, raw = ApiToken.issue(world.alice, "soon", expires_at=timezone.now() + timedelta(days=1))
    assert ApiClient(client, raw).get(ME).status_code == 200


def test_it_refuses_a_revoked_token(client, world):
    token, raw = ApiToken.issue(world.alice, "revoked")
    assert ApiClient(client, raw).get(ME).status_code == 200
    token.delete()
    assert ApiClient(client, raw).get(ME).status_code == 401


def test_it_refuses_the_token_of_a_deactivated_user(client, world):
    _token, raw = ApiToken.issue(world.alice, "cli")
    world.alice.is_active = False
    world.alice.save()
    assert ApiClient(client, raw).get(ME).status_code == 401


def test_it_refuses_the_token_of_a_locked_user(client, world):
    _token, raw = ApiToken.issue(world.alice, "cli")
    world.alice.locked_until = timezone.now() + timedelta(minutes=10)
    world.alice.save()
    assert ApiClient(client, raw).get(ME).status_code == 401


def test_it_accepts_a_session_whose_second_factor_was_verified(client, world):
    login(client, world.alice)
    response = client.get(ME)
    assert response.status_code == 200
    assert response.json()["username"] == "alice"


def test_it_refuses_a_session_without_a_verified_second_factor(client, world):
    client.force_login(world.alice)  # password only: no OTP device in the session
    assert client.get(ME).status_code == 401
    assert client.get("/api/organisations/").status_code == 401


def test_it_checks_csrf_on_session_writes(world):
    from django.test import Client

    browser = login(Client(enforce_csrf_checks=True), world.alice)
    response = browser.post("/api/contacts/", {"organisation": str(world.hospital_a.uuid), "name": "X"},
                            content_type="application/json")
    assert response.status_code in (401, 403)
    assert not world.hospital_a.contacts.exists()
    # The same request with the CSRF cookie and header goes through: the refusal above was the CSRF check.
    browser.cookies["csrftoken"] = "k" * 32
    response = browser.post("/api/contacts/", {"organisation": str(world.hospital_a.uuid), "name": "X"},
                            content_type="application/json", HTTP_X_CSRFTOKEN="k" * 32)
    assert response.status_code == 201, response.content


def test_it_serves_the_docs_with_local_assets_only(client, db):
    import re

    response = client.get("/api/docs")
    assert response.status_code == 200
    page = response.content.decode()
    assert "//cdn" not in page and "unpkg" not in page and "jsdelivr" not in page
    assets = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert any(a.endswith("swagger-ui-bundle.js") for a in assets)
    for asset in assets:
        assert asset.startswith("/static/"), asset
        assert client.get(asset).status_code == 200, asset


def test_it_serves_the_openapi_schema(client, db):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    operations = {op["operationId"] for methods in response.json()["paths"].values() for op in methods.values()}
    assert {"organisation_list", "organisation_get", "job_get", "me"} <= operations


def test_a_session_needs_a_fresh_second_factor_for_sensitive_operations(client, world):
    """As on the pages: granting roles or exporting from a browser session whose last TOTP code is old
    is refused until the user confirms again; a personal token is not asked (it was created that way)."""
    import time

    from vigie.accounts.models import RoleAssignment
    from vigie.core.recent import RECENT_KEY, RECENT_SECONDS

    login(client, world.alice)
    session = client.session
    session[RECENT_KEY] = time.time() - RECENT_SECONDS - 1
    session.save()
    grant = {"organisation": str(world.hospital_a.uuid), "user": str(world.contributor_a.uuid), "role": 30}
    response = client.post("/api/roles/", grant, content_type="application/json")
    assert response.status_code == 403
    assert RoleAssignment.objects.get(user=world.contributor_a).role == 20
    export = f"/api/organisations/{world.hospital_a.uuid}/export"
    assert client.post(export).status_code == 403

    _token, raw = ApiToken.issue(world.alice, "cli")
    assert ApiClient(client, raw).post("/api/roles/", grant).status_code in (200, 201)
    assert RoleAssignment.objects.get(user=world.contributor_a).role == 30
