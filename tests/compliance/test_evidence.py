"""Evidence uploads (type and size checked, stored with their hash), downloads, and providers."""

import hashlib
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.conftest import login
from tests.factories import PDF_BYTES
from vigie.compliance.models import Evidence
from vigie.compliance.providers import EvidenceRecord, providers
from vigie.compliance.services import evidence_items, grid
from vigie.compliance.uploads import UploadRefused, check_upload

from .conftest import answer, assess, version_of


def upload(client, world, name, content, references="care-d2:D2.P1"):
    return client.post("/compliance/evidence/new/", {
        "organisation": str(world.hospital_a.uuid), "file": SimpleUploadedFile(name, content),
        "title": "", "document_date": "2025-01-10", "references": references, "description": "",
    })


def test_it_stores_an_upload_with_its_hash(client, world, frameworks, settings):
    login(client, world.contributor_a)
    response = upload(client, world, "pssi.pdf", PDF_BYTES)
    assert response.status_code == 302
    evidence = Evidence.objects.get()
    assert evidence.sha256 == hashlib.sha256(PDF_BYTES).hexdigest()
    assert evidence.path.read_bytes() == PDF_BYTES
    assert str(evidence.path).startswith(str(settings.MEDIA_ROOT))
    assert evidence.references == ["care-d2:D2.P1"] and evidence.content_type == "application/pdf"
    download = client.get(f"/compliance/evidence/{evidence.uuid}/download/")
    assert b"".join(download.streaming_content) == PDF_BYTES
    assert "attachment" in download["Content-Disposition"]


@pytest.mark.parametrize("name, content", [
    ("rapport.pdf", b"<html><script>alert(1)</script></html>"),
    ("outil.exe", b"MZ\x90\x00"),
    ("plan.docx", b"PK\x03\x04 not really a zip"),
    ("notes.txt", b"\x00\x01\x02binary"),
    ("vide.pdf", b""),
])
def test_it_refuses_files_whose_content_is_not_what_their_name_says(client, world, frameworks, name, content):
    login(client, world.contributor_a)
    response = upload(client, world, name, content)
    assert response.status_code == 200 and Evidence.objects.count() == 0
    assert response.context["form"].errors["file"]


def test_it_refuses_files_over_the_size_limit(client, world, frameworks, settings):
    settings.VIGIE_MAX_UPLOAD_BYTES = 1024
    login(client, world.contributor_a)
    response = upload(client, world, "gros.pdf", PDF_BYTES + b"0" * 2048)
    assert response.status_code == 200 and Evidence.objects.count() == 0
    assert "1024" not in str(response.context["form"].errors["file"])  # said in MB
    with pytest.raises(UploadRefused):
        check_upload(SimpleUploadedFile("gros.pdf", PDF_BYTES + b"0" * 2048))


def test_it_refuses_unknown_requirement_references(client, world, frameworks):
    login(client, world.contributor_a)
    response = upload(client, world, "pssi.pdf", PDF_BYTES, references="care-d2:D9.X")
    assert response.status_code == 200 and Evidence.objects.count() == 0
    assert "D9.X" in str(response.context["form"].errors["references"])


def test_a_reader_cannot_upload_to_his_hospital(client, world, frameworks):
    login(client, world.auditor_a)
    response = upload(client, world, "pssi.pdf", PDF_BYTES)
    assert response.status_code == 403 and Evidence.objects.count() == 0  # the route's declaration: may add nowhere


def test_the_detail_page_shows_freshness_with_its_reason(client, world, frameworks):
    login(client, world.contributor_a)
    upload(client, world, "ancienne.pdf", PDF_BYTES, references="care-d2:D2.P1")
    evidence = Evidence.objects.get()
    Evidence.objects.filter(pk=evidence.pk).update(document_date=date(2021, 1, 1))
    text = client.get(evidence.get_absolute_url()).content.decode()
    assert "D2.P1" in text and "Expirée" in text


@pytest.fixture
def exposure_provider():
    """A test provider standing for the exposure module: two audits 50 days apart for hospital A."""
    calls = []

    def audits(organisation, requirement, as_of):
        calls.append((organisation.pk, requirement.code, as_of))
        if organisation.name != "CH A":
            return []
        return [EvidenceRecord("Audit SILENE mars", date(2025, 3, 1), url="/exposure/1/"),
                EvidenceRecord("Audit SILENE avril", date(2025, 4, 20), url="/exposure/2/")]

    providers.register("test.exposure", ["care-d1:D1.O2.B"], audits, label="Exposition (test)")
    yield calls
    providers.unregister("test.exposure")


def test_a_registered_provider_s_records_prove_a_requirement(world, frameworks, exposure_provider):
    requirement = version_of("care-d1").requirements.get(code="D1.O2.B")
    items = evidence_items(world.hospital_a, requirement, date(2025, 6, 1))
    assert [i.title for i in items] == ["Audit SILENE avril", "Audit SILENE mars"]
    assert {i.source for i in items} == {"Exposition (test)"}
    assessment = assess(world.hospital_a, "care-d1")
    row = next(r for r in grid(assessment) if r.requirement.code == "D1.O2.B")
    assert row.verdict.valid is True and "50" in row.verdict.reason
    assert evidence_items(world.hospital_b, requirement, date(2025, 6, 1)) == []
    assert exposure_provider[0][1] == "D1.O2.B"


def test_provider_records_show_on_the_assessment_page(client, world, frameworks, exposure_provider):
    assessment = assess(world.hospital_a, "care-d1")
    answer(assessment, "D1.O2.B", "compliant")
    login(client, world.alice)
    text = client.get(assessment.get_absolute_url()).content.decode()
    assert "Audit SILENE avril" in text and "Exposition (test)" in text


def test_a_provider_must_name_requirements_with_their_framework():
    with pytest.raises(ValueError):
        providers.register("bad", ["D1.O2.B"], lambda *a: [])
