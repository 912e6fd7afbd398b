"""First sign-in without an authenticator: QR code and secret, confirmation, recovery codes shown once."""

from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.conftest import make_user
from vigie.accounts.models import AuditEvent
from vigie.accounts.services import PENDING_KEY, totp_secret

from .conftest import code_step, code_for, is_signed_in, password_step, wrong_code


def newcomer(*roles):
    user = make_user("newcomer", *roles)
    user.totp.delete()
    return user


def test_it_enrols_an_authenticator_then_shows_recovery_codes_once(client, world):
    user = newcomer()
    password_step(client, "newcomer")
    page = client.get("/accounts/login/enrol/")
    assert page.status_code == 200
    assert page["Cache-Control"].startswith("no-store")
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    body = page.content.decode()
    assert "<svg" in body and "<?xml" not in body
    assert totp_secret(device) in body
    assert client.get("/accounts/login/enrol/").content.decode().count(totp_secret(device)) == 1  # same secret
    assert not is_signed_in(client)

    response = client.post("/accounts/login/enrol/", {"code": code_for(device)})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/me/recovery-codes/"
    device.refresh_from_db()
    assert device.confirmed
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    assert PENDING_KEY not in client.session

    tokens = list(StaticToken.objects.filter(device__user=user).values_list("token", flat=True))
    assert len(tokens) == 10
    codes_page = client.get("/accounts/me/recovery-codes/")
    assert codes_page.status_code == 200
    assert all(token in codes_page.content.decode() for token in tokens)
    again = client.get("/accounts/me/recovery-codes/")
    assert again.status_code == 302  # shown once
    assert is_signed_in(client)
    assert AuditEvent.objects.filter(action=AuditEvent.Action.SECURITY, user=user,
                                     changes__event="2fa_enrolled").count() == 1
    assert AuditEvent.objects.filter(action=AuditEvent.Action.LOGIN, user=user).count() == 1


def test_it_refuses_a_wrong_enrolment_code(client, world):
    user = newcomer()
    password_step(client, "newcomer")
    client.get("/accounts/login/enrol/")
    device = TOTPDevice.objects.get(user=user)
    response = client.post("/accounts/login/enrol/", {"code": wrong_code(device)})
    assert response.status_code == 200
    device.refresh_from_db()
    assert not device.confirmed
    user.refresh_from_db()
    assert user.failed_logins == 1
    assert not is_signed_in(client)
    assert not StaticToken.objects.filter(device__user=user).exists()


def test_it_needs_the_password_step_before_enrolment(client, world):
    newcomer()
    response = client.get("/accounts/login/enrol/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/"
    assert not TOTPDevice.objects.filter(user__username="newcomer").exists()


def test_it_does_not_let_an_enrolled_user_add_a_device(client, world):
    password_step(client, "alice")
    response = client.get("/accounts/login/enrol/")
    assert response["Location"] == "/accounts/login/verify/"
    assert TOTPDevice.objects.filter(user=world.alice).count() == 1
    code_step(client, code_for(world.alice.totp))
    assert is_signed_in(client)
