"""Helpers for the exposure app's tests: engine results built by hand, attested scope, queued jobs run here."""

import datetime

import pytest

from django.utils import timezone

from vigie.exposure.engine import Certificate, Coverage, Finding, Host, PortState, ScanResult, Service, TlsInfo

ADDRESS = "198.18.0.10"


def attest_scope(organisation, *values, user=None, days=365):
    from vigie.exposure.scope import attest, entry_from

    entries = []
    for value in values:
        entry = entry_from(organisation, value, "domain" if value.count(".") == 1 and not value[0].isdigit() else "")
        entry.save()
        entries.append(entry)
    attest(entries, user=user, name="Rémi RSSI", function="RSSI",
           until=timezone.localdate() + datetime.timedelta(days=days))
    return entries


def finding(check_id="rdp-exposed", port=3389, severity="critical", key="", address=ADDRESS, evidence="RDP open"):
    return Finding(check_id=check_id, severity=severity, address=address, port=port, evidence_key=key,
                   evidence=evidence)


def covered(*findings, address=ADDRESS):
    return tuple(Coverage(f.check_id, f.address or f.domain or address, f.port) for f in findings)


def certificate(days_left=200):
    now = datetime.datetime.now(datetime.UTC)
    return Certificate(subject="CN=portail.ch-a.test", issuer="CN=Test CA", names=("portail.ch-a.test",),
                       not_before=now - datetime.timedelta(days=30), not_after=now + datetime.timedelta(days=days_left),
                       self_signed=False, sha256="ab" * 32)


def host(address=ADDRESS, open_ports=(3389, 443), closed=()):
    services = []
    for port in open_ports:
        name = {3389: "rdp", 443: "https", 22: "ssh", 5432: "postgresql"}.get(port, "unknown")
        services.append(Service(address=address, port=port, name=name, product="nginx" if port == 443 else "",
                                version="1.24.0" if port == 443 else "",
                                tls=TlsInfo(versions=("TLSv1.3",), chain=(certificate(),)) if port == 443 else None))
    ports = tuple(PortState(address, p, "open") for p in open_ports) + tuple(
        PortState(address, p, "closed") for p in closed)
    return Host(address=address, names=("portail.ch-a.test",), ports=ports, services=tuple(services))


def result(findings=(), coverage=None, hosts=None, when=None):
    when = when or timezone.now()
    hosts = (host(),) if hosts is None else hosts
    return ScanResult(started=when - datetime.timedelta(minutes=1), finished=when, targets=(ADDRESS,),
                      hosts=tuple(hosts), findings=tuple(findings),
                      coverage=covered(*findings) if coverage is None else tuple(coverage), ports_probed=1000)


def new_scan(organisation, kind="scan", finding=None):
    from vigie.exposure.models import Scan

    return Scan.objects.create(organisation=organisation, kind=kind, finding=finding, targets=[ADDRESS])


def store(organisation, res, kind="scan", finding=None):
    from vigie.exposure.services import store_result

    return store_result(new_scan(organisation, kind, finding), res)


def run_jobs():
    """Run the queued jobs here (the tests' transaction never commits, so nothing was sent to a worker)."""
    from vigie.core.jobs import run
    from vigie.core.models import Job

    for job in Job.objects.filter(status=Job.Status.QUEUED).order_by("id"):
        run(str(job.uuid))


@pytest.fixture
def english():
    """Messages in English, as the assertions read them (the interface is French by default)."""
    from django.utils import translation

    with translation.override("en"):
        yield
