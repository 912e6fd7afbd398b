"""The yearly PDF report and the national monitoring export: launched from their pages as jobs, built for
the user who started them, read back (pdftotext, csv, openpyxl)."""

import csv
import datetime
import io
import re
import shutil
import subprocess
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from tests.conftest import login
from tests.steering.trend_fixtures import HELD, LATE, indicators, summary, trend  # noqa: F401  (indicators: a fixture)
from vigie.accounts.models import AuditEvent
from vigie.core import jobs
from vigie.core.indicators import Reading, State
from vigie.core.models import Job
from vigie.steering.jobs import MONITORING, REPORT


def run(job: Job) -> Job:
    jobs.run(str(job.uuid))
    job.refresh_from_db()
    return job


def pdf_text(content: bytes) -> str:
    if shutil.which("pdftotext"):
        done = subprocess.run(["pdftotext", "-layout", "-", "-"], input=content, capture_output=True, check=True)
        return done.stdout.decode()
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


# --- the yearly report ----------------------------------------------------------------------------------


def test_report_page_launches_a_job_for_the_year(client, world, indicators, django_assert_max_num_queries):
    login(client, world.ght_manager)
    url = reverse("steering:report", args=[world.ght_a.uuid])
    with django_assert_max_num_queries(11):
        page = client.get(url)
    assert page.status_code == 200 and f'value="{timezone.localdate().year}"' in page.content.decode()
    response = client.post(url, {"year": "2025"})
    job = Job.objects.get()
    assert response["Location"] == job.get_absolute_url()
    assert (job.kind, job.organisation, job.created_by, job.params["year"]) == (REPORT, world.ght_a,
                                                                                world.ght_manager, 2025)
    run(job)
    download = reverse("core:job_download", args=[job.uuid])
    assert download in client.get(job.get_absolute_url()).content.decode()
    response = client.get(download)
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert "pilotage-ght-a-2025.pdf" in response["Content-Disposition"]


@pytest.mark.parametrize("year", ["2019", str(datetime.date.today().year + 1), "deux mille"])
def test_report_refuses_a_year_out_of_range(client, world, indicators, year):
    login(client, world.ght_manager)
    response = client.post(reverse("steering:report", args=[world.ght_a.uuid]), {"year": year})
    assert response.status_code == 200 and 'class="errorlist"' in response.content.decode()
    assert not Job.objects.exists()


def test_report_of_another_region_is_not_found(client, world, indicators):
    login(client, world.ars_a)
    assert client.post(reverse("steering:report", args=[world.region_b.uuid]), {"year": "2025"}).status_code == 404
    assert not Job.objects.exists()


def test_the_report_pdf_has_its_charts_totals_and_establishments(world, indicators):
    this_year = timezone.localdate().year
    indicators[("exposure.level", "CH A")] = Reading(State.HELD, Decimal(3))
    indicators[("directory.level", "CH A")] = Reading(State.LATE, Decimal(1))
    indicators[("exercises.yearly", "Clinique C")] = Reading(State.HELD)
    for month in (datetime.date(this_year, 1, 1), datetime.date(this_year, 2, 1)):
        trend(world.region_a, "exposure.level", month, holding=1, total=2)
    job = run(Job.objects.create(kind=REPORT, organisation=world.region_a, created_by=world.ars_a,
                                 params={"year": this_year, "language": "fr"}))
    assert job.status == Job.Status.DONE, job.message
    assert job.result_name == f"pilotage-region-a-{this_year}.pdf"
    content = jobs.result_path(job).read_bytes()
    assert content.startswith(b"%PDF")
    text = pdf_text(content)
    assert f"Rapport de pilotage {this_year}" in text and "Région A" in text
    assert "Niveau d'exposition" in text and "Niveau AD" in text
    assert "CH A" in text and "Clinique C" in text and "CH B" not in text
    assert re.search(r"Niveau d'exposition\s+D1.O2.B\s+1\s*/\s*2\s+50 %", text)  # held by 1 of the 2
    assert "Mois par mois" in text  # the charts' section, with their month tables
    event = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT)
    assert event.user == world.ars_a and event.changes["year"] == this_year


def test_the_report_pdf_draws_the_charts(world, indicators):
    """The SVG reaches the PDF as vector drawing: the chart stylesheet inside the SVG gives its strokes."""
    from vigie.steering import report

    this_year = timezone.localdate().year
    trend(world.ght_a, "exposure.level", datetime.date(this_year, 1, 1), holding=1, total=1)
    context = report.context(world.ght_a, world.ght_manager, this_year)
    svg = context["trends"][0].svg
    assert svg.count("<style>") == 1 and ".chart-line" in svg and "<polyline" not in svg  # one month: a point
    assert "<circle" in svg


def test_past_year_report_reads_the_indicators_as_of_its_last_day(world, indicators):
    from vigie.steering import report

    seen = []
    compute = indicators  # the readings table of the test indicators
    compute[("exposure.level", "CH A")] = Reading(State.HELD)
    from vigie.core.registry import registry

    original = registry.indicators["exposure.level"]

    def spy(establishments, as_of):
        seen.append(as_of)
        return original.compute(establishments, as_of)

    from dataclasses import replace

    registry.indicators["exposure.level"] = replace(original, compute=spy)
    context = report.context(world.ght_a, world.ght_manager, 2024)
    assert seen == [datetime.date(2024, 12, 31)]
    assert [t.holding for t in context["totals"] if t.indicator.key == "exposure.level"] == [1]


def test_national_report_has_the_regions_grid(world, indicators):
    from vigie.steering import report

    indicators[("exposure.level", "CH B")] = Reading(State.HELD)
    indicators[("directory.level", "CH B")] = Reading(State.DUE)
    context = report.context(world.national, world.national_admin, timezone.localdate().year)
    shares = {row.region.name: (row.holding, row.total) for row in context["regions"]}
    assert shares == {"Région A": (0, 2), "Région B": (1, 1)}
    assert "<a " not in context["regions_svg"]  # no links in a PDF


def test_an_establishment_report_draws_its_levels(world, indicators):
    from vigie.exposure.models import Audit
    from vigie.steering import report

    year = timezone.localdate().year
    Audit.objects.create(organisation=world.hospital_a, title="A", performed_on=datetime.date(year, 1, 10), level=3)
    context = report.context(world.hospital_a, world.alice, year)
    assert context["trends"] == [] and context["levels"][0].rows[0][2] == 3


def test_the_report_job_refuses_a_user_who_lost_the_right(world, indicators):
    job = Job.objects.create(kind=REPORT, organisation=world.ght_b, created_by=world.ars_a, params={"year": 2025})
    with pytest.raises(Exception, match="ne peut plus exporter"):
        run(job)
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED and not job.result_name


# --- the national monitoring export -------------------------------------------------------------------


@pytest.fixture
def monitored(world, indicators):
    summary(world.hospital_a, "exercises.yearly", HELD, on=datetime.date(2026, 3, 2))
    summary(world.hospital_a, "compliance.self_assessment", HELD, value=Decimal("71.50"), on=datetime.date(2026, 1, 1))
    summary(world.hospital_a, "directory.level", LATE, value=Decimal(2), on=datetime.date(2025, 6, 30))
    summary(world.hospital_a, "compliance.budget", HELD, value=Decimal("2.40"))
    summary(world.hospital_b, "exercises.yearly", HELD)
    return world


def _export(client, user, node, fmt):
    login(client, user)
    response = client.post(reverse("steering:monitoring_export", args=[node.uuid]), {"format": fmt})
    job = Job.objects.latest("created_at")
    assert response["Location"] == job.get_absolute_url() and job.params == {"format": fmt}
    return run(job)


def test_monitoring_export_csv_reads_back(client, monitored):
    world = monitored
    job = _export(client, world.ars_a, world.region_a, "csv")
    assert job.status == Job.Status.DONE and job.result_name.endswith(".csv")
    rows = list(csv.reader(io.StringIO(jobs.result_path(job).read_bytes().decode("utf-8-sig"))))
    header = rows[0]
    assert header[:4] == ["FINESS EJ", "Raison sociale", "Région", "GHT"]
    table = {row[1]: dict(zip(header, row, strict=True)) for row in rows[1:]}
    assert set(table) == {"CH A", "Clinique C"}  # region A only, and the clinic with nothing recorded too
    ch_a = table["CH A"]
    assert ch_a["FINESS EJ"] == world.hospital_a.finess and ch_a["GHT"] == "GHT A" and ch_a["Région"] == "Région A"
    assert ch_a["Exercice de crise cyber annuel réalisé"] == "oui"
    assert ch_a["Date du dernier exercice de crise"] == "2026-03-02"
    assert ch_a["Score d'autoévaluation de maturité"] == "71.50"
    assert ch_a["Niveau Active Directory (dernier audit)"] == "2.00"
    assert ch_a["Audit Active Directory à jour"] == "non"
    assert ch_a["Part du budget SI consacrée à la cybersécurité (%)"] == "2.40"
    clinic = table["Clinique C"]
    assert clinic["GHT"] == "" and clinic["Exercice de crise cyber annuel réalisé"] == "non"
    assert clinic["Score d'autoévaluation de maturité"] == ""


def test_monitoring_export_xlsx_reads_back_in_french_for_an_english_user(client, monitored):
    world = monitored
    client.cookies["django_language"] = "en"
    job = _export(client, world.national_admin, world.national, "xlsx")
    sheet = load_workbook(io.BytesIO(jobs.result_path(job).read_bytes())).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "FINESS EJ" and len(rows) == 4  # CH A, CH B, the clinic
    by_name = {row[1]: row for row in rows[1:]}
    header = list(rows[0])
    assert by_name["CH B"][header.index("Exercice de crise cyber annuel réalisé")] == "oui"
    assert by_name["CH A"][header.index("Part du budget SI consacrée à la cybersécurité (%)")] == pytest.approx(2.4)
    assert by_name["CH A"][header.index("Date du dernier exercice de crise")].date() == datetime.date(2026, 3, 2)


def test_monitoring_page_lists_the_columns_as_not_confirmed(client, world, indicators,
                                                           django_assert_max_num_queries):
    login(client, world.alice)
    with django_assert_max_num_queries(11):
        html = client.get(reverse("steering:monitoring_export", args=[world.hospital_a.uuid])).content.decode()
    assert "Score d&#x27;autoévaluation de maturité" in html
    assert html.count("non confirmé") >= 12
    assert "Autoévaluation : valeur" in html and "Numéro FINESS de l&#x27;établissement" in html


def test_monitoring_export_names_an_indicator_no_module_registers(world, indicators):
    from vigie.core.registry import registry

    del registry.indicators["compliance.budget"]
    job = Job.objects.create(kind=MONITORING, organisation=world.ght_a, created_by=world.ght_manager,
                             params={"format": "csv"})
    with pytest.raises(Exception, match="monitoring.yaml: column 12 .*: indicator: no module registers"):
        run(job)
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED and "compliance.budget" in job.message
