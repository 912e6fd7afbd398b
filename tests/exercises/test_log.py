"""The crisis log: append-only (model, queryset, database, API), server time-stamps, corrections, the live
fragment, PDF export and raising an action from an entry."""

import datetime
import io
import json

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.utils import DatabaseError
from django.urls import reverse
from django.utils import timezone

from tests.conftest import login
from vigie.accounts.models import ApiToken, AuditEvent
from vigie.actions.models import Action, Source
from vigie.exercises.log import LogClosed, append_entry, close_log, entries, open_log
from vigie.exercises.models import LogEntry


@pytest.fixture
def log(world):
    return open_log(organisation=world.hospital_a, title="Cyberattaque du 12 mars", user=world.alice)


class Api:
    def __init__(self, client, user):
        self.client = client
        _token, raw = ApiToken.issue(user, "tests")
        self.headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}

    def get(self, name, *args, **query):
        return self.client.get(reverse(f"api:{name}", args=args), query, **self.headers)

    def send(self, method, path, body=None):
        return self.client.generic(method, path, json.dumps(body or {}), content_type="application/json",
                                   **self.headers)


def test_it_numbers_entries_in_order_and_stamps_them_on_the_server(world, log):
    before = timezone.now()
    first = append_entry(log, author=world.alice, category="information", text="Écrans chiffrés aux urgences")
    second = append_entry(log, author=world.contributor_a, category="decision", text="Passage en mode dégradé")
    assert (first.seq, second.seq) == (1, 2)
    assert before <= first.recorded_at <= second.recorded_at <= timezone.now()
    assert second.author_name == "contrib_a"
    log.refresh_from_db()
    assert log.last_seq == 2


def test_it_refuses_to_update_or_delete_an_entry_through_the_model(world, log):
    entry = append_entry(log, author=world.alice, category="action", text="Isoler le VLAN serveurs")
    entry.text = "Réécrit"
    with pytest.raises(PermissionError, match="append-only"):
        entry.save()
    with pytest.raises(PermissionError, match="append-only"):
        entry.delete()
    with pytest.raises(PermissionError, match="append-only"):
        LogEntry.objects.filter(pk=entry.pk).update(text="Réécrit")
    with pytest.raises(PermissionError, match="append-only"):
        LogEntry.objects.filter(pk=entry.pk).delete()
    assert LogEntry.objects.get(pk=entry.pk).text == "Isoler le VLAN serveurs"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL only")
def test_it_refuses_update_and_delete_at_the_database_level_on_postgresql(world, log):
    entry = append_entry(log, author=world.alice, category="action", text="Couper les flux sortants")
    for sql in ("UPDATE exercises_logentry SET text = 'x' WHERE id = %s", "DELETE FROM exercises_logentry WHERE id = %s"):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [entry.pk])
    assert LogEntry.objects.get(pk=entry.pk).text == "Couper les flux sortants"


def test_it_offers_no_api_method_to_change_or_delete_an_entry(client, world, log):
    """The entries path answers GET and POST only, and no operation of the API changes or deletes an entry."""
    append_entry(log, author=world.alice, category="information", text="Alerte SOC")
    api = Api(client, world.alice)
    path = reverse("api:crisis_log_entries", args=[log.uuid])
    for method in ("PUT", "PATCH", "DELETE"):
        assert api.send(method, path, {"text": "Réécrit"}).status_code == 405
        assert api.send(method, path + "1", {"text": "Réécrit"}).status_code == 404
    schema = client.get("/api/openapi.json").json()
    for route, methods in schema["paths"].items():
        if "/exercises/logs" in route:
            assert set(methods) <= {"get", "post"}, route
    assert LogEntry.objects.get(log=log).text == "Alerte SOC"


def test_it_ignores_client_time_stamps_numbers_and_authors_in_the_api(client, world, log):
    api = Api(client, world.contributor_a)
    forged = "2001-01-01T00:00:00Z"
    response = api.send("POST", reverse("api:crisis_log_append", args=[log.uuid]), {
        "category": "decision", "text": "Déclencher la cellule de crise", "recorded_at": forged, "seq": 99,
        "author": "alice", "author_name": "alice"})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["seq"] == 1 and body["author"] == "contrib_a"
    assert abs(datetime.datetime.fromisoformat(body["recorded_at"]) - timezone.now()) < datetime.timedelta(minutes=1)
    entry = LogEntry.objects.get(log=log)
    assert entry.recorded_at.year == timezone.now().year and entry.author == world.contributor_a


def test_it_ignores_a_client_time_stamp_posted_to_the_page(client, world, log):
    login(client, world.contributor_a)
    response = client.post(reverse("exercises:log_append", args=[log.uuid]), {
        "category": "information", "text": "Appel de l'ARS", "recorded_at": "2001-01-01 00:00", "seq": "7"})
    assert response.status_code == 302
    entry = LogEntry.objects.get(log=log)
    assert entry.seq == 1 and timezone.now() - entry.recorded_at < datetime.timedelta(minutes=1)


def test_it_chains_corrections_as_new_entries(client, world, log):
    wrong = append_entry(log, author=world.alice, category="information", text="Serveur DPI compromis à 9h")
    fix = append_entry(log, author=world.alice, category="information", text="Plutôt à 8h40", corrects=wrong)
    fix_of_fix = append_entry(log, author=world.alice, category="information", text="8h42 exactement",
                              corrects=fix)
    assert list(LogEntry.objects.filter(log=log).values_list("seq", "corrects__seq")) == [
        (1, None), (2, 1), (3, 2)]
    assert wrong.corrections.get() == fix and fix.corrections.get() == fix_of_fix
    assert LogEntry.objects.get(pk=wrong.pk).text == "Serveur DPI compromis à 9h"  # kept as it was
    page = login(client, world.alice).get(log.get_absolute_url()).content.decode()
    assert "<del>Serveur DPI compromis à 9h</del>" in page and 'href="#entry-2"' in page


def test_it_refuses_a_correction_of_another_logs_entry(world, log):
    other = open_log(organisation=world.hospital_a, title="Autre")
    foreign = append_entry(other, author=world.alice, category="information", text="Ailleurs")
    with pytest.raises(ValidationError) as refused:
        append_entry(log, author=world.alice, category="information", text="x", corrects=foreign)
    assert list(refused.value.message_dict) == ["corrects"]
    assert not LogEntry.objects.filter(log=log).exists()


def test_it_refuses_entries_on_a_closed_log(world, log):
    close_log(log)
    with pytest.raises(LogClosed):
        append_entry(log, author=world.alice, category="information", text="Trop tard")


def test_it_corrects_through_the_api_by_number(client, world, log):
    append_entry(log, author=world.alice, category="information", text="Trois postes touchés")
    api = Api(client, world.alice)
    url = reverse("api:crisis_log_append", args=[log.uuid])
    response = api.send("POST", url, {"category": "information", "text": "Trente postes touchés", "corrects": 1})
    assert response.status_code == 201 and response.json()["corrects"] == 1
    assert api.send("POST", url, {"category": "information", "text": "x", "corrects": 42}).status_code == 422
    assert api.send("POST", url, {"category": "rumour", "text": "x"}).status_code == 422
    assert api.send("POST", url, {"category": "information", "text": "x" * 10_001}).status_code == 422
    assert api.send("POST", url, {"category": "information", "text": "   "}).status_code == 422
    listed = api.get("crisis_log_entries", log.uuid).json()
    assert [(e["seq"], e["corrected_by"]) for e in listed["entries"]] == [(1, [2]), (2, [])]
    assert [e["seq"] for e in api.get("crisis_log_entries", log.uuid, since=1).json()["entries"]] == [2]


def test_it_returns_only_new_entries_in_the_live_fragment(client, world, log):
    for text in ("Un", "Deux", "Trois"):
        append_entry(log, author=world.alice, category="information", text=f"Entrée {text}")
    login(client, world.auditor_a)
    url = reverse("exercises:log_entries", args=[log.uuid])
    body = client.get(url, {"after": 2}, HTTP_HX_REQUEST="true").content.decode()
    assert "Entrée Trois" in body and "Entrée Deux" not in body and "Entrée Un" not in body
    assert "after=3" in body  # the next poll asks for what follows entry 3
    quiet = client.get(url, {"after": 3}, HTTP_HX_REQUEST="true").content.decode()
    assert "Entrée" not in quiet and "after=3" in quiet
    page = client.get(log.get_absolute_url()).content.decode()
    assert 'hx-trigger="every 2s' in page and f"{url}?after=3" in page


def test_it_strikes_a_corrected_entry_already_shown_through_the_live_fragment(client, world, log):
    wrong = append_entry(log, author=world.alice, category="information", text="Faux")
    append_entry(log, author=world.alice, category="information", text="Vrai", corrects=wrong)
    body = login(client, world.alice).get(reverse("exercises:log_entries", args=[log.uuid]), {"after": 1}).content.decode()
    assert 'id="entry-1" hx-swap-oob="outerHTML"' in body and "<del>Faux</del>" in body


def test_it_appends_through_htmx_and_asks_the_live_view_to_refresh(client, world, log):
    login(client, world.contributor_a)
    response = client.post(reverse("exercises:log_append", args=[log.uuid]),
                           {"category": "communication", "text": "Communiqué de presse"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and response["HX-Trigger"] == "vigie-log-changed"
    assert entries(log).get().text == "Communiqué de presse"


def test_it_refuses_a_reader_to_append(client, world, log):
    login(client, world.auditor_a)
    response = client.post(reverse("exercises:log_append", args=[log.uuid]), {"category": "action", "text": "x"})
    assert response.status_code == 403  # the reader sees the log, so it is no secret
    assert not LogEntry.objects.filter(log=log).exists()


def test_it_exports_a_readable_pdf_and_records_the_export(client, world, log):
    from pypdf import PdfReader

    wrong = append_entry(log, author=world.alice, category="decision", text="Fermer la messagerie")
    append_entry(log, author=world.alice, category="decision", text="Fermer aussi le VPN", corrects=wrong)
    response = login(client, world.auditor_a).get(reverse("exercises:log_pdf", args=[log.uuid]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Cyberattaque du 12 mars" in text and "Fermer la messagerie" in text and "Fermer aussi le VPN" in text
    assert AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT, object_uuid=str(log.uuid),
                                     user=world.auditor_a).exists()


def test_it_raises_an_action_from_an_entry_once(client, world):
    from vigie.exercises.incidents import create_incident

    incident = create_incident(organisation=world.hospital_a, title="Rançongiciel", detected_at=timezone.now(),
                               user=world.alice)
    entry = append_entry(incident.log, author=world.alice, category="decision",
                         text="Remplacer le pare-feu en fin de vie\nIl n'a pas bloqué la latéralisation")
    login(client, world.contributor_a)
    url = reverse("exercises:entry_raise_action", args=[entry.uuid])
    first = client.post(url)
    second = client.post(url)
    action = Action.objects.get(source=Source.MANUAL, source_key=f"exercises:log-entry:{entry.uuid}")
    assert first.status_code == 302 and first["Location"] == second["Location"] == action.get_absolute_url()
    assert action.title == "Remplacer le pare-feu en fin de vie" and action.organisation == world.hospital_a
    assert Action.objects.filter(source_key__startswith="exercises:log-entry:").count() == 1
