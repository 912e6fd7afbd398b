"""End to end on the namespace test bed (tests/testbeds/netns.py): a scheduled-style scan job of an
organisation whose attested scope is the test zone and the test bed's network, through the real engine;
findings, inventory, audit; a second scan shows nothing new; a retest of a still-exposed service keeps
it open. Traffic goes only to the namespaces the test bed created."""

import pytest

from tests.exposure.app_builders import attest_scope, english, run_jobs  # noqa: F401
from tests.testbeds.netns import ZONE
from vigie.exposure import services
from vigie.exposure.models import Asset, Audit, Finding, Scan, Service
from vigie.exposure.scope import ensure_schedule

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def test_a_scan_job_on_the_test_bed_files_findings_inventory_and_audit(world, netbed, settings):
    from vigie.exposure.engine import Limits

    settings.VIGIE_EXPOSURE_LIMITS = Limits(connect_timeout=0.5, read_timeout=2.0, retries=0)
    settings.VIGIE_EXPOSURE_CAFILE = netbed.cafile
    org = world.hospital_a
    attest_scope(org, ZONE)
    attest_scope(org, *[netbed.address(name) for name in ("poste", "expire", "web")])
    schedule = ensure_schedule(org)
    schedule.ports, schedule.nameservers = "80,443,3389,445", netbed.address("ns1")
    schedule.full_clean()
    schedule.save()

    first = services.start_scan(org, world.alice)
    run_jobs()
    first.refresh_from_db()
    assert first.status == Scan.Status.DONE, first.message
    poste, expire = netbed.address("poste"), netbed.address("expire")
    rdp = Finding.objects.get(organisation=org, check_id="service.rdp", target=poste, port=3389)
    assert rdp.status == Finding.Status.OPEN
    assert Finding.objects.filter(organisation=org, check_id="tls.expired", target=expire, port=443).exists()
    assert Finding.objects.filter(organisation=org, check_id="dns.zone_transfer", target=ZONE).exists()
    assert Service.objects.get(asset__value=poste, port=445).open
    assert Asset.objects.filter(organisation=org, kind="domain", value=ZONE).exists()
    assert Audit.objects.get(scan=first).level == 1
    assert first.diff["baseline"] is False

    second = services.start_scan(org, world.alice)
    run_jobs()
    second.refresh_from_db()
    assert second.diff["baseline"] is True and second.diff["count"] == 0
    assert Finding.objects.filter(organisation=org, check_id="service.rdp").count() == 1

    retest = services.start_retest(rdp, world.alice)
    run_jobs()
    retest.refresh_from_db()
    rdp.refresh_from_db()
    assert retest.status == Scan.Status.DONE and rdp.status == Finding.Status.OPEN
    assert retest.message == "Still present."
