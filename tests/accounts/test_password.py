"""Changing one's password, and the forced change after an administrator set it."""

from tests.conftest import PASSWORD, login
from vigie.accounts.models import AuditEvent, User

NEW = "a brand new passphrase 2025"


def change(client, old=PASSWORD, new=NEW, again=None):
    return client.post("/accounts/me/password/", {
        "old_password": old, "new_password1": new, "new_password2": again or new,
    })


def test_it_forces_a_password_change_before_anything_else(client, world):
    User.objects.filter(pk=world.alice.pk).update(must_change_password=True)
    login(client, world.alice)
    for path in ("/", "/accounts/me/", "/accounts/users/", world.hospital_a.get_absolute_url()):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"] == "/accounts/me/password/"
    assert client.get("/accounts/me/password/").status_code == 200

    response = change(client)
    assert response.status_code == 302
    world.alice.refresh_from_db()
    assert not world.alice.must_change_password
    assert world.alice.check_password(NEW)
    assert client.get("/").status_code == 200  # the session survived the change
    assert AuditEvent.objects.filter(action=AuditEvent.Action.SECURITY, user=world.alice,
                                     changes__event="password_changed").count() == 1


def test_it_needs_the_current_password_and_a_valid_new_one(client, world):
    login(client, world.alice)
    assert change(client, old="wrong").status_code == 200
    assert change(client, new="short").status_code == 200
    assert change(client, new="12345678901234").status_code == 200  # entirely numeric
    world.alice.refresh_from_db()
    assert world.alice.check_password(PASSWORD)
    assert not AuditEvent.objects.filter(changes__event="password_changed").exists()
