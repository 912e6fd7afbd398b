"""Serve Vigie on the national data set (bench/national_data.py) and measure its pages under load.

    .venv/bin/python bench/national_load.py                       # 3 runs, 20 requests per page and user
    .venv/bin/python bench/national_load.py --small               # 1 run, 5 requests: a quick check
    .venv/bin/python bench/national_load.py --pages exposure: --users bench-ars

`vigie serve` (gunicorn, the production server; without its job worker, on an empty queue) is started
on 127.0.0.1 and a free port with VIGIE_DATABASE_URL set to the bench database. The pages are every route the route registry declares as
a list (pages and API lists, exports included; their GET), plus the steering pages of issue 13 that this
tree has (matrix, trends, drill-down, home, comparison; absent ones are skipped). Each of the four
users (national administrator, ARS reader of one region, manager of one GHT, RSSI of one establishment)
asks each page `--warmup` times (not counted), then N times, four requests in flight at a time, over
keep-alive loopback connections.

Per page and user: p50, p95 and max latency, response size, HTTP status, and the SQL queries one request
runs (a second pass through Django's test client with CaptureQueriesContext, on the same database). The
server's peak memory is its VmHWM (peak resident set). Several runs give the median of each p95 and its
spread. Goal (issue 13): p95 < 300 ms for every page and user, server memory < 1 GB; DefectDojo's national
findings list is quoted at 15–19 s p95 on the same machine and data size (not installed here).
"""

import argparse
import http.client
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from national_data import DEFAULT_URL, USERS, setup_django  # noqa: E402

GOAL_MS = 300
LOG = "/tmp/vigie-national-serve.log"
# The steering pages of issue 13 (HELPERS.md): the URL argument each takes, per user.
STEERING = {
    "steering:home": None,
    "steering:matrix": "level",
    "steering:trends": "level",
    "steering:establishment": "establishment",
    "steering:establishment_trends": "establishment",
    "steering:comparison": "establishment",
}


@dataclass
class Measure:
    user: str
    page: str
    url: str
    times: list[float] = field(default_factory=list)
    sizes: list[int] = field(default_factory=list)
    statuses: set = field(default_factory=set)
    queries: int | None = None

    def p(self, q: float) -> float:
        ordered = sorted(self.times)
        return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))] * 1000


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    parser.add_argument("--database-url", default=os.environ.get("VIGIE_BENCH_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--requests", type=int, default=20, help="requests per page and user (default %(default)s)")
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--warmup", type=int, default=8,
                        help="requests per page and user sent first and not counted (default %(default)s)")
    parser.add_argument("--budget", type=float, default=60,
                        help="seconds per page and user after which no new request starts (default %(default)s): "
                             "a page far over the goal is measured on fewer requests, its count shown")
    parser.add_argument("--runs", type=int, default=3, help="runs in a row (default %(default)s)")
    parser.add_argument("--users", nargs="*", default=list(USERS), help="bench users to drive")
    parser.add_argument("--pages", nargs="*", default=[], help="only the routes whose name contains one of these")
    parser.add_argument("--no-queries", action="store_true", help="skip the query-count pass")
    parser.add_argument("--processes", type=int, default=None,
                        help="web processes of vigie serve (default: its own, one per processor)")
    parser.add_argument("--output", type=Path, default=Path("/tmp/vigie-national-load.md"),
                        help="where the Markdown table goes (default %(default)s)")
    parser.add_argument("--small", action="store_true", help="one run of 5 requests per page")
    args = parser.parse_args(argv)
    if args.small:
        args.requests, args.runs = 5, 1
    return args


# --- what to ask -------------------------------------------------------------------------------------------


def nodes() -> dict:
    """For each bench user: its level node (None for the RSSI) and the establishment it drills down to."""
    from vigie.accounts.models import RoleAssignment
    from vigie.organisations.models import Kind, Organisation

    found = {}
    rssi_entity = RoleAssignment.objects.get(user__username="bench-rssi").organisation
    for username in USERS:
        node = RoleAssignment.objects.select_related("organisation").get(user__username=username).organisation
        level = node if node.kind in (Kind.NATIONAL, Kind.REGION, Kind.GHT) else None
        found[username] = {"level": level, "establishment": rssi_entity if level is None else
                           Organisation.objects.filter(kind=Kind.LEGAL_ENTITY, path__startswith=node.path)
                           .filter(pk=rssi_entity.pk).first() or rssi_entity}
    return found


def pages(only: list[str]) -> list[tuple[str, str | None]]:
    """(route name, which node it takes) for every list route and the steering pages present."""
    from django.urls import NoReverseMatch, reverse

    from vigie.api import api
    from vigie.core.registry import registry

    schema = api.get_openapi_schema()
    api_gets = {op["operationId"] for methods in schema["paths"].values()
                for method, op in methods.items() if method == "get"}
    chosen = []
    for name, route in sorted(registry.routes.items()):
        if route.kind != "list":
            continue
        if name.startswith("api:") and name[4:] not in api_gets:
            continue
        try:
            reverse(name)
        except NoReverseMatch:
            continue
        chosen.append((name, None))
    for name, argument in STEERING.items():
        try:
            reverse(name, args=["00000000-0000-0000-0000-000000000000"] if argument else [])
        except NoReverseMatch:
            print(f"  skipped (not in this tree): {name}")
            continue
        if (name, None) not in chosen:
            chosen.append((name, argument))
    return [(n, a) for n, a in chosen if not only or any(o in n for o in only)]


def url_of(name: str, argument: str | None, node_of: dict) -> str | None:
    from django.urls import reverse

    if argument is None:
        return reverse(name)
    node = node_of[argument]
    return reverse(name, args=[node.uuid]) if node is not None else None


def sessions() -> dict[str, str]:
    """A signed-in session (second factor verified) per bench user, as tests/conftest.py's login() does."""
    from django.conf import settings
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from vigie.accounts.models import User
    from vigie.core.recent import RECENT_KEY

    found = {}
    for username in USERS:
        user = User.objects.get(username=username)
        client = Client()
        client.force_login(user)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = TOTPDevice.objects.get(user=user).persistent_id
        session[RECENT_KEY] = time.time()
        session.save()
        found[username] = session.session_key
    assert settings.SESSION_COOKIE_NAME
    return found


# --- the server --------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(url: str, port: int, processes: int | None) -> subprocess.Popen:
    env = {**os.environ, "VIGIE_DATABASE_URL": url, "PYTHONPATH": str(ROOT / "src"),
           "VIGIE_DATA_DIR": os.environ.get("VIGIE_DATA_DIR", "/tmp/vigie-bench-data"), "VIGIE_LOG_LEVEL": "WARNING"}
    vigie = Path(sys.executable).with_name("vigie")
    command = [str(vigie)] if vigie.exists() else [sys.executable, "-m", "vigie.cli"]
    # Its log goes to a file: a pipe nobody reads fills up, and the logging thread then blocks every other.
    log = open(LOG, "w")
    # No job worker: the export pages start real jobs (200,000 actions, 1,000,000 findings) that would
    # run beside the pages measured after them; what is measured is the request that queues them. The
    # queue left by an earlier run goes too.
    data = Path(env["VIGIE_DATA_DIR"])
    for queue in data.glob("jobs.sqlite3*"):
        queue.unlink()
    options = ["--no-worker", *(["--processes", str(processes)] if processes else [])]
    server = subprocess.Popen([*command, "serve", "--host", "127.0.0.1", "--port", str(port), *options], env=env,
                              stdout=log, stderr=log, text=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"vigie serve stopped: {Path(LOG).read_text()[-2000:]}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return server
        except OSError:
            time.sleep(0.3)
    server.terminate()
    sys.exit("vigie serve did not listen within 60 s")


def stop_server(server: subprocess.Popen) -> None:
    """SIGTERM (vigie serve then stops its job worker), SIGKILL to it and its children if it hangs."""
    started = children(server.pid)
    server.terminate()
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()
        for pid in started:
            try:
                os.kill(pid, 15)
            except ProcessLookupError:
                pass


def web_processes(server: subprocess.Popen) -> list[int]:
    """The processes serving pages: `vigie serve` (gunicorn's master) and its children but the job worker."""
    found = []
    for pid in [server.pid, *children(server.pid)]:
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"serve" in cmdline:
            found.append(pid)
    return found


def children(pid: int) -> list[int]:
    try:
        found = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return []
    return [int(c) for c in found] + [g for c in found for g in children(int(c))]


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


# --- the load ----------------------------------------------------------------------------------------------


def drive(port: int, cookie: str, measure: Measure, requests: int, concurrency: int, budget: float) -> None:
    """`requests` GETs of one URL, `concurrency` at a time, each worker on its own keep-alive connection;
    no request starts once `budget` seconds have passed."""
    from django.conf import settings

    header = {"Cookie": f"{settings.SESSION_COOKIE_NAME}={cookie}", "Host": "127.0.0.1",
              "Accept-Language": "fr"}
    left = iter(range(requests))
    lock = threading.Lock()
    deadline = time.monotonic() + budget

    def worker():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        while True:
            with lock:
                if next(left, None) is None or time.monotonic() > deadline:
                    break
            started = time.perf_counter()
            try:
                conn.request("GET", measure.url, headers=header)
                response = conn.getresponse()
                body = response.read()
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
                with lock:
                    measure.statuses.add("error")
                continue
            elapsed = time.perf_counter() - started
            with lock:
                measure.times.append(elapsed)
                measure.sizes.append(len(body))
                measure.statuses.add(response.status)
            if response.getheader("Connection", "").lower() == "close":
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        conn.close()

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def count_queries(measures: list[Measure], cookies: dict[str, str]) -> None:
    """One request per page and user through the test client, counting its SQL queries."""
    from django.conf import settings
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    for measure in measures:
        reset_queries()  # the log keeps 9,000 queries: once full, CaptureQueriesContext counted nothing
        client = Client(HTTP_HOST="127.0.0.1", HTTP_ACCEPT_LANGUAGE="fr")
        client.cookies[settings.SESSION_COOKIE_NAME] = cookies[measure.user]
        with CaptureQueriesContext(connection) as captured:
            response = client.get(measure.url)
            if response.streaming:
                b"".join(response.streaming_content)
        measure.queries = len(captured)


def run_once(args, port: int, plan: list[tuple[str, str, str]], cookies: dict) -> list[Measure]:
    measures = []
    for user, page, url in plan:
        # Warm-up, not counted: each web process compiles a page's templates and loads what it imports
        # at its first request of it (about a second); a server in service has long done so.
        drive(port, cookies[user], Measure(user, page, url), args.warmup, args.concurrency, args.budget)
        measure = Measure(user, page, url)
        drive(port, cookies[user], measure, args.requests, args.concurrency, args.budget)
        measures.append(measure)
        late = " <- over goal" if measure.times and measure.p(0.95) >= GOAL_MS else ""
        print(f"  {user:<15} {page:<42} p95 {measure.p(0.95) if measure.times else 0:8.0f} ms "
              f"{sorted(map(str, measure.statuses))}{late}", flush=True)
    return measures


def table(runs: list[list[Measure]], peak: list[float], skipped: list[str]) -> str:
    lines = ["| user | page | p50 ms | p95 ms (median of runs) | p95 spread | max ms | bytes | queries | requests | "
             "status |", "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |"]
    missed = []
    for index, first in enumerate(runs[0]):
        same = [run[index] for run in runs if run[index].times]
        if not same:
            lines.append(f"| {first.user} | {first.page} | – | – | – | – | – | {first.queries} | 0 | "
                         f"{'/'.join(sorted(map(str, first.statuses)))} |")
            continue
        p95s = [m.p(0.95) for m in same]
        p95 = statistics.median(p95s)
        p50 = statistics.median(m.p(0.5) for m in same)
        worst = max(max(m.times) for m in same) * 1000
        size = statistics.median(s for m in same for s in m.sizes)
        statuses = "/".join(sorted({str(s) for m in same for s in m.statuses}))
        lines.append(f"| {first.user} | {first.page} | {p50:.0f} | {p95:.0f} | {min(p95s):.0f}–{max(p95s):.0f} | "
                     f"{worst:.0f} | {size:,.0f} | {first.queries if first.queries is not None else '–'} | "
                     f"{sum(len(m.times) for m in same)} | {statuses} |")
        if p95 >= GOAL_MS:
            missed.append(f"{first.page} for {first.user}: p95 {p95:.0f} ms")
    lines.append("")
    lines.append(f"Server peak memory: {sum(peak):.0f} MB, the sum of the VmHWM of its {len(peak)} processes "
                 f"(largest {max(peak, default=0):.0f} MB; pages shared between them counted in each; goal < 1024 MB).")
    lines.append("Pages over the p95 < 300 ms goal: " + ("; ".join(missed) if missed else "none") + ".")
    if skipped:
        lines.append("Steering pages not in this tree (skipped): " + ", ".join(skipped) + ".")
    return "\n".join(lines) + "\n"


def main(argv=None) -> None:
    args = parse_args(argv)
    setup_django(args.database_url)
    node_of = nodes()
    cookies = sessions()
    routes = pages(args.pages)
    skipped = [n for n in STEERING if n not in {r for r, _a in routes}] if not args.pages else []
    plan = []
    for user in args.users:
        for name, argument in routes:
            url = url_of(name, argument, node_of[user])
            if url is not None:
                plan.append((user, name, url))
    port = free_port()
    print(f"{len(plan)} page × user pairs, {args.requests} requests each at concurrency {args.concurrency}, "
          f"{args.runs} run(s); vigie serve on 127.0.0.1:{port}", flush=True)
    server = start_server(args.database_url, port, args.processes)
    try:
        time.sleep(2)  # gunicorn's processes are forked once the socket listens
        runs = []
        for number in range(args.runs):
            print(f"run {number + 1}/{args.runs}", flush=True)
            runs.append(run_once(args, port, plan, cookies))
        peak = [peak_rss_mb(pid) for pid in web_processes(server)]
    finally:
        stop_server(server)
    if not args.no_queries:
        print("counting queries (test client)", flush=True)
        count_queries(runs[0], cookies)
    report = table(runs, peak, skipped)
    args.output.write_text(report)
    print(report)
    print(f"table written to {args.output}")


if __name__ == "__main__":
    main()
