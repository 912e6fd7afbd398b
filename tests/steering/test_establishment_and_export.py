"""The drill-down to one establishment, the steering entry page, and the matrix export job (parsed back)."""

import csv
import io

import openpyxl
import pytest
from django.urls import reverse

from tests.conftest import login
from tests.steering.matrix_data import ON, establishment, indicators, reading  # noqa: F401  (fixture)
from vigie.accounts.models import AuditEvent
from vigie.core import jobs
from vigie.core.models import Job


def drill(org):
    return reverse("steering:establishment", args=[org.uuid])


def test_drill_down_lists_every_reading_with_its_meaning_link_and_sites(client, world, indicators):
    reading(world.hospital_a, "test.exposure", "late", value=2, on=ON, url="/exposure/fix-me/")
    response = login(client, world.ars_a).get(drill(world.hospital_a))
    assert response.status_code == 200
    states = [(r["indicator"].key, r["state"]) for r in response.context["readings"]]
    assert states == [("test.exposure", "late"), ("test.coverage", "never"), ("test.exercise", "never")]
    body = response.content.decode()
    assert 'href="/exposure/fix-me/"' in body and "01/03/2026" in body
    assert world.site_a.get_absolute_url() in body
    # the way up: the region reader sees GHT A's and region A's matrices
    assert reverse("steering:matrix", args=[world.ght_a.uuid]) in body
    assert reverse("steering:matrix", args=[world.region_a.uuid]) in body


def test_drill_down_links_up_only_where_the_user_may_see(client, world, indicators):
    body = login(client, world.alice).get(drill(world.hospital_a)).content.decode()
    assert reverse("steering:matrix", args=[world.ght_a.uuid]) not in body and "GHT A" not in body


def test_drill_down_of_an_establishment_with_nothing_recorded(client, world, indicators):
    response = login(client, world.ars_a).get(drill(world.clinic))
    assert response.status_code == 200 and response.context["nothing_recorded"]


def test_drill_down_answers_404_outside_scope_and_for_other_kinds(client, world, indicators):
    reader = login(client, world.ars_a)
    assert reader.get(drill(world.hospital_b)).status_code == 404
    assert reader.get(drill(world.site_a)).status_code == 404
    assert reader.get(drill(world.ght_a)).status_code == 404


def test_entry_page_lists_the_users_top_levels(client, world, indicators):
    body = login(client, world.ars_a).get(reverse("steering:levels")).content.decode()
    assert reverse("steering:matrix", args=[world.region_a.uuid]) in body
    assert reverse("steering:matrix", args=[world.ght_a.uuid]) not in body  # under region A: reached from it
    body = login(client, world.alice).get(reverse("steering:levels")).content.decode()
    assert drill(world.hospital_a) in body


def test_the_menu_and_the_organisation_page_lead_to_the_matrix(client, world, indicators):
    reader = login(client, world.ars_a)
    home = reader.get(reverse("organisations:detail", args=[world.region_a.uuid])).content.decode()
    assert reverse("steering:levels") in home  # the menu entry
    assert reverse("steering:matrix", args=[world.region_a.uuid]) in home
    hospital = reader.get(reverse("organisations:detail", args=[world.hospital_a.uuid])).content.decode()
    assert drill(world.hospital_a) in hospital


def _export(client, user, node, fmt, query=""):
    client = login(client, user)
    url = reverse("steering:matrix_export", args=[node.uuid]) + query
    assert client.get(url).status_code == 200
    response = client.post(url, {"format": fmt})
    job = Job.objects.filter(kind="steering.matrix_export").latest("created_at")
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    jobs.run(str(job.uuid))
    job.refresh_from_db()
    assert job.status == Job.Status.DONE, job.message
    return jobs.result_path(job).read_bytes()


@pytest.fixture
def exported(world, indicators):
    hostile = establishment(world.ght_a, "=HYPERLINK(\"http://x\")", 9)
    reading(hostile, "test.exposure", "late", value=3, on=ON)
    reading(world.hospital_a, "test.coverage", "held", value="80.5")
    return world


def test_csv_export_is_the_filtered_matrix_with_french_headers_and_formulas_escaped(client, exported):
    world = exported
    content = _export(client, world.ars_a, world.region_a, "csv", "?sort=name")
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    header = rows[0]
    assert header[:5] == ["Établissement", "FINESS", "Rattachement", "Relevés en retard", "Rien d'enregistré"]
    assert "Exposure level — état" in header and "BIA coverage — valeur" in header
    names = [row[0] for row in rows[1:]]
    assert names == ["'=HYPERLINK(\"http://x\")", "CH A", "Clinique C"]  # region B's CH B is not there
    hospital = rows[2]
    assert hospital[header.index("BIA coverage — valeur")] == "80.50"
    assert hospital[header.index("BIA coverage — état")] == "Tenu"
    assert rows[3][4] == "oui"  # the clinic recorded nothing
    assert AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT, object_repr="Région A").exists()


def test_xlsx_export_keeps_the_pages_filter(client, exported):
    world = exported
    content = _export(client, world.ars_a, world.region_a, "xlsx", "?state=test.exposure:late")
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert [r[0] for r in rows[1:]] == ["'=HYPERLINK(\"http://x\")"]
    assert rows[1][rows[0].index("Exposure level — valeur")] == 3
    assert rows[1][rows[0].index("Exposure level — enregistré le")].date() == ON


def test_export_refuses_a_level_outside_scope(client, world, indicators):
    reader = login(client, world.ars_a)
    url = reverse("steering:matrix_export", args=[world.region_b.uuid])
    assert reader.get(url).status_code == 404
    assert reader.post(url, {"format": "csv"}).status_code == 404
    assert not Job.objects.filter(kind="steering.matrix_export").exists()


def test_drill_down_takes_a_fixed_number_of_queries(client, world, indicators):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    reader = login(client, world.ars_a)

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert reader.get(drill(world.hospital_a)).status_code == 200
        return len(captured)

    few = count()
    for key in ("test.exposure", "test.coverage", "test.exercise"):
        reading(world.hospital_a, key, "held", value=1, on=ON)
    for number in range(5):
        make_site(world.hospital_a, number)
    assert count() == few


def make_site(parent, number):
    from tests.conftest import make_org
    from vigie.organisations.finess import with_key

    return make_org(kind="site", name=f"Site {number}", parent=parent, finess=with_key(f"{34000000 + number:08d}"))
