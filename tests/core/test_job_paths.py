"""A real job (the organisations export) through both paths: the embedded queue with a local worker
process, and Redis with a separate `vigie worker` process, as in a multi-machine installation."""

import os
import subprocess
import sys
import time
from io import BytesIO

import openpyxl
import pytest
from django.db import connection

from tests.conftest import require_service
from vigie.celery import app
from vigie.core import jobs
from vigie.core.models import Job

REDIS_URL = "redis://127.0.0.1:6379/15"


def database_url() -> str:
    """The URL of the test database, so the worker process writes where the test reads."""
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    return f"postgres://{s['USER']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def start_worker(broker_url: str = "") -> subprocess.Popen:
    env = {**os.environ, "VIGIE_DATABASE_URL": database_url(), "VIGIE_BROKER_URL": broker_url,
           "DJANGO_SETTINGS_MODULE": "vigie.settings"}
    return subprocess.Popen(
        [sys.executable, "-m", "vigie.cli", "worker", "--pool=solo", "--loglevel=WARNING"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )


def wait_for(job: Job, worker: subprocess.Popen, seconds: int = 60) -> Job:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.finished:
            return job
        if worker.poll() is not None:
            pytest.fail("worker exited: " + worker.stdout.read().decode(errors="replace"))
        time.sleep(0.2)
    pytest.fail(f"job still {job.status} after {seconds}s")


def stop(worker: subprocess.Popen) -> None:
    worker.terminate()
    try:
        worker.wait(timeout=20)
    except subprocess.TimeoutExpired:
        worker.kill()


def exported_names(job: Job) -> set[str]:
    workbook = openpyxl.load_workbook(BytesIO(jobs.result_path(job).read_bytes()), read_only=True)
    rows = list(workbook.active.iter_rows(values_only=True))
    column = rows[0].index("name")
    return {row[column] for row in rows[1:]}


@pytest.mark.django_db(transaction=True)
def test_it_runs_an_export_through_the_embedded_queue(world):
    worker = start_worker()
    try:
        job = jobs.enqueue("organisations.export", organisation=world.ght_a, user=world.ght_manager)
        job = wait_for(job, worker)
    finally:
        stop(worker)
    assert job.status == Job.Status.DONE, job.message
    assert exported_names(job) == {"GHT A", "CH A", "CH A — site 1"}


def switch_broker(url: str) -> None:
    """Point this process's producer at another broker, dropping pooled connections to the old one."""
    app.conf.broker_url = url
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def redis_broker():
    require_service("Redis", "127.0.0.1", 6379)
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()
    previous = app.conf.broker_url
    switch_broker(REDIS_URL)
    yield REDIS_URL
    switch_broker(previous)


@pytest.mark.broker
@pytest.mark.django_db(transaction=True)
def test_it_runs_an_export_through_redis_on_a_separate_worker(world, redis_broker):
    import redis

    workers = [start_worker(redis_broker), start_worker(redis_broker)]
    try:
        job = jobs.enqueue("organisations.export", organisation=world.hospital_b, user=world.bob)
        job = wait_for(job, workers[0])
    finally:
        for worker in workers:
            stop(worker)
    assert job.status == Job.Status.DONE, job.message
    assert exported_names(job) == {"CH B", "CH B — site 1"}
    assert redis.Redis.from_url(REDIS_URL).llen("celery") == 0  # the message went through Redis and was taken
