"""Directory credentials: encrypted at rest, never shown back, entered only after a fresh second factor."""

import json
import time

import pytest
from django.db import connection
from django.test import override_settings
from django.urls import reverse

from tests.conftest import login
from tests.factories import make
from vigie.core.recent import RECENT_KEY
from vigie.directory.crypto import CredentialsError
from vigie.directory.models import Directory

pytestmark = pytest.mark.django_db


def raw_password_column(directory) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT password FROM {Directory._meta.db_table} WHERE id = %s", [directory.pk])
        return cursor.fetchone()[0]


def stale(client):
    session = client.session
    session[RECENT_KEY] = time.time() - 3600
    session.save()


def test_it_stores_the_password_encrypted(world):
    directory = make(Directory, world, "a")
    raw = raw_password_column(directory)
    assert "secret-a" not in raw
    assert raw.startswith("v1:")
    assert Directory.objects.get(pk=directory.pk).get_password() == "secret-a"


def test_it_refuses_to_decrypt_with_another_key(world):
    directory = make(Directory, world, "a")
    with override_settings(VIGIE_CREDENTIALS_KEY="another key entirely"), \
            pytest.raises(CredentialsError, match="VIGIE_CREDENTIALS_KEY"):
        directory.get_password()


def test_it_binds_the_ciphertext_to_its_directory(world):
    a, b = make(Directory, world, "a"), make(Directory, world, "b")
    Directory.objects.filter(pk=b.pk).update(password=a.password)
    with pytest.raises(CredentialsError):
        Directory.objects.get(pk=b.pk).get_password()


@pytest.mark.parametrize("page", ["create", "edit"])
def test_it_asks_for_a_fresh_second_factor_before_the_credentials_pages(page, client, world):
    directory = make(Directory, world, "a")
    login(client, world.alice)
    stale(client)
    url = reverse("directory:create") if page == "create" else reverse("directory:edit", args=[directory.uuid])
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:confirm"))
    response = client.post(url, {"name": "x"})
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:confirm"))
    assert Directory.objects.get(pk=directory.pk).name == directory.name


def test_it_creates_a_directory_with_an_encrypted_password(client, world):
    login(client, world.alice)
    response = client.post(reverse("directory:create"), {
        "organisation": world.hospital_a.pk, "name": "AD principal", "domain": "ad.ch-a.local",
        "server": "dc1.ad.ch-a.local", "port": "0", "security": "ldaps", "auth_method": "simple",
        "username": "audit@ad.ch-a.local", "new_password": "Tr0ub4dor&3", "verify_certificate": "on",
        "scheduled": "on", "audit_every_months": "3", "next_due": "2030-01-01",
    })
    directory = Directory.objects.get(domain="ad.ch-a.local")
    assert response.status_code == 302
    assert directory.get_password() == "Tr0ub4dor&3"
    assert "Tr0ub4dor&3" not in raw_password_column(directory)
    page = client.get(reverse("directory:edit", args=[directory.uuid])).content.decode()
    assert "Tr0ub4dor&3" not in page and directory.password not in page
    assert "Replace the password" in page or "Remplacer le mot de passe" in page


def test_it_keeps_the_password_when_the_field_is_left_empty(client, world):
    directory = make(Directory, world, "a")
    login(client, world.alice)
    client.post(reverse("directory:edit", args=[directory.uuid]), {
        "name": "Renamed", "domain": directory.domain, "server": directory.server, "port": "0",
        "security": "ldaps", "auth_method": "simple", "username": "audit", "audit_every_months": "3",
    })
    directory.refresh_from_db()
    assert directory.name == "Renamed"
    assert directory.get_password() == "secret-a"


def test_it_never_returns_the_password_from_the_api(client, world):
    directory = make(Directory, world, "a")
    login(client, world.alice)
    body = client.get(reverse("api:directory_get", kwargs={"uuid": directory.uuid})).json()
    assert body["password_set"] is True
    assert "password" not in body
    assert directory.password not in json.dumps(body)


def test_it_asks_the_api_for_a_fresh_second_factor_before_a_password(client, world):
    directory = make(Directory, world, "a")
    login(client, world.alice)
    stale(client)
    url = reverse("api:directory_patch", kwargs={"uuid": directory.uuid})
    response = client.patch(url, json.dumps({"password": "new"}), content_type="application/json")
    assert response.status_code == 403
    response = client.patch(url, json.dumps({"name": "Only the name"}), content_type="application/json")
    assert response.status_code == 200
    directory.refresh_from_db()
    assert directory.get_password() == "secret-a" and directory.name == "Only the name"


def test_it_keeps_the_ciphertext_out_of_the_audit_log(world):
    from vigie.accounts.models import AuditEvent

    directory = make(Directory, world, "a")
    directory.set_password("rotated")
    directory.save()
    events = AuditEvent.objects.filter(object_uuid=str(directory.uuid))
    assert events.count() == 2
    logged = json.dumps([e.changes for e in events])
    assert directory.password not in logged and "rotated" not in logged
    assert events.filter(changes__password={"changed": True}).exists()
