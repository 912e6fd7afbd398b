from django.urls import reverse

from tests.conftest import make_user
from vigie.accounts.models import RoleAssignment
from vigie.core.roles import Role


def members(org):
    return reverse("organisations:members", args=[org.uuid])


def revoke(assignment):
    return reverse("organisations:member_revoke", args=[assignment.uuid])


def test_it_lists_roles_here_and_below(world, as_user):
    response = as_user(world.ght_manager).get(members(world.ght_a))
    users = {a.user.username for a in response.context["assignments"]}
    assert users == {"ght_a", "alice", "auditor_a", "contrib_a"}
    assert "bob" not in response.content.decode()


def test_readers_and_other_hospitals_are_refused(world, as_user):
    for user in (world.auditor_a, world.contributor_a, world.bob):
        client = as_user(user)
        refused = 404 if user == world.bob else 403  # 404 for what one cannot see, 403 for what one only sees
        assert client.get(members(world.hospital_a)).status_code == refused
        assert client.post(members(world.hospital_a), {"username": "bob", "role": Role.READER}).status_code == refused
    assert not RoleAssignment.objects.filter(user=world.bob, organisation=world.hospital_a).exists()


def test_a_manager_grants_a_role_up_to_their_own(world, as_user):
    newcomer = make_user("newcomer")
    client = as_user(world.ght_manager)
    response = client.post(members(world.hospital_a), {"username": "newcomer", "role": Role.MANAGER})
    assert response.status_code == 302
    assignment = RoleAssignment.objects.get(user=newcomer, organisation=world.hospital_a)
    assert assignment.role == Role.MANAGER
    assert assignment.granted_by == world.ght_manager


def test_a_manager_cannot_grant_admin(world, as_user):
    make_user("newcomer")
    response = as_user(world.ght_manager).post(members(world.hospital_a), {"username": "newcomer",
                                                                        "role": Role.ADMIN})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not RoleAssignment.objects.filter(user__username="newcomer").exists()


def test_an_admin_grants_admin(world, as_user):
    newcomer = make_user("newcomer")
    response = as_user(world.alice).post(members(world.site_a), {"username": "newcomer", "role": Role.ADMIN})
    assert response.status_code == 302
    assert RoleAssignment.objects.get(user=newcomer).role == Role.ADMIN


def test_granting_again_updates_the_one_role(world, as_user):
    client = as_user(world.alice)
    client.post(members(world.hospital_a), {"username": "auditor_a", "role": Role.CONTRIBUTOR})
    roles = RoleAssignment.objects.filter(user=world.auditor_a, organisation=world.hospital_a)
    assert [r.role for r in roles] == [Role.CONTRIBUTOR]
    assert roles[0].granted_by == world.alice


def test_a_manager_cannot_change_a_higher_role(world, as_user):
    response = as_user(world.ght_manager).post(members(world.hospital_a), {"username": "alice",
                                                                        "role": Role.READER})
    assert response.status_code == 200
    assert RoleAssignment.objects.get(user=world.alice).role == Role.ADMIN


def test_it_reports_an_unknown_username(world, as_user):
    response = as_user(world.alice).post(members(world.hospital_a), {"username": "nobody", "role": Role.READER})
    assert "nobody" in str(response.context["form"].non_field_errors())


def test_revoke_rules(world, as_user):
    reader = RoleAssignment.objects.get(user=world.auditor_a)
    admin = RoleAssignment.objects.get(user=world.alice)
    assert as_user(world.bob).post(revoke(reader)).status_code == 404
    assert as_user(world.alice).post(revoke(RoleAssignment.objects.get(user=world.bob))).status_code == 404
    client = as_user(world.ght_manager)
    response = client.post(revoke(admin))
    assert response.status_code == 200 and response.context["problems"]
    assert RoleAssignment.objects.filter(pk=admin.pk).exists()
    assert client.post(revoke(reader)).status_code == 302
    assert not RoleAssignment.objects.filter(pk=reader.pk).exists()
