import gzip
import re
import json
import copy
from pathlib import Path

import pytest
from vigie.exposure.engine import VulnDBError
from vigie.exposure.engine.vulndb import VulnDB
from vigie.exposure.engine.vulndb._db import check_starter, load_starter

DATA = Path(__file__).parent / "data"
NVD = DATA / "nvd-sample.json"
KEV = Path("/work/shared/data/cisa-kev/known_exploited_vulnerabilities.json")
if not KEV.exists():  # the same catalogue, beside the repository in CI checkouts
    KEV = Path(__file__).resolve().parents[3] / "shared/data/cisa-kev/known_exploited_vulnerabilities.json"
OPENSSH = "cpe:2.3:a:openbsd:openssh:{}:*:*:*:*:*:*:*"


@pytest.fixture
def db(tmp_path):
    base = VulnDB.open(tmp_path / "vulndb.sqlite3")
    yield base
    base.close()


def cves(db, cpe):
    return [v.cve for v in db.lookup(cpe)]


def test_nvd_feed_is_imported_with_counts_scores_and_ranges(db):
    counts = db.import_nvd(NVD)
    assert (counts.kind, counts.vulnerabilities, counts.matches) == ("nvd", 3, 4)  # the platform match is not vulnerable
    assert "CVE-2023-38408" in cves(db, OPENSSH.format("9.2p1"))
    assert "CVE-2023-38408" not in cves(db, OPENSSH.format("9.3p2"))
    httpd = db.lookup("cpe:2.3:a:apache:http_server:2.4.6:*:*:*:*:*:*:*")
    assert [v.cve for v in httpd if v.cve == "CVE-2023-25690"] and httpd[0].cvss == 9.8  # the Primary score
    assert "CVE-2023-25690" not in cves(db, "cpe:2.3:a:apache:http_server:2.4.58:*:*:*:*:*:*:*")
    forti = {v.cve: v for v in db.lookup("cpe:2.3:o:fortinet:fortios:7.2.1:*:*:*:*:*:*:*")}
    assert forti["CVE-2022-40684"].cvss == 9.3  # CVSS 4.0 when there is no 3.1
    assert "CVE-2022-40684" not in cves(db, "cpe:2.3:o:fortinet:fortios:7.2.2:*:*:*:*:*:*:*")


def test_gzipped_feed_is_accepted(db, tmp_path):
    packed = tmp_path / "nvdcve-2.0-sample.json.gz"
    packed.write_bytes(gzip.compress(NVD.read_bytes()))
    assert db.import_file(packed).vulnerabilities == 3


def test_kev_catalogue_flags_and_raises(db):
    db.import_nvd(NVD)
    assert not {v.cve: v for v in db.lookup("cpe:2.3:o:fortinet:fortios:7.0.5:*:*:*:*:*:*:*")}["CVE-2022-40684"].kev
    counts = db.import_kev(KEV)
    assert (counts.kind, counts.vulnerabilities) == ("kev", json.loads(KEV.read_text())["count"])
    forti = {v.cve: v for v in db.lookup("cpe:2.3:o:fortinet:fortios:7.0.5:*:*:*:*:*:*:*")}
    assert forti["CVE-2022-40684"].kev and forti["CVE-2022-40684"].kev_date_added == "2022-10-11"
    assert not {v.cve: v for v in db.lookup(OPENSSH.format("9.2p1"))}["CVE-2023-38408"].kev
    assert db.stats().kev_catalog == "2025.08.25" and db.is_kev("CVE-2022-40684") and not db.is_kev("CVE-2023-38408")


def _assert_unchanged(db, before):
    assert db.stats() == before


@pytest.mark.parametrize(("content", "message"), [
    (b'{"vulnerabilities": [{"cve": {"id": "CVE-2024-0001"', "malformed JSON at line 1"),
    (b'{"resultsPerPage": 1}', "neither an NVD CVE 2.0 feed"),
    (b'{"format": "NVD_CVE", "vulnerabilities": [{"cve": {"id": "CVE-2024-0001"}}, {"cve": {}}]}',
     "vulnerabilities[1]: no \"cve\" object with a CVE id"),
    (b'{"format": "NVD_CVE", "vulnerabilities": [{"cve": {"id": "CVE-2024-0001", "configurations": [{"nodes": '
     b'[{"cpeMatch": [{"vulnerable": true, "criteria": "openssh"}]}]}]}}]}', "CVE-2024-0001): not a CPE 2.3 name"),
    (b"\xff\xfe\x00garbage", "not a UTF-8 text file"),
])
def test_bad_files_are_refused_naming_the_file_and_change_nothing(db, tmp_path, content, message):
    before = db.stats()
    bad = tmp_path / "feed.json"
    bad.write_bytes(content)
    with pytest.raises(VulnDBError, match=re.escape(message)) as raised:
        db.import_file(bad)
    assert raised.value.path == str(bad) and str(bad) in str(raised.value)
    _assert_unchanged(db, before)


def test_truncated_gzip_is_refused_and_nothing_half_imported(db, tmp_path):
    packed = gzip.compress(NVD.read_bytes())
    bad = tmp_path / "feed.json.gz"
    bad.write_bytes(packed[: len(packed) // 2])
    before = db.stats()
    with pytest.raises(VulnDBError, match="truncated gzip"):
        db.import_nvd(bad)
    _assert_unchanged(db, before)


def test_a_failing_entry_rolls_back_the_entries_before_it(db, tmp_path):
    feed = json.loads(NVD.read_text())
    feed["vulnerabilities"].append({"cve": {"id": "CVE-2099-0001", "configurations": [
        {"nodes": [{"cpeMatch": [{"vulnerable": True, "criteria": "cpe:2.3:a:broken"}]}]}]}})
    bad = tmp_path / "feed.json"
    bad.write_text(json.dumps(feed))
    with pytest.raises(VulnDBError, match=r"vulnerabilities\[3\]"):
        db.import_nvd(bad)
    assert "CVE-2023-38408" not in cves(db, OPENSSH.format("9.2p1"))


def test_kev_file_given_as_nvd_is_refused(db):
    with pytest.raises(VulnDBError, match="not an NVD CVE 2.0 feed"):
        db.import_nvd(KEV)
    with pytest.raises(VulnDBError, match="not a CISA KEV catalogue"):
        db.import_kev(NVD)


def test_missing_file_and_non_database_are_clear(tmp_path):
    with pytest.raises(VulnDBError, match="cannot read the file"):
        VulnDB.open(":memory:").import_file(tmp_path / "absent.json")
    junk = tmp_path / "junk.sqlite3"
    junk.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(VulnDBError, match="not a Vigie knowledge base"):
        VulnDB.open(junk)


def test_fresh_base_detects_the_starter_set_without_import(db):
    found = {v.cve: v for v in db.lookup("cpe:2.3:o:fortinet:fortios:7.2.4:*:*:*:*:*:*:*")}
    assert {"CVE-2023-27997", "CVE-2024-21762"} <= set(found) and found["CVE-2024-21762"].kev
    assert "CVE-2022-42475" not in found  # fixed in 7.2.3
    assert cves(db, "cpe:2.3:a:ivanti:connect_secure:22.7R2.4:*:*:*:*:*:*:*") == ["CVE-2025-0282"]
    assert cves(db, "cpe:2.3:a:ivanti:connect_secure:22.7R2.5:*:*:*:*:*:*:*") == []
    assert "CVE-2024-3400" in cves(db, "cpe:2.3:o:paloaltonetworks:pan-os:11.1.2:*:*:*:*:*:*:*")
    assert "CVE-2024-3400" not in cves(db, "cpe:2.3:o:paloaltonetworks:pan-os:11.1.2-h3:*:*:*:*:*:*:*")
    assert "CVE-2023-4966" in cves(db, "cpe:2.3:a:citrix:netscaler_gateway:13.1-49.13:*:*:*:*:*:*:*")
    assert cves(db, "cpe:2.3:a:openbsd:openssh:*:*:*:*:*:*:*:*") == []


ZIMBRA = "cpe:2.3:a:zimbra:collaboration:{}:{}:*:*:*:*:*:*"
ESXI = "cpe:2.3:o:vmware:esxi:{}:{}:*:*:*:*:*:*"


@pytest.mark.parametrize(("cpe", "expected"), [
    # Zimbra: the patch level is NVD's update field; each CVE stops at the patch that fixed it
    (ZIMBRA.format("8.8.15", "p30"), {"CVE-2022-27924", "CVE-2022-27925", "CVE-2022-37042", "CVE-2022-41352",
                                      "CVE-2024-45519"}),
    (ZIMBRA.format("8.8.15", "p31"), {"CVE-2022-27924", "CVE-2022-37042", "CVE-2022-41352", "CVE-2024-45519"}),
    (ZIMBRA.format("8.8.15", "p31.1"), {"CVE-2022-37042", "CVE-2022-41352", "CVE-2024-45519"}),
    (ZIMBRA.format("9.0.0", "p26"), {"CVE-2022-41352", "CVE-2024-45519"}),
    (ZIMBRA.format("9.0.0", "p41"), set()),
    (ZIMBRA.format("10.0.8", "*"), {"CVE-2024-45519"}),
    (ZIMBRA.format("10.1.1", "*"), set()),
    # ESXi: release plus update; the March 2025 VM-escape fixes landed in 7.0 U3s, 8.0 U2d and 8.0 U3d
    (ESXI.format("7.0", "update1b"), {"CVE-2021-21974", "CVE-2025-22224", "CVE-2025-22225", "CVE-2025-22226"}),
    (ESXI.format("7.0", "update3r"), {"CVE-2025-22224", "CVE-2025-22225", "CVE-2025-22226"}),
    (ESXI.format("7.0", "update3s"), set()),
    (ESXI.format("8.0", "-"), {"CVE-2024-37085", "CVE-2025-22224", "CVE-2025-22225", "CVE-2025-22226"}),
    (ESXI.format("8.0", "update2d"), {"CVE-2024-37085"}),
    (ESXI.format("8.0", "update3c"), {"CVE-2025-22224", "CVE-2025-22225", "CVE-2025-22226"}),
    (ESXI.format("8.0", "update3d"), set()),
    (ESXI.format("8.0", "U3c"), {"CVE-2025-22224", "CVE-2025-22225", "CVE-2025-22226"}),  # VMware's own spelling
    (ZIMBRA.format("9.0.0", "patch26"), {"CVE-2022-41352", "CVE-2024-45519"}),
])
def test_starter_set_knows_zimbra_and_esxi(db, cpe, expected):
    assert set(cves(db, cpe)) == expected


def test_zimbra_and_esxi_findings_carry_the_kev_flag(db):
    from datetime import UTC, datetime
    from vigie.exposure.engine import Service
    from vigie.exposure.engine.checks import Context, evaluate_service
    context = Context(now=datetime(2026, 12, 3, tzinfo=UTC), kb=db, only=frozenset({"vuln.known"}))
    mail = Service("198.18.0.25", 443, "https", product="Zimbra", version="8.8.15", cpe=ZIMBRA.format("8.8.15", "p45"))
    (postjournal,) = evaluate_service(mail, context)[0]
    assert (postjournal.evidence_key, postjournal.severity, postjournal.details["kev"]) == ("CVE-2024-45519", "critical", "yes")
    host = Service("198.18.0.26", 443, "https", product="VMware ESXi", version="7.0", cpe=ESXI.format("7.0", "update1b"))
    found = {f.evidence_key: f for f in evaluate_service(host, context)[0]}
    assert found["CVE-2021-21974"].details["kev"] == "no" and found["CVE-2021-21974"].severity == "high"
    assert found["CVE-2025-22224"].details["kev"] == "yes" and found["CVE-2025-22224"].severity == "critical"


def test_reopening_keeps_imports_and_nvd_wins_over_the_starter_set(tmp_path):
    path = tmp_path / "kb.sqlite3"
    first = VulnDB.open(path)
    first.import_nvd(NVD)
    first.close()
    again = VulnDB.open(path)
    assert again.stats().by_source == {"nvd": 3, "starter": len(load_starter())}
    again.close()


def test_every_starter_kev_flag_is_in_the_cisa_catalogue_of_2025_08_25():
    catalogue = {v["cveID"]: v for v in json.loads(KEV.read_text())["vulnerabilities"]}
    entries = load_starter()
    assert len(entries) >= 20 and len({e["cve"] for e in entries}) == len(entries)
    for entry in entries:
        kev = entry.get("kev")
        if not kev:
            assert entry["cve"] not in catalogue, f"{entry['cve']} is in KEV: flag it"
            continue
        official = catalogue[entry["cve"]]
        assert (kev["vendor"], kev["product"], kev["date_added"]) == (
            official["vendorProject"], official["product"], official["dateAdded"]), entry["cve"]
        assert kev["ransomware"] == (official["knownRansomwareCampaignUse"] == "Known"), entry["cve"]
        assert 0 < entry["cvss"] <= 10 and entry["ranges"], entry["cve"]


@pytest.mark.parametrize(("change", "message"), [
    (lambda e: e["ranges"].append({"from": "9.10", "before": 9.12}), "quote the versions"),
    (lambda e: e["ranges"].append({"after": "1.0"}), "a range is"),
    (lambda e: e.update(cvss=11), "cvss must be"),
    (lambda e: e.update(cve="CVE-2024-3400"), "listed twice"),
    (lambda e: e.pop("title"), "expected the keys"),
])
def test_starter_set_is_validated_on_load(change, message):
    entries = copy.deepcopy(load_starter())
    change(entries[0])
    with pytest.raises(ValueError, match=message):
        check_starter(entries)


def test_a_base_made_with_an_older_starter_set_gains_the_new_entries(tmp_path):
    path = tmp_path / "kb.sqlite3"
    old = VulnDB.open(path)
    with old._transaction() as connection:  # what a base of the first starter set, without Zimbra, looked like
        connection.execute("delete from vuln where cve like 'CVE-2024-45519'")
        connection.execute("update meta set value = '1' where key = 'starter'")
    assert cves(old, ZIMBRA.format("10.0.8", "*")) == []
    old.close()
    again = VulnDB.open(path)
    assert cves(again, ZIMBRA.format("10.0.8", "*")) == ["CVE-2024-45519"]
    again.close()
