"""Job claiming: one run per job, and jobs left running by a dead worker are taken up again."""

from datetime import timedelta

from django.utils import timezone

from vigie.core import jobs
from vigie.core.models import Job

RUNS = []


@jobs.handler("tests.count")
def count(job, progress):
    RUNS.append(job.uuid)
    progress(50, "half way")
    return jobs.JobResult("out.txt", b"done")


def make(world, **fields) -> Job:
    return Job.objects.create(kind="tests.count", organisation=world.hospital_a, created_by=world.alice, **fields)


def test_it_runs_a_job_once_however_often_its_message_arrives(world):
    job = make(world)
    jobs.run(str(job.uuid))
    jobs.run(str(job.uuid))
    assert RUNS.count(job.uuid) == 1
    job.refresh_from_db()
    assert (job.status, job.progress, job.result_name) == (Job.Status.DONE, 100, "out.txt")
    assert jobs.result_path(job).read_bytes() == b"done"


def test_it_takes_up_a_job_left_running_by_a_dead_worker(world):
    recent = make(world, status=Job.Status.RUNNING, started_at=timezone.now() - timedelta(minutes=5))
    stale = make(world, status=Job.Status.RUNNING, started_at=timezone.now() - jobs.STALE_AFTER - timedelta(1))
    jobs.run(str(recent.uuid))
    jobs.run(str(stale.uuid))
    assert recent.uuid not in RUNS  # another worker may still be on it
    assert stale.uuid in RUNS
    stale.refresh_from_db()
    assert stale.status == Job.Status.DONE


@jobs.handler("tests.page")
def page_result(job, progress):
    return jobs.JobResult(url="/organisations/")


def test_a_job_can_point_to_the_page_of_its_result(client, world):
    from tests.conftest import login

    job = make(world)
    job.kind = "tests.page"
    job.save()
    jobs.run(str(job.uuid))
    job.refresh_from_db()
    assert (job.status, job.result_url, job.result_name) == (Job.Status.DONE, "/organisations/", "")
    body = login(client, world.alice).get(job.get_absolute_url()).content.decode()
    assert 'href="/organisations/"' in body
