"""Rules whose weakness cannot be seeded in Samba, proven on a hand-built snapshot (tests/directory/builders.py):
each fires on the weak objects and stays silent on their clean counterparts."""

from __future__ import annotations

import pytest

from vigie.directory.engine import analyse

from .builders import NOW, build

EXPECTED = {
    # rule id: (names that must be affected, clean names that must not)
    "privileged_password_age": ({"oldadmin"}, {"freshadmin", "Administrator"}),
    "sid_history_dangerous": ({"migrated"}, {"migrated_ext", "normal"}),
    "sid_history_present": ({"migrated", "migrated_ext"}, {"normal"}),
    "primary_group_id_low": ({"hiddenadmin"}, {"normal", "DC1$"}),
    "large_privileged_groups": ({"Backup Operators"}, {"Domain Admins"}),
    "dc_password_age": ({"DCOLD$"}, {"DC1$"}),
    "dc_inactive": ({"DCOLD$"}, {"DC1$"}),
    "server_password_90": ({"SRVOLD$"}, {"SRVOK$"}),
    "server_password_45": ({"SRVOLD$"}, {"SRVOK$"}),
    "inactive_servers": ({"SRVOLD$"}, {"SRVOK$"}),
    "trust_account_password": ({"TRUSTED$"}, {"FRESHTRUST$"}),
    "trust_not_filtered": ({"nofilter.example"}, {"filtered.example", "forestok.example"}),
    "trust_forest_sidhistory": ({"forestsh.example"}, {"forestok.example"}),
    "trust_tgt_delegation": ({"tgtdeleg.example"}, {"tgtnodeleg.example"}),
    "pre2000_anonymous": ({"Pre-Windows 2000 Compatible Access"}, set()),
    "functional_level_l1": ({"Partitions", "example.local"}, set()),
    "functional_level_l3": ({"Partitions", "example.local"}, set()),
    "functional_level_l4": ({"Partitions", "example.local"}, set()),
    "dsheuristics": ({"Directory Service"}, set()),
    "acl_dc": ({"DC1$"}, {"DCOLD$"}),
    "acl_gpo_container": ({"Policies"}, set()),
    "acl_domain_root": ({"example.local"}, set()),
    "acl_privileged_members": ({"Domain Admins"}, {"Backup Operators"}),
    "dormant_accounts": ({"neverused"}, {"normal", "Guest", "krbtgt"}),
    "privileged_outside_protected_users": ({"oldadmin", "Administrator"}, {"freshadmin"}),
}


def _name(a):
    return "example.local" if a.dn.startswith("DC=") else a.name


@pytest.fixture(scope="module")
def result():
    return analyse(build(), now=NOW)


@pytest.mark.parametrize("rule_id", sorted(EXPECTED))
def test_rule_on_hand_built_snapshot(result, rule_id):
    """The rule lists exactly its weak objects among the ones we look at."""
    weak, clean = EXPECTED[rule_id]
    found = {f.rule_id: {_name(a) for a in f.affected} for f in result.findings}
    assert weak <= found.get(rule_id, set()), found.get(rule_id)
    assert not clean & found.get(rule_id, set())


def test_acl_details(result):
    """The dangerous entry is explained; inherit-only and privileged trustees are ignored."""
    f = {f.rule_id: f for f in result.findings}
    assert [a.detail for a in f["acl_domain_root"].affected] == ["carol: DS-Replication-Get-Changes"]
    assert [a.detail for a in f["acl_privileged_members"].affected] == ["carol: WriteProperty(member)"]
    assert [a.detail for a in f["acl_gpo_container"].affected] == ["bob: WriteDacl"]
    assert "AdminSDHolder" in f["dsheuristics"].affected[0].detail


def test_clean_snapshot_parts_stay_silent(result):
    """Machine account quota 0 and a disabled Guest raise nothing."""
    ids = {f.rule_id for f in result.findings}
    assert "machine_account_quota" not in ids and "guest_enabled" not in ids
    assert "krbtgt_password_age" not in ids


def test_small_privileged_group_is_not_large():
    res = analyse(build(large=3), now=NOW)
    assert "large_privileged_groups" not in {f.rule_id for f in res.findings}


@pytest.mark.parametrize("level, failing", [
    (2, {"functional_level_l1", "functional_level_l3", "functional_level_l4"}),  # 2003
    (6, {"functional_level_l4"}),  # 2012 R2
    (7, set()),  # 2016 and later: clean
])
def test_functional_levels(level, failing):
    """Each functional-level rule fires below its own threshold only."""
    res = analyse(build(functional_level=level), now=NOW)
    assert {f.rule_id for f in res.findings if f.rule_id.startswith("functional_level")} == failing


def test_result_summary(result):
    """Levels, counts and coverage are filled; level is 1 because level-1 checks fail."""
    assert result.level == 1 and result.domain == "example.local"
    assert result.domain_functional_level == 2 and result.forest_functional_level == 2
    assert all(f.level == 1 for f in result.next_level_blockers)
    assert result.findings == tuple(sorted(result.findings, key=lambda f: (-f.score, f.rule_id)))
    assert "vuln_krbtgt" in {r.anssi_id for r in result.covered}
    assert "vuln_certificates_vuln" in result.not_computable
    assert not {r.anssi_id for r in result.covered} & set(result.not_computable)
