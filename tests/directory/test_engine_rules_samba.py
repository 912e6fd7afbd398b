"""Rules against the real Samba AD DC seeded by tests/testbeds/samba_ad.py: each rule fires on the
seeded weak objects and never names the clean ones (alice, auditor, cleanadm, WS02$)."""

from __future__ import annotations

import pytest

from tests.testbeds.samba_ad import CLEAN

EXPECTED = {
    "privileged_spn": {"admin2"},
    "privileged_no_preauth": {"privasrep"},
    "no_preauth": {"asrep", "privasrep"},
    "des_only": {"desuser"},
    "krbtgt_password_age": {"krbtgt"},
    "unconstrained_delegation": {"SRV01$"},
    "protocol_transition_sensitive": {"WS01$"},
    "dormant_accounts": {"dormant"},
    "password_never_expires": {"neverexp", "privasrep"},
    "privileged_password_never_expires": {"privasrep"},
    "reversible_password": {"revuser", "privasrep"},
    "privileged_reversible_password": {"privasrep"},
    "privileged_no_admincount": {"admin2", "privasrep"},
    "admincount_orphans": {"svc_sql"},
    "privileged_outside_protected_users": {"admin2", "privasrep"},
    "privileged_delegable": {"admin2", "privasrep"},
    "guest_enabled": {"Guest"},
    "pre2000_used": {"Pre-Windows 2000 Compatible Access"},
    "machine_account_quota": {"test.local"},
    "functional_level_l3": {"test.local", "Partitions"},
    "functional_level_l4": {"test.local", "Partitions"},
    "server_password_90": {"SRV01$"},
    "server_password_45": {"SRV01$"},
    "laps_missing": {"SRV01$"},
    "acl_adminsdholder": {"AdminSDHolder"},
    "acl_domain_root": {"test.local"},
    "dsheuristics": {"Directory Service"},
}
# Exactly these objects, no others, for the rules where the whole directory is known.
EXACT = {"privileged_spn", "privileged_no_preauth", "no_preauth", "des_only", "unconstrained_delegation",
         "protocol_transition_sensitive", "dormant_accounts", "acl_adminsdholder", "acl_domain_root",
         "laps_missing", "admincount_orphans", "krbtgt_password_age"}


def _names(finding):
    return {"test.local" if a.dn.lower().startswith("dc=") else a.name for a in finding.affected}


@pytest.fixture(scope="module")
def found(collected):
    _info, result, _calls = collected
    return {f.rule_id: _names(f) for f in result.findings}


@pytest.mark.parametrize("rule_id", sorted(EXPECTED))
def test_rule_fires_on_seeded_weakness(found, rule_id):
    """The rule names the seeded weak objects (and only them where the directory is fully known)."""
    assert EXPECTED[rule_id] <= found.get(rule_id, set()), found.get(rule_id)
    if rule_id in EXACT:
        assert found[rule_id] == EXPECTED[rule_id]


def test_clean_objects_raise_nothing(collected):
    """No finding of any rule names a clean counterpart."""
    _info, result, _calls = collected
    for f in result.findings:
        assert not set(CLEAN) & _names(f), f.rule_id


def test_acl_detail_names_trustee(collected):
    _info, result, _calls = collected
    f = {f.rule_id: f for f in result.findings}
    assert [a.detail for a in f["acl_adminsdholder"].affected] == ["eve: GenericAll"]
    assert [a.detail for a in f["acl_domain_root"].affected] == ["mallory: DS-Replication-Get-Changes-All"]
    assert {a.detail for a in f["protocol_transition_sensitive"].affected} == {"cifs/dc1.test.local"}


def test_level_and_summary(collected):
    info, result, _calls = collected
    assert result.level == 1
    assert result.domain == "test.local" and result.domain_sid == info.domain_sid
    assert result.domain_functional_level == 4 and result.forest_functional_level == 4
