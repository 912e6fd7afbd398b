"""Recovery scenarios end to end: the page launches the planner job, which stores each activity's predicted
recovery against its DMIA and the runbook; the PCRA of an activity downloads as DOCX and PDF with it."""

import datetime
import io

from django.urls import reverse

from tests.conftest import login
from tests.continuity.builders import good_plan, stack
from vigie.continuity.models import Component, RestoreTest, Scenario, Team
from vigie.core.jobs import run
from vigie.core.models import Job


def run_jobs():
    for job in Job.objects.filter(status=Job.Status.QUEUED).order_by("id"):
        run(str(job.uuid))


def test_planner_job_end_to_end(client, world):
    act, app, database, server = stack(world.hospital_a)
    team = Team.objects.create(organisation=world.hospital_a, name="Système", capacity=1)
    directory = Component.objects.create(organisation=world.hospital_a, name="AD-X", kind="directory",
                                         platform="windows", team=team, rebuild_hours=2, restore_hours=1)
    Component.objects.filter(pk__in=[server.pk, database.pk]).update(team=team)
    server.depends_on.add(directory)
    plan = good_plan(server)
    # 100 GB restored in 2 h: 50 GB/h, so the server's restore is predicted at 2 h (plus 4 h of rebuild)
    RestoreTest.objects.create(organisation=plan.organisation, plan=plan, tested_on=datetime.date(2025, 6, 1),
                               scope="image", duration_minutes=120, volume_gb=100, referent="cadre", validated=True)
    scenario = Scenario.objects.create(organisation=world.hospital_a, name="Rançongiciel", builtin="ransomware",
                                       time_limit_s=5)
    login(client, world.alice)
    response = client.post(reverse("continuity:scenario_run", args=[scenario.uuid]))
    assert response.status_code == 302
    run_jobs()
    scenario.refresh_from_db()
    result = scenario.result
    assert "error" not in result, result
    steps = {s["name"]: s for s in result["steps"]}
    assert set(steps) >= {"AD-X", "SRV-X", "BDD-X", "DPI-X"}
    assert steps["AD-X"]["end"] <= steps["SRV-X"]["start"]  # the server needs the directory
    assert steps["SRV-X"]["end"] - steps["SRV-X"]["start"] == 6 * 60
    assert steps["SRV-X"]["end"] <= steps["BDD-X"]["start"]
    (row,) = result["activities"]
    assert row["name"] == act.name and row["affected"] is True
    assert row["recovery"] == steps["DPI-X"]["end"] and row["dmia"] == 4 * 60 and row["within"] is False
    page = client.get(scenario.get_absolute_url()).content.decode()
    assert "SRV-X" in page and act.name in page

    docx = client.get(reverse("continuity:activity_pcra", args=[act.uuid]) + "?format=docx")
    assert docx.status_code == 200
    from docx import Document

    text = "\n".join(p.text for p in Document(io.BytesIO(docx.content)).paragraphs)
    tables = " ".join(c.text for t in Document(io.BytesIO(docx.content)).tables for r in t.rows for c in r.cells)
    assert act.name in text + tables and "SRV-X" in text + tables
    pdf = client.get(reverse("continuity:activity_pcra", args=[act.uuid]) + "?format=pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_reader_cannot_run_a_scenario(client, world):
    scenario = Scenario.objects.create(organisation=world.hospital_a, name="Stockage", builtin="storage_loss")
    login(client, world.auditor_a)
    assert client.post(reverse("continuity:scenario_run", args=[scenario.uuid])).status_code == 403
    assert Job.objects.count() == 0
