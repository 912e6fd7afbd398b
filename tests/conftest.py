"""Shared test fixtures: the personas along the organisation tree, and a verified (2FA) login helper.

The world: a national node; regions A and B; GHT A (region A) and GHT B (region B); hospital A (legal
entity in GHT A, one site) and hospital B (legal entity in GHT B, one site); a private clinic in
region A outside any GHT.
"""

import time

import pytest
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from vigie.core.recent import RECENT_KEY
from vigie.core.roles import Role
from vigie.organisations.finess import with_key

PASSWORD = "correct horse battery staple"


class World:
    """Attribute bag for the tree and personas."""


def make_org(**fields):
    from vigie.organisations.models import Organisation

    org = Organisation(**fields)
    org.full_clean()
    org.save()
    return org


_password_hash = None


def make_user(username, *roles, superuser=False):
    """A user with a confirmed TOTP device and the given (organisation, role) pairs; password PASSWORD."""
    from django.contrib.auth.hashers import make_password

    from vigie.accounts.models import RoleAssignment, User

    global _password_hash
    _password_hash = _password_hash or make_password(PASSWORD)  # argon2 is slow on purpose: hash once
    user = User.objects.create(
        username=username, email=f"{username}@example.org", password=_password_hash, is_superuser=superuser
    )
    user.totp = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    for org, role in roles:
        RoleAssignment.objects.create(user=user, organisation=org, role=role)
    return user


def build_world() -> World:
    w = World()
    w.national = make_org(kind="national", name="France")
    w.region_a = make_org(kind="region", name="Région A", parent=w.national, code="11")
    w.region_b = make_org(kind="region", name="Région B", parent=w.national, code="84")
    w.ght_a = make_org(kind="ght", name="GHT A", parent=w.region_a)
    w.ght_b = make_org(kind="ght", name="GHT B", parent=w.region_b)
    w.hospital_a = make_org(kind="legal_entity", name="CH A", parent=w.ght_a, finess=with_key("75000001"),
                            legal_status="public", activity_share="60")
    w.site_a = make_org(kind="site", name="CH A — site 1", parent=w.hospital_a, finess=with_key("75000002"))
    w.hospital_b = make_org(kind="legal_entity", name="CH B", parent=w.ght_b, finess=with_key("69000001"),
                            legal_status="public", activity_share="50")
    w.site_b = make_org(kind="site", name="CH B — site 1", parent=w.hospital_b, finess=with_key("69000002"))
    w.clinic = make_org(kind="legal_entity", name="Clinique C", parent=w.region_a, finess=with_key("75000003"),
                        legal_status="private_for_profit")
    w.national_admin = make_user("nadmin", (w.national, Role.ADMIN))
    w.ars_a = make_user("ars_a", (w.region_a, Role.READER))
    w.ght_manager = make_user("ght_a", (w.ght_a, Role.MANAGER))
    w.alice = make_user("alice", (w.hospital_a, Role.ADMIN))
    w.bob = make_user("bob", (w.hospital_b, Role.ADMIN))
    w.auditor_a = make_user("auditor_a", (w.hospital_a, Role.READER))
    w.contributor_a = make_user("contrib_a", (w.hospital_a, Role.CONTRIBUTOR))
    return w


@pytest.fixture
def world(db):
    return build_world()


def login(client, user):
    """Sign the test client in as `user` with its second factor already verified."""
    client.force_login(user)
    session = client.session
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session[RECENT_KEY] = time.time()  # as right after signing in: sensitive actions need no new code
    session.save()
    return client


def require_service(name: str, host: str, port: int) -> None:
    """Skip when a local service is missing, except in CI (VIGIE_TEST_REQUIRE_SERVICES=1), where it fails."""
    import os
    import socket

    try:
        socket.create_connection((host, port), timeout=2).close()
    except OSError as exc:
        message = f"{name} is not reachable on {host}:{port} ({exc}); scripts/test starts it"
        if os.environ.get("VIGIE_TEST_REQUIRE_SERVICES") == "1":
            pytest.fail(message)
        pytest.skip(message)


# Testbeds started once per session: under pytest-xdist, all their tests go to one worker.
SESSION_TESTBEDS = ("samba", "netbed")


def pytest_collection_modifyitems(items):
    """Under pytest-xdist (scripts/test runs workers with --dist loadgroup), keep each file on one worker,
    so module fixtures and files sharing a service (Redis db 15) run once, and put every test of a testbed
    in one group, so a worker starts the Samba DC or the namespace test bed once."""
    for item in items:
        testbed = next((name for name in SESSION_TESTBEDS if name in item.fixturenames), None)
        item.add_marker(pytest.mark.xdist_group(testbed or item.nodeid.split("::")[0]))
