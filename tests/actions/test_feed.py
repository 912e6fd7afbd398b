"""The personal ICS feed: secret address shown once, stored hashed, revocable; valid iCalendar."""

import datetime
import re

from django.urls import reverse
from icalendar import Calendar

from tests.conftest import login
from vigie.actions.models import CalendarFeed, Status
from vigie.actions.services import record_completion

from .conftest import make_action

FEED_URL = re.compile(r"http://testserver(/actions/calendar/feed/(cal_[\w-]+)\.ics)")


def create_feed(client, user):
    response = login(client, user).post(reverse("actions:feed_settings"), {"op": "create"})
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("no-store")
    path, token = FEED_URL.search(response.text).groups()
    return path, token


def events(content: bytes):
    calendar = Calendar.from_ical(content)
    return {str(e["SUMMARY"]): e for e in calendar.walk("VEVENT")}


def test_the_address_is_shown_once_and_only_its_hash_is_kept(client, world):
    path, token = create_feed(client, world.alice)
    feed = CalendarFeed.objects.get(user=world.alice)
    assert feed.digest == CalendarFeed.hash(token) and token not in feed.digest
    page = client.get(reverse("actions:feed_settings"))
    assert token not in page.text and feed.hint in page.text


def test_the_feed_is_valid_icalendar_with_actions_and_deadlines(client, world):
    due = datetime.date.today() + datetime.timedelta(days=10)
    make_action(world, title="Durcir le VPN", due=due)
    make_action(world, title="Déjà faite", due=due, status=Status.DONE)
    make_action(world, title="Action secrète de B", due=due, organisation=world.hospital_b)
    record_completion(world.hospital_a, "crisis-exercise", datetime.date.today(), "RETEX")
    path, _token = create_feed(client, world.alice)
    client.logout()
    response = client.get(path)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    found = events(response.content)
    action = next(e for s, e in found.items() if "Durcir le VPN" in s)
    assert action["DTSTART"].dt == due
    assert "CH A" in str(action["SUMMARY"])
    assert not any("Déjà faite" in s or "secrète" in s for s in found)
    assert any("BIA" in s and "CH A" in s for s in found)
    assert all("CH B" not in s for s in found)
    assert CalendarFeed.objects.get(user=world.alice).last_used_at is not None


def test_a_wrong_or_revoked_token_answers_404(client, world):
    path, token = create_feed(client, world.alice)
    assert client.get(path.replace(token, token[:-2] + "xx")).status_code == 404
    assert client.get(reverse("actions:feed", kwargs={"token": "nothing"})).status_code == 404
    client.post(reverse("actions:feed_settings"), {"op": "revoke"})
    assert client.get(path).status_code == 404


def test_a_new_address_replaces_the_old_one(client, world):
    old_path, _ = create_feed(client, world.alice)
    new_path, _ = create_feed(client, world.alice)
    assert client.get(old_path).status_code == 404
    assert client.get(new_path).status_code == 200


def test_a_deactivated_user_feed_answers_404(client, world):
    path, _ = create_feed(client, world.alice)
    world.alice.is_active = False
    world.alice.save()
    client.logout()
    assert client.get(path).status_code == 404
