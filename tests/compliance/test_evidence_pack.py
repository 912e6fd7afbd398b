"""The evidence pack: a job that builds a ZIP (index PDF, files named by requirement code, provider records),
asks for a fresh second factor, is refused to those who may not export, and is recorded in the audit log."""

import io
import json
import shutil
import subprocess
import time
import zipfile
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation
from pypdf import PdfReader

from tests.conftest import login, make_user
from tests.factories import PDF_BYTES
from vigie.accounts.models import AuditEvent
from vigie.core.recent import RECENT_KEY
from vigie.compliance import declarations as service
from vigie.compliance.evidence_pack import build, file_name, folder, launch
from vigie.compliance.providers import EvidenceRecord, providers
from vigie.compliance.services import add_evidence, create_assessment, save_answer
from vigie.core import jobs
from vigie.core.models import Job
from vigie.core.roles import Role

RESTORE = b"%PDF-1.4\n% restore test\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def provider():
    def restore_tests(organisation, requirement, as_of):
        if organisation.kind != "legal_entity":
            return []
        return [EvidenceRecord(title="Restore test <DPI> 2025", date=as_of - timedelta(days=10), value=3,
                               url="/continuity/tests/1/", detail="Restauration complète")]

    providers.register("tests.restore", ["care-d2:D2.O4"], restore_tests, label="Continuity")
    yield
    providers.unregister("tests.restore")


@pytest.fixture
def dossier(world, provider):
    declaration = service.prepare(organisation=world.ght_a, call=service.calls().get(key="care-d2"),
                                  user=world.ght_manager, reference="ECARE-42")
    today = timezone.localdate()
    add_evidence(organisation=world.hospital_a, upload=SimpleUploadedFile("Restore Test (final).PDF", RESTORE),
                 title="Restore test", document_date=today - timedelta(days=5),
                 references=[("care-d2", "D2.O3.A"), ("care-d2", "D2.O4")], user=world.alice)
    add_evidence(organisation=world.ght_a, upload=SimpleUploadedFile("pssi-2021.pdf", PDF_BYTES),
                 title="PSSI 2021", document_date=date(2021, 3, 1), references=[("care-d2", "D2.P1")],
                 user=world.ght_manager)
    add_evidence(organisation=world.hospital_b, upload=SimpleUploadedFile("pssi-b.pdf", PDF_BYTES + b"b"),
                 title="PSSI of B", document_date=today, references=[("care-d2", "D2.P1")], user=world.bob)
    assessment = create_assessment(organisation=world.ght_a, version=declaration.version, assessed_on=today,
                                   user=world.ght_manager)
    save_answer(assessment.answers.get(requirement__code="D2.P1"), status="partial", score=None, comment="",
                evidence=None, user=world.ght_manager)
    return declaration


def pack(dossier, user):
    content, counts = build(dossier, user, timezone.localdate())
    return zipfile.ZipFile(io.BytesIO(content)), counts


def pdf_text(archive) -> str:
    reader = PdfReader(io.BytesIO(archive.read("index.pdf")))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def test_it_names_every_file_by_requirement_code(dossier, world):
    archive, counts = pack(dossier, world.ght_manager)
    names = set(archive.namelist())
    assert {"index.pdf", "D2.O3.A/01-restore-test-final.pdf", "D2.O4/01-restore-test-final.pdf",
            "D2.P1/01-pssi-2021.pdf", "D2.O4/02-record-restore-test-dpi-2025.json",
            "D2.O4/02-record-restore-test-dpi-2025.html"} <= names
    assert archive.read("D2.O3.A/01-restore-test-final.pdf") == RESTORE
    assert not [n for n in names if "pssi-b" in n]  # hospital B is not a member of GHT A
    assert counts == {"requirements": counts["requirements"], "files": 3, "records": 1, "missing": 0}


def test_it_writes_provider_records_as_json_and_escaped_html(dossier, world):
    archive, _counts = pack(dossier, world.ght_manager)
    record = json.loads(archive.read("D2.O4/02-record-restore-test-dpi-2025.json"))
    assert record["requirement"] == "care-d2:D2.O4" and record["organisation"] == "CH A"
    assert record["value"] == 3 and record["valid"] is True and record["provider"] == "Continuity"
    page = archive.read("D2.O4/02-record-restore-test-dpi-2025.html").decode()
    assert "Restore test &lt;DPI&gt; 2025" in page and "<DPI>" not in page


def test_the_index_pdf_lists_requirements_status_evidence_and_freshness(dossier, world):
    archive, _counts = pack(dossier, world.ght_manager)
    text = pdf_text(archive)
    for expected in ("Evidence pack", "GHT A", "ECARE-42", "D2.P1", "D2.O3.A", "D2.O4", "Partially compliant",
                     "Not assessed", "D2.P1/01-pssi-2021.pdf", "D2.O3.A/01-restore-test-final.pdf"):
        assert expected in text, expected
    assert "expired" in text and "valid" in text  # the 2021 PSSI is older than the 16 July 2022 limit


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="pdftoppm (poppler-utils) is not installed")
def test_the_index_renders_as_an_image(dossier, world, tmp_path):
    archive, _counts = pack(dossier, world.ght_manager)
    (tmp_path / "index.pdf").write_bytes(archive.read("index.pdf"))
    subprocess.run(["pdftoppm", "-png", "-r", "40", "-f", "1", "-l", "1", str(tmp_path / "index.pdf"),
                    str(tmp_path / "page")], check=True, timeout=60)
    image = next(tmp_path.glob("page*.png")).read_bytes()
    assert image.startswith(b"\x89PNG") and len(image) > 1000


def test_file_and_folder_names_cannot_escape_the_archive():
    assert folder("../..") == "_" and folder("D2.O3.A") == "D2.O3.A" and folder("a/b c") == "a_b_c"
    assert file_name(3, "../../etc/passwd", "piece") == "03-passwd"
    assert file_name(1, "rapport.exe;rm -rf", "piece") == "01-rapport"
    assert file_name(2, "....pdf", "piece") == "02-piece.pdf"


def test_the_job_builds_the_zip_and_records_an_export(client, dossier, world):
    login(client, world.ght_manager)
    url = reverse("compliance:declaration_evidence_pack", args=[dossier.uuid])
    assert client.get(url).status_code == 200
    response = client.post(url)
    job = Job.objects.get(kind="compliance.evidence_pack")
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    jobs.run(str(job.uuid))
    job.refresh_from_db()
    assert job.status == Job.Status.DONE and job.result_name.startswith("dossier-care-d2-ght-a-")
    archive = zipfile.ZipFile(jobs.result_path(job))
    assert "D2.O4/01-restore-test-final.pdf" in archive.namelist()
    event = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT)
    assert event.object_uuid == str(dossier.uuid) and event.user == world.ght_manager
    assert event.changes["files"] == 3 and event.changes["records"] == 1


def test_the_page_asks_for_a_fresh_second_factor(client, dossier, world):
    login(client, world.ght_manager)
    session = client.session
    session[RECENT_KEY] = time.time() - 3600
    session.save()
    response = client.post(reverse("compliance:declaration_evidence_pack", args=[dossier.uuid]))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:confirm"))
    assert not Job.objects.exists()


def test_members_who_may_not_export_are_refused(client, dossier, world):
    url = reverse("compliance:declaration_evidence_pack", args=[dossier.uuid])
    login(client, world.alice)  # sees her GHT's dossier as a member, may not export the GHT's evidence
    page = client.get(url)
    assert page.status_code == 200 and "Build the evidence pack" not in page.content.decode()
    assert "may_export" in page.context and page.context["may_export"] is False
    assert client.post(url).status_code == 403
    client.logout()
    assert login(client, world.bob).post(url).status_code == 404
    assert not Job.objects.exists()


def test_the_job_fails_when_the_creator_lost_the_right(dossier, world):
    job = launch(dossier, world.ght_manager)
    world.ght_manager.roles.all().delete()
    with pytest.raises(Exception, match="may no longer export"):
        jobs.run(str(job.uuid))
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).exists()


def test_the_ars_may_export_the_pack(dossier, world):
    ars = make_user("ars_pack", (world.region_a, Role.READER))
    archive, counts = pack(dossier, ars)
    assert counts["files"] == 3 and "index.pdf" in archive.namelist()


def test_the_api_needs_a_fresh_second_factor_from_a_session(client, dossier, world):
    url = reverse("api:compliance_declaration_evidence_pack", args=[dossier.uuid])
    login(client, world.ght_manager)
    session = client.session
    session[RECENT_KEY] = time.time() - 3600
    session.save()
    assert client.post(url, content_type="application/json").status_code == 403
    assert not Job.objects.exists()
    session[RECENT_KEY] = time.time()
    session.save()
    response = client.post(url, content_type="application/json")
    assert response.status_code == 202 and response.json()["kind"] == "compliance.evidence_pack"


def test_freshness_is_judged_on_the_day_the_objectives_were_declared(dossier, world):
    from vigie.compliance.evidence_pack import freshness_date
    from vigie.compliance.models import DeclarationTransition

    assert freshness_date(dossier) == timezone.localdate()  # not declared yet: today
    declared_at = timezone.now() - timedelta(days=40)
    DeclarationTransition.objects.create(declaration=dossier, from_status="validated", to_status="declared",
                                         at=declared_at, actor=world.ght_manager)
    assert freshness_date(dossier) == timezone.localdate(declared_at)
