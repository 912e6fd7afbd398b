"""Fixtures for the accounts tests: an English-speaking client, TOTP codes, and the two sign-in steps."""

import pytest
from django.conf import settings
from django.test import Client
from django_otp.oath import totp

from tests.conftest import PASSWORD


def english_client() -> Client:
    """Pages in English (chosen by the language cookie), so assertions can read the messages."""
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def client():
    """An English-speaking client; French is tested on its own."""
    return english_client()


@pytest.fixture(autouse=True)
def accounts_settings(settings):
    settings.VIGIE_LOCKOUT_THRESHOLD = 3
    settings.VIGIE_LOCKOUT_MINUTES = 15
    # django-otp makes a device wait 1 s, 2 s… after each wrong code; tests retry at once.
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.OTP_STATIC_THROTTLE_FACTOR = 0
    return settings


def code_for(device) -> str:
    """The TOTP code the device accepts now."""
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def wrong_code(device) -> str:
    """Six digits the device refuses now (not the code of this time step nor of its neighbours)."""
    valid = {
        f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift + d):06d}" for d in (-1, 0, 1)
    }
    return next(c for c in ("000000", "111111", "222222", "333333") if c not in valid)


def password_step(client, username, password=PASSWORD, **extra):
    return client.post("/accounts/login/", {"username": username, "password": password}, **extra)


def code_step(client, code, **extra):
    return client.post("/accounts/login/verify/", {"code": code}, **extra)


def sign_in(client, user, password=PASSWORD):
    """Both steps with a valid TOTP code; returns the second response."""
    password_step(client, user.username, password)
    return code_step(client, code_for(user.totp))


def is_signed_in(client) -> bool:
    """Whether a protected page opens (rather than redirecting to sign-in)."""
    return client.get("/accounts/me/").status_code == 200
