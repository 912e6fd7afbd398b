"""Role assignments through the API: visible to managers, granted no higher than the granter's role."""

from vigie.accounts.models import AuditEvent, RoleAssignment
from vigie.core.roles import Role

LIST = "/api/roles/"


def usernames(response) -> list[str]:
    assert response.status_code == 200
    return sorted(r["user"]["username"] for r in response.json()["items"])


def test_it_lists_roles_in_the_managed_subtree_only(world, alice, ars):
    assert usernames(alice.get(LIST)) == ["alice", "auditor_a", "contrib_a"]
    assert usernames(ars.get(LIST)) == []  # a reader does not see who holds roles


def test_it_filters_by_user(world, alice):
    assert usernames(alice.get(LIST, {"user": str(world.auditor_a.uuid)})) == ["auditor_a"]


def test_it_grants_a_role_and_audits_it(world, alice):
    response = alice.post(LIST, {"user": str(world.bob.uuid), "organisation": str(world.site_a.uuid), "role": 10})
    assert response.status_code == 201, response.content
    assignment = RoleAssignment.objects.get(uuid=response.json()["uuid"])
    assert (assignment.user, assignment.organisation, assignment.role, assignment.granted_by) == (
        world.bob, world.site_a, Role.READER, world.alice)
    event = AuditEvent.objects.get(action="create", object_uuid=str(assignment.uuid))
    assert (event.username, event.organisation_path) == ("alice", world.site_a.path)


def test_it_changes_an_existing_role_on_the_same_node(world, alice):
    response = alice.post(LIST, {"user": str(world.auditor_a.uuid), "organisation": str(world.hospital_a.uuid),
                                 "role": 30})
    assert response.status_code == 200
    assert RoleAssignment.objects.get(user=world.auditor_a).role == Role.MANAGER


def test_it_refuses_a_role_above_the_granters(world, as_user):
    manager = as_user(world.ght_manager)
    body = {"user": str(world.auditor_a.uuid), "organisation": str(world.site_a.uuid)}
    assert manager.post(LIST, {**body, "role": 40}).status_code == 403
    assert not RoleAssignment.objects.filter(user=world.auditor_a, organisation=world.site_a).exists()
    assert manager.post(LIST, {**body, "role": 30}).status_code == 201


def test_it_refuses_readers_and_other_tenants(world, alice, ars):
    body = {"user": str(world.contributor_a.uuid), "role": 10}
    assert ars.post(LIST, {**body, "organisation": str(world.hospital_a.uuid)}).status_code == 403
    assert alice.post(LIST, {**body, "organisation": str(world.hospital_b.uuid)}).status_code == 404
    assert alice.post(LIST, {**body, "organisation": str(world.hospital_a.uuid), "role": 99}).status_code == 422
    assert RoleAssignment.objects.filter(user=world.contributor_a).count() == 1


def test_it_revokes_but_not_above_the_revokers_role(world, alice, as_user):
    alices = RoleAssignment.objects.get(user=world.alice)
    auditor = RoleAssignment.objects.get(user=world.auditor_a)
    bobs = RoleAssignment.objects.get(user=world.bob)
    assert as_user(world.ght_manager).delete(f"{LIST}{alices.uuid}").status_code == 403
    assert alice.delete(f"{LIST}{bobs.uuid}").status_code == 404
    assert alice.get(f"{LIST}{auditor.uuid}").json()["user"]["username"] == "auditor_a"
    assert alice.delete(f"{LIST}{auditor.uuid}").status_code == 204
    assert set(RoleAssignment.objects.values_list("pk", flat=True)) >= {alices.pk, bobs.pk}
    assert not RoleAssignment.objects.filter(pk=auditor.pk).exists()
    assert AuditEvent.objects.filter(action="delete", object_uuid=str(auditor.uuid), username="alice").exists()


def test_it_tells_the_caller_its_roles(world, as_user):
    data = as_user(world.ght_manager).get("/api/accounts/me").json()
    assert [(r["organisation"]["name"], r["role"]) for r in data["roles"]] == [("GHT A", 30)]
