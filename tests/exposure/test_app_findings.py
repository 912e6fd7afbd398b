"""Findings followed from scan to scan: identity, dedup, lifecycle, risk acceptance and its expiry, PAQ."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from tests.exposure.app_builders import english  # noqa: F401
from tests.exposure.app_builders import ADDRESS, covered, finding, result, store
from vigie.actions.models import Action
from vigie.exposure import findings as lifecycle
from vigie.exposure.models import Finding, FindingEvent, Service

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]
S = Finding.Status


def action_of(f):
    return Action.objects.get(source="finding", source_key=f.action_key)


def test_it_deduplicates_a_finding_across_scans_by_identity_not_title(world):
    org = world.hospital_a
    first = store(org, result([finding(evidence="RDP open, NLA on")]))
    second = store(org, result([finding(evidence="RDP open, NLA off")]))
    rows = Finding.objects.filter(organisation=org)
    assert rows.count() == 1
    row = rows.get()
    assert row.first_scan == first and row.last_scan == second
    assert row.evidence == "RDP open, NLA off" and row.status == S.OPEN
    assert Action.objects.filter(source="finding", source_key=row.action_key).count() == 1


def test_it_keeps_two_findings_of_one_check_apart_by_evidence_key(world):
    store(world.hospital_a, result([finding("vuln-cve", 443, "high", "CVE-2024-1"),
                                    finding("vuln-cve", 443, "high", "CVE-2024-2")]))
    assert Finding.objects.filter(check_id="vuln-cve").count() == 2


def test_a_covered_scan_that_no_longer_sees_it_fixes_it_and_closes_the_action(world):
    org = world.hospital_a
    seen = finding()
    store(org, result([seen]))
    store(org, result([], coverage=covered(seen)))
    row = Finding.objects.get()
    assert row.status == S.FIXED
    assert action_of(row).status == "done"


def test_a_scan_that_did_not_cover_the_check_leaves_it_open(world):
    org = world.hospital_a
    store(org, result([finding()]))
    store(org, result([], coverage=()))
    row = Finding.objects.get()
    assert row.status == S.OPEN
    assert action_of(row).status == "open"


def test_a_fixed_finding_seen_again_reopens_with_its_action(world):
    org = world.hospital_a
    seen = finding()
    store(org, result([seen]))
    store(org, result([], coverage=covered(seen)))
    store(org, result([seen]))
    row = Finding.objects.get()
    assert row.status == S.OPEN
    assert action_of(row).status == "open"
    assert list(row.events.order_by("at", "id").values_list("new_status", flat=True)) == ["open", "fixed", "open"]


def test_an_accepted_risk_stays_accepted_across_rescans_until_it_expires(world):
    org = world.hospital_a
    store(org, result([finding()]))
    row = Finding.objects.get()
    until = timezone.localdate() + datetime.timedelta(days=30)
    lifecycle.accept_risk(row, user=world.alice, reason="Passerelle remplacée en juin", until=until)
    assert action_of(row).status == "done"
    store(org, result([finding()]))
    row.refresh_from_db()
    assert row.status == S.ACCEPTED and row.accepted_until == until

    Finding.objects.filter(pk=row.pk).update(accepted_until=timezone.localdate() - datetime.timedelta(days=1))
    store(org, result([finding()]))
    row.refresh_from_db()
    assert row.status == S.OPEN and row.accepted_until is None
    assert action_of(row).status == "open"


def test_expired_acceptances_reopen_without_a_scan(world):
    store(world.hospital_a, result([finding()]))
    row = Finding.objects.get()
    lifecycle.accept_risk(row, user=world.alice, reason="Accepté", until=timezone.localdate() + datetime.timedelta(days=3))
    assert lifecycle.reopen_expired(timezone.localdate() + datetime.timedelta(days=2)) == 0
    assert lifecycle.reopen_expired(timezone.localdate() + datetime.timedelta(days=4)) == 1
    row.refresh_from_db()
    assert row.status == S.OPEN


def test_accepting_a_risk_needs_a_reason_and_a_future_bounded_expiry(world):
    store(world.hospital_a, result([finding()]))
    row = Finding.objects.get()
    with pytest.raises(ValidationError, match="Explain"):
        lifecycle.accept_risk(row, user=world.alice, reason=" ", until=timezone.localdate() + datetime.timedelta(days=3))
    with pytest.raises(ValidationError, match="after today"):
        lifecycle.accept_risk(row, user=world.alice, reason="x", until=timezone.localdate())
    with pytest.raises(ValidationError, match="at most"):
        lifecycle.accept_risk(row, user=world.alice, reason="x", until=timezone.localdate() + datetime.timedelta(days=400))
    row.refresh_from_db()
    assert row.status == S.OPEN


def test_retest_verifies_a_fixed_finding_only_when_it_covered_the_check(world):
    org = world.hospital_a
    seen = finding()
    store(org, result([seen]))
    row = Finding.objects.get()
    lifecycle.mark_fixed(row, user=world.alice)
    assert row.status == S.FIXED

    uncovered = store(org, result([], coverage=(), hosts=()), kind="retest", finding=row)
    row.refresh_from_db()
    assert row.status == S.FIXED
    assert "Not conclusive" in uncovered.message

    other_port = store(org, result([], coverage=covered(finding(port=3390)), hosts=()), kind="retest", finding=row)
    row.refresh_from_db()
    assert row.status == S.FIXED, other_port.message

    store(org, result([], coverage=covered(seen), hosts=()), kind="retest", finding=row)
    row.refresh_from_db()
    assert row.status == S.VERIFIED
    assert action_of(row).status == "done"


def test_a_retest_touches_only_its_finding(world):
    org = world.hospital_a
    a, b = finding(), finding("telnet-exposed", 23, "high")
    store(org, result([a, b]))
    target = Finding.objects.get(check_id="rdp-exposed")
    store(org, result([], coverage=covered(a, b), hosts=()), kind="retest", finding=target)
    assert Finding.objects.get(check_id="rdp-exposed").status == S.VERIFIED
    assert Finding.objects.get(check_id="telnet-exposed").status == S.OPEN


def test_a_retest_that_still_sees_it_reopens_a_fixed_finding(world):
    org = world.hospital_a
    seen = finding()
    store(org, result([seen]))
    row = Finding.objects.get()
    lifecycle.mark_fixed(row, user=world.alice)
    scan = store(org, result([seen], hosts=()), kind="retest", finding=row)
    row.refresh_from_db()
    assert row.status == S.OPEN and scan.message == "Still present."


def test_inventory_keeps_first_and_last_seen_and_closes_ports(world):
    from tests.exposure.app_builders import host

    org = world.hospital_a
    store(org, result(hosts=(host(open_ports=(3389, 443)),)))
    first = Service.objects.get(port=3389).first_seen
    store(org, result(hosts=(host(open_ports=(443,), closed=(3389,)),)))
    rdp = Service.objects.get(port=3389)
    assert rdp.open is False and rdp.first_seen == first
    https = Service.objects.get(port=443)
    assert https.certificates.get().names == ["portail.ch-a.test"]
    assert https.sightings.count() == 2
    assert rdp.asset.value == ADDRESS


def test_findings_of_one_organisation_never_touch_another(world):
    store(world.hospital_a, result([finding()]))
    store(world.hospital_b, result([], coverage=covered(finding())))
    assert Finding.objects.get(organisation=world.hospital_a).status == S.OPEN
    assert FindingEvent.objects.filter(organisation=world.hospital_b).count() == 0
