"""The steering matrix at national scale: build 18 regions, 135 GHTs, 3,000 establishments and their
summaries for 12 indicators, then time the matrix page, its API list and print the plans of its queries.

    VIGIE_DATABASE_URL=postgres://postgres@127.0.0.1:5432/matrix VIGIE_DATA_DIR=/tmp/matrix-data \\
        PYTHONPATH=src .venv/bin/vigie manage migrate
    VIGIE_DATABASE_URL=... PYTHONPATH=src .venv/bin/python bench/steering_matrix.py [--build] [--runs 30]

The data set is built once (`--build`, on an empty database); the 12 indicators are synthetic (the real
ones compute from the modules' records; the matrix reads only the stored summaries). Views are called
in-process through Django's test client, so the figures are the view's time with its queries, without the
WSGI server. Loopback only.
"""

import argparse
import os
import random
import statistics
import sys
import time
from decimal import Decimal

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "src"))
sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vigie.settings")

import django  # noqa: E402

django.setup()

from django.db import connection, reset_queries, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from vigie.core.indicators import Indicator, State  # noqa: E402
from vigie.core.registry import registry  # noqa: E402
from vigie.organisations.finess import with_key  # noqa: E402
from vigie.organisations.models import Organisation  # noqa: E402
from vigie.steering.models import Summary  # noqa: E402

REGIONS, GHTS, ESTABLISHMENTS = 18, 135, 3000
GROUPS = ["domain1", "domain1", "domain1", "domain2", "domain2", "domain2", "instruction", "instruction",
          "instruction", "funding", "funding", "funding"]
KEYS = [f"bench.i{n:02d}" for n in range(12)]


def register() -> None:
    for n, key in enumerate(KEYS):
        registry.indicator(Indicator(key=key, title=f"Indicator {n}", short=f"I{n}", order=n,
                                     compute=lambda e, a: {}, kind="percent", group=GROUPS[n]))


def build() -> None:
    """The tree with raw bulk inserts (paths set afterwards), then 36,000 summaries."""
    rng = random.Random(13)
    with transaction.atomic():
        national = Organisation.objects.create(kind="national", name="France")
        regions = [Organisation.objects.create(kind="region", name=f"Région {r:02d}", parent=national)
                   for r in range(REGIONS)]
        ghts = [Organisation.objects.create(kind="ght", name=f"GHT {g:03d}", parent=regions[g % REGIONS])
                for g in range(GHTS)]
        rows = []
        for e in range(ESTABLISHMENTS):
            parent = regions[e % REGIONS] if e % 10 == 0 else ghts[e % GHTS]  # one in ten: a clinic
            rows.append(Organisation(kind="legal_entity", name=f"Établissement {e:04d}", parent=parent,
                                     finess=with_key(f"{10000000 + e:08d}"), legal_status="public",
                                     activity_share=Decimal(rng.randint(1, 30))))
        Organisation.objects.bulk_create(rows, batch_size=1000)
        for org in Organisation.objects.filter(kind="legal_entity").select_related("parent"):
            Organisation.objects.filter(pk=org.pk).update(path=org.parent.path + f"{org.pk:06d}/")
        now = timezone.now()
        states = [State.HELD, State.HELD, State.DUE, State.PARTIAL, State.LATE, State.NEVER]
        summaries = []
        for org_id in Organisation.objects.filter(kind="legal_entity").values_list("pk", flat=True):
            if org_id % 50 == 0:
                continue  # nothing recorded at all
            for key in KEYS:
                summaries.append(Summary(organisation_id=org_id, key=key, state=rng.choice(states),
                                         value=Decimal(rng.randint(0, 100)), computed_at=now))
        Summary.objects.bulk_create(summaries, batch_size=5000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def users():
    from tests.conftest import make_user
    from vigie.accounts.models import User
    from vigie.core.roles import Role

    national = Organisation.objects.get(kind="national")
    region = Organisation.objects.filter(kind="region").order_by("path").first()
    ght = Organisation.objects.filter(kind="ght").order_by("path").first()
    made = {}
    for name, node, role in (("bench-national", national, Role.ADMIN), ("bench-ars", region, Role.READER),
                             ("bench-ght", ght, Role.MANAGER)):
        user = User.objects.filter(username=name).first() or make_user(name, (node, role))
        made[name] = (user, node)
    return made


def timed(client, url, runs: int):
    """Wall time (what a user waits, inflated when the machine is shared), the Django process's CPU time
    (the Python side, steadier under load) and the database's execution time of the same queries."""
    times, cpu, queries, size = [], [], 0, 0
    for _ in range(runs):
        reset_queries()
        with CaptureQueriesContext(connection) as captured:
            start, start_cpu = time.perf_counter(), time.process_time()
            response = client.get(url)
            times.append((time.perf_counter() - start) * 1000)
            cpu.append((time.process_time() - start_cpu) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        queries, size = len(captured), len(response.content)
    database = 0.0
    with connection.cursor() as cursor:
        for query in captured.captured_queries:
            if query["sql"].startswith("SELECT"):
                cursor.execute("EXPLAIN (ANALYZE) " + query["sql"])
                database += float(cursor.fetchall()[-1][0].split(":")[1].split()[0])
    times.sort()
    return (statistics.median(times), times[int(len(times) * 0.95) - 1], times[-1], statistics.median(cpu),
            database, queries, size)


def explain(client, url) -> None:
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    slowest = [q for q in captured.captured_queries if "steering_summary" in q["sql"]]
    with connection.cursor() as cursor:
        for query in slowest:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS, FORMAT TEXT) " + query["sql"])
            plan = [row[0] for row in cursor.fetchall()]
            print("\n--", query["sql"][:160], "...")
            print("\n".join(plan[:3] + ["   ..."] + plan[-2:]))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--build", action="store_true")
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--explain", action="store_true")
    args = parser.parse_args()
    assert connection.vendor == "postgresql", "run it on PostgreSQL (VIGIE_DATABASE_URL)"
    register()
    if args.build:
        build()
    from tests.conftest import login

    print(f"{Organisation.objects.filter(kind='legal_entity').count()} establishments, "
          f"{Summary.objects.count()} summaries")
    print(f"{'user':16} {'page':58} {'p50 ms':>7} {'p95 ms':>7} {'max ms':>7} {'cpu ms':>7} {'db ms':>6} "
          f"{'queries':>7} {'bytes':>7}")
    for name, (user, node) in users().items():
        client = login(Client(), user)
        base = f"/steering/{node.uuid}/"
        pages = [base, base + "?sort=-bench.i04", base + "?state=bench.i04:late&state=bench.i07:never",
                 base + "?q=0042&page=1", base + "?page=20", f"/api/steering/{node.uuid}/matrix?page=3"]
        for url in pages:
            p50, p95, top, cpu, database, queries, size = timed(client, url, args.runs)
            print(f"{name:16} {url.replace(str(node.uuid), '<node>'):58} {p50:7.1f} {p95:7.1f} {top:7.1f} "
                  f"{cpu:7.1f} {database:6.1f} {queries:7d} {size:7d}")
        if args.explain and name == "bench-national":
            explain(client, base + "?sort=-bench.i04&state=bench.i04:late&state=bench.i07:never")


if __name__ == "__main__":
    main()
