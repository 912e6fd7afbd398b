"""Benchmark: the home page's "what is late for me" at national scale, on PostgreSQL.

    VIGIE_DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_home VIGIE_DATA_DIR=/tmp/bench-home \
        .venv/bin/python bench/home_late.py [--explain]

Builds (once: it is kept in that database) 18 regions, 135 GHTs, 3,000 establishments, 200,000 PAQ
actions, 36,000 indicator readings (12 per establishment) and three years of CaRE deadline completions,
then renders `/` in-process for a national administrator and the reader of one region (test client, 40
requests each after 5 warm-up ones) and prints p50/p95/max and queries per request. `--explain` prints
EXPLAIN ANALYZE of every query the national page runs.
"""

import datetime
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vigie.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402
from django_otp import DEVICE_ID_SESSION_KEY  # noqa: E402
from django_otp.plugins.otp_totp.models import TOTPDevice  # noqa: E402

from vigie.accounts.models import RoleAssignment, User  # noqa: E402
from vigie.actions.models import Action, DeadlineCompletion  # noqa: E402
from vigie.core.roles import Role  # noqa: E402
from vigie.organisations.models import Organisation  # noqa: E402
from vigie.steering.models import Summary  # noqa: E402

REGIONS, GHTS, ESTABLISHMENTS, ACTIONS, KEYS = 18, 135, 3000, 200_000, 12
STATES = ["held"] * 6 + ["due", "partial", "late", "never"]


def _org(pk, kind, name, parent=None, **extra):
    path = (parent.path if parent else "") + f"{pk:06d}/"
    return Organisation(id=pk, kind=kind, name=name, parent=parent, path=path, **extra)


def build() -> None:
    if Organisation.objects.filter(kind="legal_entity").count() >= ESTABLISHMENTS:
        return
    rng = random.Random(13)
    today = timezone.localdate()
    national = _org(1, "national", "France")
    regions = [_org(2 + i, "region", f"Région {i}", national, code=f"{i:02d}") for i in range(REGIONS)]
    ghts = [_org(100 + i, "ght", f"GHT {i}", regions[i % REGIONS]) for i in range(GHTS)]
    entities = []
    for i in range(ESTABLISHMENTS):
        parent = ghts[i % GHTS] if i % 5 else regions[i % REGIONS]  # one in five: a clinic outside any GHT
        entities.append(_org(1000 + i, "legal_entity", f"Établissement {i}", parent, finess=f"{100000000 + i}",
                             legal_status=rng.choice(["public", "private_for_profit"]),
                             bed_count=rng.randint(20, 1500)))
    Organisation.objects.bulk_create([national, *regions, *ghts, *entities], batch_size=2000)
    with connection.cursor() as cursor:  # the sequence after explicit ids
        cursor.execute("SELECT setval(pg_get_serial_sequence('organisations_organisation', 'id'), 10000)")
    Action.objects.bulk_create([
        Action(organisation=rng.choice(entities), title=f"Action {n}", source="manual",
               status=rng.choice(["open", "in_progress", "done", "done", "cancelled"]),
               priority=rng.choice(["critical", "high", "medium", "low"]),
               due=today + datetime.timedelta(days=rng.randint(-400, 200)))
        for n in range(ACTIONS)], batch_size=5000)
    now = timezone.now()
    Summary.objects.bulk_create([
        Summary(organisation=org, key=f"bench.k{k}", state=(state := rng.choice(STATES)),
                due=today + datetime.timedelta(days=rng.randint(-200, -1) if state == "late" else rng.randint(1, 29)),
                computed_at=now)
        for org in entities for k in range(KEYS)], batch_size=5000)
    completions = []
    for org in entities:
        for code, months in (("crisis-exercise", 12), ("maturity-self-assessment", 12), ("ad-audit", 3)):
            day = today - datetime.timedelta(days=rng.randint(0, 120))
            for _ in range(36 // months):
                if rng.random() < 0.8:
                    completions.append(DeadlineCompletion(organisation=org, deadline=code, done_on=day))
                day -= datetime.timedelta(days=months * 30)
    DeadlineCompletion.objects.bulk_create(completions, batch_size=5000, ignore_conflicts=True)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def user(username, org, role) -> User:
    found, created = User.objects.get_or_create(username=username)
    if created:
        RoleAssignment.objects.create(user=found, organisation=org, role=role)
        TOTPDevice.objects.create(user=found, name="bench", confirmed=True)
    return found


def client_for(account) -> Client:
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(account)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = TOTPDevice.objects.get(user=account).persistent_id
    session.save()
    return client


def measure(label, client, rounds=40) -> None:
    for _ in range(5):
        client.get("/")
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        response = client.get("/")
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, response.status_code
    with CaptureQueriesContext(connection) as captured:
        body = client.get("/").content
    times.sort()
    print(f"{label:28} p50 {statistics.median(times):6.1f} ms  p95 {times[int(len(times) * .95) - 1]:6.1f} ms  "
          f"max {times[-1]:6.1f} ms  {len(captured)} queries  {len(body)} bytes")


def main() -> None:
    call_command("migrate", verbosity=0)
    build()
    national = Organisation.objects.get(kind="national")
    admin = user("bench-national", national, Role.ADMIN)
    ars = user("bench-ars", Organisation.objects.filter(kind="region").order_by("path").first(), Role.READER)
    print(f"{Organisation.objects.count()} organisations, {Action.objects.count()} actions, "
          f"{Summary.objects.count()} readings, {DeadlineCompletion.objects.count()} completions")
    measure("national administrator", client_for(admin))
    measure("ARS reader of one region", client_for(ars))
    if "--explain" in sys.argv:
        with CaptureQueriesContext(connection) as captured:
            client_for(admin).get("/")
        with connection.cursor() as cursor:
            for query in captured.captured_queries:
                if not query["sql"].startswith("SELECT") or "django_session" in query["sql"]:
                    continue
                cursor.execute("EXPLAIN ANALYZE " + query["sql"])
                plan = [row[0] for row in cursor.fetchall()]
                print(f"\n{query['sql'][:160]}\n  " + "\n  ".join(plan[:3] + plan[-1:]))


if __name__ == "__main__":
    main()
