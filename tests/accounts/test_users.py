"""User administration: only users whose every role lies in the admin's ADMIN subtrees, 404 otherwise."""

import pytest
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.conftest import PASSWORD, login, make_user
from vigie.accounts.models import ApiToken, AuditEvent, RoleAssignment, User
from vigie.core.scoping import scoped
from vigie.accounts.services import manageable_users, regenerate_recovery_codes
from vigie.core.roles import Role

from .conftest import code_for


def usernames(queryset):
    return set(queryset.values_list("username", flat=True))


def test_manageable_users_need_every_role_inside_the_admins_subtrees(world):
    staff_a = make_user("staff_a", (world.site_a, Role.READER))
    both = make_user("both", (world.site_a, Role.READER), (world.hospital_b, Role.READER))
    make_user("roleless")
    make_user("root_a", (world.hospital_a, Role.READER), superuser=True)
    in_clinic = make_user("clinic_staff", (world.clinic, Role.CONTRIBUTOR))

    assert usernames(manageable_users(world.alice)) == {"staff_a", "auditor_a", "contrib_a"}
    assert usernames(manageable_users(world.bob)) == set()
    national = usernames(manageable_users(world.national_admin))
    assert {"alice", "bob", "both", "staff_a", "clinic_staff", "ars_a", "ght_a"} <= national
    assert "roleless" not in national and "root_a" not in national and "nadmin" not in national
    assert usernames(manageable_users(world.ars_a)) == set()  # a reader administers nobody
    assert usernames(manageable_users(world.ght_manager)) == set()  # nor does a manager

    root = make_user("root", superuser=True)
    assert {"roleless", "root_a", "both"} <= usernames(manageable_users(root))
    # scoped() resolves users through the same rule, for the tenant-isolation test
    assert usernames(scoped(User.objects.all(), world.alice, "manage")) == usernames(manageable_users(world.alice))
    assert not scoped(User.objects.all(), world.alice, "delete").exists()
    assert staff_a in manageable_users(world.alice) and both not in manageable_users(world.alice)
    assert in_clinic not in manageable_users(world.alice)


def test_it_is_one_query(world, django_assert_num_queries):
    with django_assert_num_queries(1):
        list(manageable_users(world.alice))


def test_it_hides_users_with_a_role_elsewhere(client, world):
    both = make_user("both", (world.site_a, Role.READER), (world.hospital_b, Role.READER))
    login(client, world.alice)
    for target in (world.bob, both):
        for action in ("", "reset-password/", "unlock/", "reset-2fa/", "deactivate/"):
            url = f"/accounts/users/{target.uuid}/{action}"
            assert client.get(url).status_code == 404, url
            assert client.post(url).status_code == 404, url
        target.refresh_from_db()
        assert target.check_password(PASSWORD) and target.is_active and not target.must_change_password
        assert TOTPDevice.objects.filter(user=target).exists()
    listing = client.get("/accounts/users/").content.decode()
    assert "auditor_a" in listing and "bob" not in listing and "both" not in listing


def test_it_refuses_the_pages_to_non_administrators(client, world):
    login(client, world.ght_manager)
    assert client.get("/accounts/users/").status_code == 403
    assert client.get("/accounts/users/new/").status_code == 403
    assert client.get(f"/accounts/users/{world.auditor_a.uuid}/").status_code == 404


def test_it_resets_a_password_to_a_temporary_one_shown_once(client, world):
    login(client, world.alice)
    target = world.auditor_a
    confirm = client.get(f"/accounts/users/{target.uuid}/reset-password/")
    assert confirm.status_code == 200
    target.refresh_from_db()
    assert target.check_password(PASSWORD)  # nothing happens before the confirmation

    response = client.post(f"/accounts/users/{target.uuid}/reset-password/")
    assert response.status_code == 200 and response["Cache-Control"].startswith("no-store")
    temporary = response.context["password"]
    assert temporary in response.content.decode()
    target.refresh_from_db()
    assert target.check_password(temporary) and not target.check_password(PASSWORD)
    assert target.must_change_password
    event = AuditEvent.objects.get(changes__event="password_reset")
    assert event.user == world.alice and event.object_uuid == str(target.uuid)
    assert event.organisation == world.hospital_a
    assert temporary not in client.get(f"/accounts/users/{target.uuid}/").content.decode()


def test_it_unlocks_an_account(client, world):
    from django.utils import timezone

    User.objects.filter(pk=world.auditor_a.pk).update(failed_logins=2, locked_until=timezone.now().replace(year=2100))
    login(client, world.alice)
    client.post(f"/accounts/users/{world.auditor_a.uuid}/unlock/")
    world.auditor_a.refresh_from_db()
    assert not world.auditor_a.is_locked() and world.auditor_a.failed_logins == 0


def test_it_resets_the_second_factor(client, world):
    regenerate_recovery_codes(world.auditor_a, code_for(world.auditor_a.totp))
    login(client, world.alice)
    client.post(f"/accounts/users/{world.auditor_a.uuid}/reset-2fa/")
    assert not TOTPDevice.objects.filter(user=world.auditor_a).exists()
    assert not StaticDevice.objects.filter(user=world.auditor_a).exists()
    assert not world.auditor_a.has_second_factor()
    assert AuditEvent.objects.filter(changes__event="2fa_reset").count() == 1


def test_it_deactivates_an_account_and_revokes_its_tokens(client, world):
    ApiToken.issue(world.auditor_a, "script")
    login(client, world.alice)
    response = client.post(f"/accounts/users/{world.auditor_a.uuid}/deactivate/")
    assert response.status_code == 302
    world.auditor_a.refresh_from_db()
    assert not world.auditor_a.is_active
    assert not ApiToken.objects.filter(user=world.auditor_a).exists()


def test_it_creates_a_user_with_a_role_in_the_admins_subtree(client, world):
    login(client, world.alice)
    form = client.get("/accounts/users/new/")
    choices = [str(uuid) for uuid, _label in form.context["form"].fields["organisation"].choices if uuid]
    assert set(choices) == {str(world.hospital_a.uuid), str(world.site_a.uuid)}

    data = {"username": "carol", "first_name": "Carol", "last_name": "Durand", "email": "carol@ch-a.fr",
            "organisation": str(world.hospital_b.uuid), "role": Role.READER}
    refused = client.post("/accounts/users/new/", data)
    assert refused.status_code == 200 and "organisation" in refused.context["form"].errors
    assert not User.objects.filter(username="carol").exists()

    data["organisation"] = str(world.site_a.uuid)
    data["username"] = "ALICE"
    assert "username" in client.post("/accounts/users/new/", data).context["form"].errors

    data["username"] = "carol"
    response = client.post("/accounts/users/new/", data)
    assert response.status_code == 200
    carol = User.objects.get(username="carol")
    assert carol.must_change_password and carol.check_password(response.context["password"])
    role = RoleAssignment.objects.get(user=carol)
    assert (role.organisation, role.role, role.granted_by) == (world.site_a, Role.READER, world.alice)
    assert carol in manageable_users(world.alice)


def test_it_never_grants_a_role_above_the_admins_own(world, monkeypatch):
    from vigie.accounts import forms

    data = {"username": "dave", "email": "d@x.fr", "organisation": str(world.hospital_a.uuid), "role": Role.ADMIN}
    assert forms.UserCreateForm(data, admin=world.alice).is_valid()
    # ADMIN is the top role, so this guards against a future role above it: simulate a weaker holder.
    monkeypatch.setattr(forms, "highest_role", lambda user, org: Role.MANAGER)
    form = forms.UserCreateForm(data, admin=world.alice)
    assert not form.is_valid() and "role" in form.errors
    assert forms.UserCreateForm({**data, "role": Role.MANAGER}, admin=world.alice).is_valid()


@pytest.mark.parametrize("action, event", [("reset-password", "password_reset"), ("reset-2fa", "2fa_reset")])
def test_a_reset_revokes_the_api_tokens_of_the_account(client, world, action, event):
    _token, raw = ApiToken.issue(world.auditor_a, "script")
    login(client, world.alice)
    client.post(f"/accounts/users/{world.auditor_a.uuid}/{action}/")
    assert not ApiToken.objects.filter(user=world.auditor_a).exists()
    client.logout()
    assert client.get("/api/accounts/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401
    assert AuditEvent.objects.get(changes__event=event).changes["tokens_revoked"] == 1


def test_peer_administrators_cannot_manage_each_other_but_an_administrator_above_can(client, world):
    peer = make_user("peer", (world.hospital_a, Role.ADMIN))
    assert peer not in manageable_users(world.alice)
    assert world.alice not in manageable_users(peer)
    ght_admin = make_user("ght_admin", (world.ght_a, Role.ADMIN))
    assert {peer, world.alice} <= set(manageable_users(ght_admin))
    login(client, world.alice)
    assert client.post(f"/accounts/users/{peer.uuid}/reset-password/").status_code == 404
