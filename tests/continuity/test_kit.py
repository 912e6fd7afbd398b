"""The offline crisis kit: marked stale when its data changes, built by a job into a ZIP whose manifest
checks, with the date of its data; downloaded from its page."""

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


def test_changes_mark_the_kit_stale(world):
    kit = CrisisKit.objects.create(organisation=world.hospital_a, meeting_place="Salle du conseil")
    CrisisKit.objects.filter(pk=kit.pk).update(stale=False)
    other = CrisisKit.objects.create(organisation=world.hospital_b, meeting_place="Salle B")
    CrisisKit.objects.filter(pk=other.pk).update(stale=False)
    act = activity(world.hospital_a, "Urgences")
    kit.refresh_from_db()
    assert kit.stale is True
    CrisisKit.objects.filter(pk=kit.pk).update(stale=False)
    act.procedures.create(title="Papier", triggered_by="cadre", trigger_when="panne", steps="a")
    kit.refresh_from_db()
    other.refresh_from_db()
    assert kit.stale is True and other.stale is False
