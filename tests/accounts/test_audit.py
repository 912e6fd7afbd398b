"""The audit log page: administrators only, scoped to their subtrees, filtered, paginated, exported as CSV."""

import csv
import io
from datetime import timedelta

from django.utils import timezone

from tests.conftest import login
from vigie.accounts.audit import record
from vigie.accounts.exports import csv_cell
from vigie.accounts.models import AuditEvent


def event(action, org, username, object_repr="", at=None):
    if at is None:
        return record(action, organisation=org, username=username, object_repr=object_repr)
    # Back-dated at creation: rows are append-only (PostgreSQL's trigger refuses any UPDATE).
    return AuditEvent.objects.create(action=action, organisation=org, organisation_path=org.path,
                                     username=username, object_repr=object_repr, at=at)


def test_it_is_for_administrators_only(client, world):
    for user in (world.contributor_a, world.auditor_a, world.ght_manager):
        login(client, user)
        assert client.get("/accounts/audit/").status_code == 403
        assert client.get("/accounts/audit/export/").status_code == 403


def test_it_shows_only_events_under_the_admins_nodes(client, world):
    event(AuditEvent.Action.CHANGE, world.site_a, "someone", "Thing in A")
    event(AuditEvent.Action.CHANGE, world.hospital_b, "other", "Thing in B")
    event(AuditEvent.Action.LOGIN_FAILED, None, "ghost")
    login(client, world.alice)
    body = client.get("/accounts/audit/").content.decode()
    assert "Thing in A" in body and "Thing in B" not in body and "ghost" not in body


def test_it_filters_by_action_user_dates_and_organisation(client, world):
    now = timezone.now()
    event(AuditEvent.Action.CHANGE, world.site_a, "jeanne", "Edit one", at=now - timedelta(days=10))
    event(AuditEvent.Action.DELETE, world.site_a, "paul", "Removal two")
    event(AuditEvent.Action.CHANGE, world.hospital_a, "jeanne", "Edit three")
    login(client, world.national_admin)

    def shown(**params):
        page = client.get("/accounts/audit/", params)
        assert page.status_code == 200
        # only this test's events: building the world writes creation events too
        return {e.object_repr for e in page.context["page_obj"] if e.username in ("jeanne", "paul")}

    assert shown(action="delete") == {"Removal two"}
    assert shown(username="JEAN") == {"Edit one", "Edit three"}
    assert shown(date_from=(now - timedelta(days=2)).date().isoformat(), username="jeanne") == {"Edit three"}
    assert shown(date_to=(now - timedelta(days=5)).date().isoformat()) == {"Edit one"}
    assert shown(organisation=str(world.site_a.uuid)) == {"Edit one", "Removal two"}
    assert shown(organisation=str(world.hospital_a.uuid), action="change") == {"Edit one", "Edit three"}
    login(client, world.alice)
    # B's node is not a valid choice for alice: the filter is refused, not applied to another tenant
    page = client.get("/accounts/audit/", {"organisation": str(world.hospital_b.uuid)})
    assert "organisation" in page.context["filters"].errors


def test_it_pages_by_fifty(client, world):
    for i in range(51):
        event(AuditEvent.Action.CHANGE, world.site_a, "bulk", f"Row {i}")
    login(client, world.alice)
    first = client.get("/accounts/audit/", {"username": "bulk"})
    assert len(first.context["page_obj"]) == 50
    second = client.get("/accounts/audit/", {"username": "bulk", "page": 2})
    assert len(second.context["page_obj"]) == 1
    assert "username=bulk" in first.content.decode()  # the next-page link keeps the filter


def test_it_exports_the_filtered_list_as_csv_with_formulas_defused(client, world):
    event(AuditEvent.Action.CHANGE, world.site_a, "=cmd|' /C calc'!A0", "+SUM(A1)")
    event(AuditEvent.Action.CHANGE, world.site_a, "plain", "@evil")
    event(AuditEvent.Action.DELETE, world.site_a, "plain", "-1+1")
    event(AuditEvent.Action.CHANGE, world.hospital_b, "b-user", "Other tenant")
    expected = AuditEvent.objects.filter(action="change", organisation_path__startswith=world.hospital_a.path).count()
    login(client, world.alice)
    response = client.get("/accounts/audit/export/", {"action": "change"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode().lstrip("\ufeff"))))
    cells = {cell for row in rows[1:] for cell in row}
    assert "'=cmd|' /C calc'!A0" in cells and "'+SUM(A1)" in cells and "'@evil" in cells
    assert not any(cell.startswith(("=", "+", "-", "@")) for cell in cells)
    assert "'-1+1" not in cells  # filtered out by action
    assert "Other tenant" not in cells
    assert len(rows) == expected + 1 and expected >= 2  # header, then the events
    export = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT)
    assert export.user == world.alice and export.changes["rows"] == expected
    assert export.changes["filters"] == {"action": "change"}


def test_csv_cells_are_escaped_only_when_needed():
    assert csv_cell("=1+1") == "'=1+1"
    assert csv_cell("\t=1") == "'\t=1"
    assert csv_cell("alice") == "alice"
    assert csv_cell(None) == ""
    assert csv_cell(-3) == "'-3"


def test_events_about_an_account_are_filed_under_that_accounts_organisation(world):
    """Enrolling a second factor happens before any session: the event is still seen by the account's
    administrators, not only by superusers."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=world.bob, name="new phone", confirmed=False)
    event = AuditEvent.objects.get(action="create", object_type="otp_totp.TOTPDevice", object_repr=str(device))
    assert event.organisation_path == world.hospital_b.path
