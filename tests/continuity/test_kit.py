"""The offline crisis kit: marked stale when its data changes, built by a job into a ZIP whose manifest
checks, with the date of its data; downloaded from its page."""

import hashlib
import io
import zipfile

from django.urls import reverse

from tests.conftest import login
from tests.continuity.builders import activity, good_plan, stack
from vigie.continuity.models import CrisisKit
from vigie.core.jobs import run
from vigie.core.models import Job


def run_jobs():
    for job in Job.objects.filter(status=Job.Status.QUEUED).order_by("id"):
        run(str(job.uuid))



def test_kit_built_by_job_and_downloaded(client, world):
    act, _app, database, _server = stack(world.hospital_a)
    act.procedures.create(title="Dossier papier", triggered_by="médecin de garde", trigger_when="DPI indisponible",
                          steps="Sortir les fiches\nTracer", paper_forms="suivi-patients")
    good_plan(database)
    kit = CrisisKit.objects.create(organisation=world.hospital_a, meeting_place="Salle du conseil")
    login(client, world.alice)
    assert client.post(reverse("continuity:kit_build", args=[kit.uuid])).status_code == 302
    run_jobs()
    kit.refresh_from_db()
    assert kit.stale is False and kit.built_at and kit.data_as_of and len(kit.sha256) == 64
    response = client.get(reverse("continuity:kit_download", args=[kit.uuid]))
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    names = archive.namelist()
    assert any(n.endswith("index.html") for n in names) and any(n.endswith("MANIFEST.sha256") for n in names)
    pages = " ".join(archive.read(n).decode("utf-8", "replace") for n in names if n.endswith(".html"))
    assert "Dossier papier" in pages and "Salle du conseil" in pages
    page = client.get(kit.get_absolute_url()).content.decode()
    assert kit.sha256 in page
    manifest = next(n for n in names if n.endswith("MANIFEST.sha256"))
    # The hash printed on the kit page is the one `sha256sum MANIFEST.sha256` gives on the USB copy.
    assert kit.manifest_sha256 == hashlib.sha256(archive.read(manifest)).hexdigest()
    assert kit.manifest_sha256 in page and kit.manifest_sha256 != kit.sha256
