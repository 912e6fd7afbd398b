"""Sign-in in two steps, lockout, address throttling, pending-state and session expiry, audit events."""

import time
from datetime import timedelta

from django.conf import settings
from django.contrib.sessions.models import Session
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY

from tests.conftest import PASSWORD, login, make_user
from vigie.accounts.models import AuditEvent, User
from vigie.accounts.services import IP_FAILURE_LIMIT, PENDING_KEY, regenerate_recovery_codes

from .conftest import code_for, code_step, english_client, is_signed_in, password_step, sign_in, wrong_code

INVALID = "Invalid username or password."


def events(action, **lookup):
    return AuditEvent.objects.filter(action=action, **lookup)


def test_it_opens_nothing_after_the_password_step_alone(client, world):
    response = password_step(client, "alice")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/verify/"
    assert "_auth_user_id" not in client.session
    assert client.session[PENDING_KEY]["user"] == world.alice.pk
    protected = client.get("/accounts/me/")
    assert protected.status_code == 302
    assert protected["Location"].startswith("/accounts/login/")
    assert client.get("/").status_code == 302


def test_it_signs_in_with_password_then_totp(client, world):
    User.objects.filter(pk=world.alice.pk).update(failed_logins=2)
    password_step(client, "alice")
    response = code_step(client, code_for(world.alice.totp))
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.session["_auth_user_id"] == str(world.alice.pk)
    assert client.session[DEVICE_ID_SESSION_KEY] == world.alice.totp.persistent_id
    assert PENDING_KEY not in client.session
    assert is_signed_in(client)
    world.alice.refresh_from_db()
    assert world.alice.failed_logins == 0
    assert events(AuditEvent.Action.LOGIN, user=world.alice).count() == 1


def test_it_refuses_a_code_already_used(client, world):
    code = code_for(world.alice.totp)
    password_step(client, "alice")
    code_step(client, code)
    client.post("/accounts/logout/")
    password_step(client, "alice")
    response = code_step(client, code)
    assert response.status_code == 200
    assert not is_signed_in(client)


def test_it_goes_to_a_safe_next_page_only(client, world):
    client.post("/accounts/login/?next=/organisations/", {"username": "alice", "password": PASSWORD})
    response = code_step(client, code_for(world.alice.totp))
    assert response["Location"] == "/organisations/"

    other = english_client()
    other.post("/accounts/login/", {"username": "alice", "password": PASSWORD, "next": "https://evil.example/"})
    world.alice.totp.refresh_from_db()
    world.alice.totp.last_t = -1  # allow the same time step again for this second sign-in
    world.alice.totp.save()
    response = code_step(other, code_for(world.alice.totp))
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_it_gives_unknown_users_and_wrong_passwords_the_same_answer(client, world):
    unknown = password_step(client, "nobody-here")
    wrong = password_step(client, "alice", "not the password")
    assert unknown.status_code == wrong.status_code == 200
    assert INVALID in unknown.content.decode()
    assert INVALID in wrong.content.decode()
    assert PENDING_KEY not in client.session
    tried = events(AuditEvent.Action.LOGIN_FAILED).order_by("id")
    assert [(e.username, e.user_id, e.ip) for e in tried] == [
        ("nobody-here", None, "127.0.0.1"), ("alice", world.alice.pk, "127.0.0.1"),
    ]
    world.alice.refresh_from_db()
    assert world.alice.failed_logins == 1


def test_it_locks_the_account_at_the_threshold_and_then_refuses_the_right_password(client, world):
    for _ in range(settings.VIGIE_LOCKOUT_THRESHOLD - 1):
        password_step(client, "alice", "wrong")
    world.alice.refresh_from_db()
    assert not world.alice.is_locked()
    response = password_step(client, "alice", "wrong")
    world.alice.refresh_from_db()
    assert world.alice.is_locked()
    assert "locked" in response.content.decode()
    assert events(AuditEvent.Action.LOCKED, user=world.alice).count() == 1
    assert events(AuditEvent.Action.LOGIN_FAILED, user=world.alice).count() == settings.VIGIE_LOCKOUT_THRESHOLD

    refused = password_step(client, "alice", PASSWORD)
    assert refused.status_code == 200
    assert "This account is locked" in refused.content.decode()
    assert PENDING_KEY not in client.session
    assert events(AuditEvent.Action.LOGIN_FAILED, user=world.alice, changes__reason="locked").count() == 1
    expected = timezone.now() + timedelta(minutes=settings.VIGIE_LOCKOUT_MINUTES)
    assert abs((world.alice.locked_until - expected).total_seconds()) < 30


def test_it_counts_wrong_second_factors_towards_the_lockout(client, world):
    password_step(client, "alice")
    for _ in range(settings.VIGIE_LOCKOUT_THRESHOLD - 1):
        response = code_step(client, wrong_code(world.alice.totp))
        assert response.status_code == 200
    response = code_step(client, wrong_code(world.alice.totp))
    assert response.status_code == 302 and response["Location"] == "/accounts/login/"
    world.alice.refresh_from_db()
    assert world.alice.is_locked()
    assert PENDING_KEY not in client.session
    assert events(AuditEvent.Action.LOGIN_FAILED, user=world.alice, changes__reason="second_factor").count() == 3
    assert not is_signed_in(client)


def test_it_lets_the_user_in_again_once_the_lock_expires(client, world, monkeypatch):
    for _ in range(settings.VIGIE_LOCKOUT_THRESHOLD):
        password_step(client, "alice", "wrong")
    assert password_step(client, "alice").status_code == 200  # still locked
    real_now = timezone.now
    later = real_now() + timedelta(minutes=settings.VIGIE_LOCKOUT_MINUTES, seconds=5)
    monkeypatch.setattr(timezone, "now", lambda: later)
    response = password_step(client, "alice")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/verify/"
    code_step(client, code_for(world.alice.totp))
    assert is_signed_in(client)
    world.alice.refresh_from_db()
    assert world.alice.failed_logins == 0 and world.alice.locked_until is None


def test_it_accepts_each_recovery_code_once(client, world):
    codes = regenerate_recovery_codes(world.alice, code_for(world.alice.totp))
    assert len(codes) == 10
    password_step(client, "alice")
    code_step(client, codes[0].upper())  # case and spaces do not matter
    assert is_signed_in(client)
    client.post("/accounts/logout/")
    assert not is_signed_in(client)

    password_step(client, "alice")
    response = code_step(client, codes[0])
    assert response.status_code == 200
    assert not is_signed_in(client)
    world.alice.refresh_from_db()
    assert world.alice.failed_logins == 1
    code_step(client, codes[1])
    assert is_signed_in(client)


def test_it_refuses_an_address_with_too_many_failed_sign_ins(client, world):
    for _ in range(IP_FAILURE_LIMIT):
        AuditEvent.objects.create(action=AuditEvent.Action.LOGIN_FAILED, username="x", ip="10.9.9.9")
    AuditEvent.objects.create(action=AuditEvent.Action.LOGIN_FAILED, username="x", ip="10.9.9.9",
                              at=timezone.now() - timedelta(minutes=16))  # outside the window
    assert password_step(client, "alice", REMOTE_ADDR="10.9.9.9").status_code == 302  # 20: still allowed

    AuditEvent.objects.create(action=AuditEvent.Action.LOGIN_FAILED, username="x", ip="10.9.9.9")
    response = password_step(client, "alice", REMOTE_ADDR="10.9.9.9")
    assert response.status_code == 200
    assert "Too many failed sign-ins from your network address" in response.content.decode()
    assert PENDING_KEY not in client.session
    # another address is not affected
    assert password_step(client, "alice", REMOTE_ADDR="10.8.8.8").status_code == 302


def test_it_drops_a_pending_sign_in_after_five_minutes(client, world):
    password_step(client, "alice")
    session = client.session
    session[PENDING_KEY]["at"] = time.time() - 301
    session.save()
    response = code_step(client, code_for(world.alice.totp))
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/"
    assert PENDING_KEY not in client.session
    assert not is_signed_in(client)


def test_it_gives_signed_in_sessions_the_configured_idle_expiry(client, world):
    sign_in(client, world.alice)
    assert client.session.get_expiry_age() == settings.SESSION_COOKIE_AGE
    row = Session.objects.get(session_key=client.session.session_key)
    expected = timezone.now() + timedelta(seconds=settings.SESSION_COOKIE_AGE)
    assert abs((row.expire_date - expected).total_seconds()) < 30

    Session.objects.filter(pk=row.pk).update(expire_date=timezone.now() - timedelta(seconds=1))
    response = client.get("/accounts/me/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_it_records_sign_out(client, world):
    login(client, world.alice)
    response = client.post("/accounts/logout/")
    assert response["Location"] == "/accounts/login/"
    assert events(AuditEvent.Action.LOGOUT, user=world.alice).count() == 1
    assert not is_signed_in(client)
    assert client.get("/accounts/logout/").status_code == 405


def test_it_refuses_a_deactivated_user(client, world):
    User.objects.filter(pk=world.alice.pk).update(is_active=False)
    response = password_step(client, "alice")
    assert response.status_code == 200
    assert INVALID in response.content.decode()
    assert PENDING_KEY not in client.session


def test_it_speaks_french_by_default(db):
    from django.test import Client

    page = Client().get("/accounts/login/").content.decode()
    assert "Se connecter" in page
    assert "Identifiant" in page


def test_it_sends_a_user_without_a_device_to_enrolment(client, db):
    user = make_user("newcomer")
    user.totp.delete()
    response = password_step(client, "newcomer")
    assert response["Location"] == "/accounts/login/enrol/"
    assert client.get("/accounts/login/verify/")["Location"] == "/accounts/login/enrol/"
