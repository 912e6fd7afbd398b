"""E-mail reminders through a real SMTP server on loopback: once per item, recipient and day."""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command

from vigie.accounts.models import RoleAssignment
from vigie.actions.models import ReminderLog, Status
from vigie.actions.reminders import claim
from vigie.core.roles import Role

from .conftest import free_port, make_action

TODAY = datetime.date(2026, 6, 20)


def run(**options) -> str:
    out = io.StringIO()
    call_command("send_reminders", "--date", TODAY.isoformat(), stdout=out, **options)
    return out.getvalue()


def test_owners_get_one_email_for_due_and_overdue_actions_even_when_run_twice(world, smtp_sink):
    make_action(world, title="Bientôt due", owner=world.contributor_a, due=TODAY + datetime.timedelta(days=3))
    make_action(world, title="En retard", owner=world.contributor_a, due=TODAY - datetime.timedelta(days=2))
    make_action(world, title="Plus tard", owner=world.contributor_a, due=TODAY + datetime.timedelta(days=30))
    make_action(world, title="Finie", owner=world.contributor_a, due=TODAY, status=Status.DONE)
    run(days=7)
    run(days=7)
    received = smtp_sink.to(world.contributor_a.email)
    assert len(received) == 1
    text = received[0].get_content()
    assert "Bientôt due" in text and "En retard" in text
    assert "Plus tard" not in text and "Finie" not in text
    assert "Rappel" in received[0]["Subject"]
    assert received[0]["From"] == "vigie@ch-a.example.org"


def test_the_next_day_reminds_again(world, smtp_sink):
    make_action(world, title="En retard", owner=world.contributor_a, due=TODAY - datetime.timedelta(days=2))
    run()
    call_command("send_reminders", "--date", (TODAY + datetime.timedelta(days=1)).isoformat(), stdout=io.StringIO())
    assert len(smtp_sink.to(world.contributor_a.email)) == 2


def test_managers_get_the_deadlines_of_their_organisation(world, smtp_sink):
    RoleAssignment.objects.filter(user=world.auditor_a, organisation=world.hospital_a).update(role=Role.MANAGER)
    rssi = world.auditor_a
    run(days=15)
    run(days=15)
    received = smtp_sink.to(rssi.email)
    assert len(received) == 1
    text = received[0].get_content()
    assert "BIA" in text  # BIA of critical services, due 30 June 2026: within 15 days
    assert "exercice de crise" in text.lower()  # the 2025 yearly exercise was missed: late
    assert "CH B" not in text
    assert all("CH A" not in m.get_content() for m in smtp_sink.to(world.bob.email))  # B's own deadlines only
    assert smtp_sink.to(world.national_admin.email) == []  # roles above the organisation are not reminded
    # alice (ADMIN on hospital A) is a manager too
    assert len(smtp_sink.to(world.alice.email)) == 1


def test_a_claim_is_taken_once(world):
    assert claim("action", "x", world.alice, TODAY) is not None
    assert claim("action", "x", world.alice, TODAY) is None
    assert ReminderLog.objects.count() == 1


def test_a_failed_send_releases_the_claims_for_the_next_run(world, settings, smtp_sink):
    make_action(world, title="En retard", owner=world.contributor_a, due=TODAY - datetime.timedelta(days=2))
    settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = free_port(), 2  # nothing listens there
    with pytest.raises(CommandError, match="could not be sent"):
        run()
    assert not ReminderLog.objects.filter(recipient=world.contributor_a).exists()
    settings.EMAIL_PORT = smtp_sink_port(smtp_sink, settings)
    run()
    assert len(smtp_sink.to(world.contributor_a.email)) == 1


def smtp_sink_port(sink, settings):
    return sink.port


def test_the_command_refuses_a_bad_date(db):
    with pytest.raises(CommandError, match="not a date"):
        call_command("send_reminders", "--date", "yesterday", stdout=io.StringIO())
