"""End to end through the jobs and the real engine, on loopback only: a scan job finds a login page served
over plain HTTP by a real server on 127.0.0.1, the finding becomes a PAQ action; the server is fixed (it
serves HTTPS-only redirects), a one-click retest job verifies the finding and closes the action.
127.0.0.1 is the attested scope; the port scanned is the test server's only."""

import http.server
import threading

import pytest

from tests.exposure.app_builders import attest_scope, english, run_jobs  # noqa: F401
from vigie.actions.models import Action
from vigie.core.models import Job
from vigie.exposure import services
from vigie.exposure.models import Audit, Finding, Scan, Service
from vigie.exposure.scope import ensure_schedule

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]
LOGIN = b"<html><head><title>Portail patient</title></head><body><form method=post>" \
        b"<input name=user><input type=password name=pass></form></body></html>"


class Portal(http.server.BaseHTTPRequestHandler):
    fixed = False

    def do_GET(self):  # noqa: N802 - the http.server API
        if Portal.fixed:
            self.send_response(301)
            self.send_header("Location", "https://portail.ch-a.test/")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.send_response(200 if self.path == "/" else 404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(LOGIN)))
        self.end_headers()
        self.wfile.write(LOGIN)

    def log_message(self, *args):
        pass


@pytest.fixture
def portal():
    Portal.fixed = False
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Portal)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def test_a_scan_job_finds_the_login_page_and_a_retest_job_verifies_its_fix(world, portal, settings):
    from vigie.exposure.engine import Limits

    settings.VIGIE_EXPOSURE_LIMITS = Limits(connect_timeout=0.5, read_timeout=2.0)
    org = world.hospital_a
    port = portal.server_address[1]
    attest_scope(org, "127.0.0.1")
    schedule = ensure_schedule(org)
    schedule.ports = str(port)
    schedule.save()

    scan = services.start_scan(org, world.alice)
    run_jobs()
    scan.refresh_from_db()
    assert scan.status == Scan.Status.DONE, scan.message
    assert Job.objects.get(pk=scan.job_id).status == Job.Status.DONE
    service = Service.objects.get(organisation=org, port=port)
    assert service.name == "http" and service.open
    finding = Finding.objects.get(organisation=org, check_id="http.login_cleartext")
    assert finding.status == Finding.Status.OPEN and finding.port == port and finding.target == "127.0.0.1"
    assert finding.title_fr == "Page de connexion en HTTP non chiffré"
    action = Action.objects.get(source="finding", source_key=finding.action_key)
    assert action.status == "open" and action.priority == "high"
    assert Audit.objects.get(scan=scan).level == 2

    Portal.fixed = True
    retest = services.start_retest(finding, world.alice)
    run_jobs()
    retest.refresh_from_db()
    finding.refresh_from_db()
    assert retest.status == Scan.Status.DONE and retest.targets == ["127.0.0.1"]
    assert finding.status == Finding.Status.VERIFIED, retest.message
    action.refresh_from_db()
    assert action.status == "done"
    assert Job.objects.get(pk=retest.job_id).result_url == finding.get_absolute_url()
