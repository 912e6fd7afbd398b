"""Exports of the filtered list: CSV with formulas escaped, XLSX readable, audited, behind a fresh 2FA."""

import csv
import io

from django.urls import reverse
from openpyxl import load_workbook

from tests.conftest import login
from vigie.accounts.models import AuditEvent
from vigie.core.recent import RECENT_KEY

from .conftest import make_action


def body(response) -> str:
    return b"".join(response.streaming_content).decode("utf-8-sig")


def test_it_exports_the_filtered_list_as_csv_with_formulas_escaped(client, world):
    make_action(world, title="=HYPERLINK(\"http://evil\")", description="+1", priority="high")
    make_action(world, title="@SUM(A1)", priority="low")
    make_action(world, title="Chez B", organisation=world.hospital_b)
    response = login(client, world.alice).get(reverse("actions:export"), {"priority": "high"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(body(response))))
    assert len(rows) == 2
    assert rows[1][3] == "'=HYPERLINK(\"http://evil\")"
    assert rows[1][4] == "'+1"
    event = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT)
    assert event.changes == {"filters": {"priority": "high"}, "rows": 1}


def test_it_exports_xlsx_that_openpyxl_reads_back(client, world):
    make_action(world, title="-10 postes non chiffrés")
    make_action(world, title="Sauvegardes hors ligne")
    response = login(client, world.alice).get(reverse("actions:export"), {"format": "xlsx"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).active
    rows = [row for row in sheet.iter_rows(values_only=True)]
    assert len(rows) == 3
    assert {rows[1][3], rows[2][3]} == {"'-10 postes non chiffrés", "Sauvegardes hors ligne"}
    assert response["Content-Disposition"].endswith('.xlsx"')


def test_it_asks_for_a_fresh_second_factor_first(client, world):
    make_action(world)
    login(client, world.alice)
    session = client.session
    session[RECENT_KEY] = 0
    session.save()
    response = client.get(reverse("actions:export"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:confirm"))
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).exists()
