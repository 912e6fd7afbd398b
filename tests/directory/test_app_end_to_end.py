"""End to end against the real Samba AD DC of tests/testbeds: register it as a directory, run the audit job
(live collection by the read-only account, analysis), and find the seeded weaknesses stored as findings."""

import pytest

from tests.directory.app_fixtures import run_jobs
from vigie.directory import services
from vigie.directory.models import Audit, Directory

pytestmark = pytest.mark.django_db


def test_it_audits_the_test_domain_controller(samba, world):
    from vigie.actions.models import Action, DeadlineCompletion

    directory = Directory(organisation=world.hospital_a, name="Samba test DC", domain="test.local",
                          server=samba.address, port=samba.ldaps_port, security="ldaps",
                          username=samba.reader_user, base_dn=samba.base_dn, verify_certificate=False)
    directory.set_password(samba.reader_password)
    directory.full_clean()
    directory.save()
    audit = services.start_audit(directory, world.alice)
    run_jobs()
    audit.refresh_from_db()
    assert audit.status == Audit.Status.DONE, audit.message
    assert audit.source == Audit.Source.LIVE and len(audit.snapshot_sha256) == 64
    assert services.media(audit.snapshot_file).is_file()
    assert audit.level is not None and 1 <= audit.level <= 5
    rules = set(audit.findings.values_list("rule_id", flat=True))
    assert {"privileged_spn", "no_preauth", "unconstrained_delegation"} <= rules
    spn = audit.findings.get(rule_id="privileged_spn")
    assert "admin2" in {o["name"] for o in spn.affected}
    assert Action.objects.filter(organisation=world.hospital_a, source="audit_check").count() == len(rules)
    assert DeadlineCompletion.objects.filter(organisation=world.hospital_a, deadline="ad-audit").exists()


@pytest.mark.parametrize("auth, user", [("kerberos", "auditor@TEST.LOCAL"), ("ntlm", "TEST\\auditor")])
def test_kerberos_and_ntlm_directories(samba, world, request, auth, user):
    """A directory set to Kerberos (the DC's KDC from krb5.conf) or NTLM on sealed LDAP audits like LDAPS."""
    if auth == "kerberos":
        request.getfixturevalue("krb5")
    directory = Directory(organisation=world.hospital_a, name=f"Samba {auth}", domain="test.local",
                          server=samba.address, port=samba.ldap_port, security="plain-signed", auth_method=auth,
                          username=user, kerberos_host=samba.kerberos_host if auth == "kerberos" else "")
    directory.set_password(samba.reader_password)
    directory.full_clean()
    directory.save()
    audit = services.start_audit(directory, world.alice)
    run_jobs()
    audit.refresh_from_db()
    assert audit.status == Audit.Status.DONE, audit.message
    assert "privileged_spn" in set(audit.findings.values_list("rule_id", flat=True))


def test_simple_bind_without_tls_is_refused_by_the_form_rules(world):
    from django.core.exceptions import ValidationError

    directory = Directory(organisation=world.hospital_a, name="x", domain="x.local", server="127.0.0.1",
                          security="plain-signed", auth_method="simple")
    with pytest.raises(ValidationError) as refused:
        directory.full_clean()
    assert "NTLM ou Kerberos" in refused.value.message_dict["security"][0]  # French first
