"""Every check family fires on a weak testbed host and stays silent on a clean one: a real scan of the
network-namespace testbed (tests/testbeds/netns.py), checks evaluated on what the probes saw."""

from __future__ import annotations

from collections import defaultdict

import pytest

from tests.testbeds.netns import BARE_ZONE, CLEAN_ZONE, ZONE
from vigie.exposure.engine import Finding
from vigie.exposure.engine.limits import Limits
from vigie.exposure.engine.net import Resolver
from vigie.exposure.engine.scan import retest, scan
from vigie.exposure.engine.scope import Scope

PORTS = (21, 22, 23, 25, 80, 104, 389, 443, 445, 2222, 2575, 3306, 3389, 5432, 5900, 6379, 8080, 9200,
         11112, 27017)


@pytest.fixture(scope="module")
def bed(netbed):
    """The session testbed of tests/exposure/conftest.py (skipped without root and its tools)."""
    return netbed


@pytest.fixture(scope="module")
def result(bed):
    scope = Scope.from_entries([ZONE, BARE_ZONE, CLEAN_ZONE, bed.network])
    return scan([ZONE, BARE_ZONE, CLEAN_ZONE], scope=scope, ports=PORTS, resolver=Resolver((bed.address("ns1"),)),
                wordlist=(), cafile=bed.cafile, limits=Limits(connect_timeout=1.0))


def by_target(result, bed) -> dict[tuple[str, int | None], dict[str, list[Finding]]]:
    out: dict[tuple[str, int | None], dict[str, list[Finding]]] = defaultdict(lambda: defaultdict(list))
    for finding in result.findings:
        out[(finding.address or finding.domain, finding.port)][finding.check_id].append(finding)
    return out


def covered(result, target, port, family):
    return {c.check_id for c in result.coverage if c.target == target and c.port == port and c.check_id.startswith(family)}


def test_services_family(result, bed):
    found = by_target(result, bed)
    poste, pacs, bdd = bed.address("poste"), bed.address("pacs"), bed.address("bdd")
    assert "service.rdp" in found[(poste, 3389)] and "service.smb" in found[(poste, 445)]
    assert "service.vnc" in found[(poste, 5900)] and "service.telnet" in found[(poste, 23)]
    assert "service.dicom" in found[(pacs, 104)] and "service.hl7" in found[(pacs, 2575)]
    assert {"service.redis", "service.mysql", "service.postgresql", "service.mongodb"} <= {
        c for port in (6379, 3306, 5432, 27017) for c in found[(bdd, port)]}
    assert "service.elasticsearch" in found[(bdd, 9200)]
    assert "service.ldap" in found[(bed.address("annuaire"), 389)]
    assert "service.ftp" in found[(bed.address("mail"), 21)]
    clean = bed.address("securise")
    for port in (80, 443):
        assert not [c for c in found[(clean, port)] if c.startswith("service.")]
        assert "service.rdp" in covered(result, clean, port, "service.")


def test_auth_family(result, bed):
    found = by_target(result, bed)
    assert "auth.none" in found[(bed.address("bdd"), 6379)]
    cache = bed.address("cache")
    assert "auth.none" not in found[(cache, 6379)] and "auth.none" in covered(result, cache, 6379, "auth.")


def test_tls_family(result, bed):
    found = by_target(result, bed)
    assert "tls.expired" in found[(bed.address("expire"), 443)]
    assert "tls.self_signed" in found[(bed.address("autosigne"), 443)]
    legacy = found[(bed.address("ancien"), 443)]
    assert {f.evidence_key for f in legacy["tls.old_protocol"]} == {"TLSv1", "TLSv1.1"}
    assert {f.evidence_key for f in legacy["tls.weak_key"]} == {"key:RSA1024"}  # (this OpenSSL no longer signs SHA-1)
    assert legacy["tls.name_mismatch"][0].evidence_key == "ancien.ch-test.test"
    assert "tls.expiring" in legacy and "tls.weak_cipher" in legacy
    clean = bed.address("securise")
    assert not [c for c in found[(clean, 443)] if c.startswith("tls.")]
    assert covered(result, clean, 443, "tls.") == {
        "tls.expired", "tls.expiring", "tls.self_signed", "tls.name_mismatch", "tls.old_protocol", "tls.weak_cipher",
        "tls.no_forward_secrecy", "tls.weak_key", "tls.chain_incomplete", "tls.intermediate_expired"}


def test_tls_cipher_suites(result, bed):
    """A TLS 1.2 server with a good certificate that prefers ECDHE but also accepts NULL encryption and
    RSA key exchange: each is found although the server would never pick it for a normal client."""
    found = by_target(result, bed)[(bed.address("chiffre"), 443)]
    assert [(f.evidence_key, f.severity) for f in found["tls.weak_cipher"]] == [("NULL-SHA256", "high")]
    (rsa_kx,) = found["tls.no_forward_secrecy"]
    assert (rsa_kx.evidence_key, rsa_kx.severity) == ("AES128-SHA", "low")
    assert set(found) == {"tls.weak_cipher", "tls.no_forward_secrecy", "http.no_hsts"}, set(found)
    for clean in ("securise", "chaine"):
        assert {"tls.weak_cipher", "tls.no_forward_secrecy"} <= covered(result, bed.address(clean), 443, "tls.")
        assert not {"tls.weak_cipher", "tls.no_forward_secrecy"} & set(found_at(result, bed, clean))


def test_tls_3des_found_by_a_bare_client_hello(result, bed):
    """GnuTLS still serves 3DES; this machine's OpenSSL cannot offer it, the bare ClientHello does."""
    found = found_at(result, bed, "equipement")
    assert [(f.evidence_key, f.severity) for f in found["tls.weak_cipher"]] == [("ECDHE-RSA-DES-CBC3-SHA", "medium")]
    assert {c for c in found if c.startswith("tls.")} == {"tls.weak_cipher", "tls.no_forward_secrecy"}  # GnuTLS: RSA kx


def test_tls_chain_family(result, bed):
    """CA -> intermediate -> leaf: sent whole (silent), leaf alone (incomplete), expired intermediate."""
    assert not [c for c in found_at(result, bed, "chaine") if c.startswith("tls.")]
    assert "tls.chain_incomplete" in covered(result, bed.address("chaine"), 443, "tls.")
    short = found_at(result, bed, "incomplet")
    (missing,) = short["tls.chain_incomplete"]
    assert missing.evidence_key == f"CN=Vigie test intermediate {bed.pid}"
    assert set(c for c in short if c.startswith("tls.")) == {"tls.chain_incomplete"}
    stale = found_at(result, bed, "perime")
    (expired,) = stale["tls.intermediate_expired"]
    assert expired.details["subject"] == f"CN=Vigie test intermediate-expired {bed.pid}"
    assert set(c for c in stale if c.startswith("tls.")) == {"tls.intermediate_expired"}, "the leaf itself is valid"


def found_at(result, bed, host, port=443):
    return by_target(result, bed)[(bed.address(host), port)]


def test_http_family(result, bed):
    found = by_target(result, bed)
    weak = found[(bed.address("intranet"), 80)]
    assert [f.evidence_key for f in weak["http.login_cleartext"]] == ["/"]
    assert "http.no_https_redirect" in weak
    assert [f.evidence_key for f in weak["http.directory_listing"]] == ["/backup/"]
    assert [f.evidence_key for f in weak["http.admin_interface"]] == ["/phpmyadmin/"]
    assert "http.default_page" in found[(bed.address("web"), 8080)]
    assert "http.no_hsts" in found[(bed.address("web"), 443)]
    clean = bed.address("securise")
    for port in (80, 443):
        assert not [c for c in found[(clean, port)] if c.startswith("http.")], found[(clean, port)]
    assert "http.no_https_redirect" in covered(result, clean, 80, "http.")
    assert "http.no_hsts" in covered(result, clean, 443, "http.")


def test_mail_and_dns_families(result, bed):
    found = by_target(result, bed)
    assert {"mail.no_spf", "mail.no_dmarc"} <= set(found[(BARE_ZONE, None)])
    assert [f.evidence_key for f in found[(ZONE, None)]["dns.zone_transfer"]] == ["ns1.ch-test.test"]
    assert not [c for c in found[(ZONE, None)] if c.startswith("mail.")]
    assert not found[(CLEAN_ZONE, None)]
    assert {c.check_id for c in result.coverage if c.target == CLEAN_ZONE} == {
        "mail.no_spf", "mail.no_dmarc", "dns.zone_transfer"}


def test_vulns_family(result, bed):
    found = by_target(result, bed)
    apache = {f.evidence_key: f for f in found[(bed.address("intranet"), 80)]["vuln.known"]}
    assert {"CVE-2021-41773", "CVE-2021-42013"} <= set(apache)
    assert apache["CVE-2021-41773"].confidence == "certain" and apache["CVE-2021-41773"].details["kev"] == "yes"
    assert apache["CVE-2021-42013"].severity == "critical"
    debian = found[(bed.address("bastion"), 22)]["vuln.known"]
    assert debian and all(f.confidence == "to_confirm" for f in debian), "Debian's OpenSSH: to confirm"
    web = bed.address("web")
    assert "vuln.known" not in found[(web, 8080)] and "vuln.known" in covered(result, web, 8080, "vuln.")


def test_retest_runs_one_check_on_one_port(bed):
    scope = Scope.from_entries([ZONE, bed.network])
    again = retest(bed.address("intranet"), 80, "http.directory_listing", hostname="intranet.ch-test.test",
                   scope=scope, cafile=bed.cafile)
    assert [f.check_id for f in again.findings] == ["http.directory_listing"]
    assert [(c.check_id, c.port) for c in again.coverage] == [("http.directory_listing", 80)]
    fine = retest(bed.address("securise"), 443, "tls.expired", hostname="securise.ch-test.test", scope=scope,
                  cafile=bed.cafile)
    assert fine.findings == () and [c.check_id for c in fine.coverage] == ["tls.expired"]


def test_retest_of_a_shut_port_covers_the_check(bed):
    scope = Scope.from_entries([ZONE, bed.network])
    shut = retest(bed.address("securise"), 3389, "service.rdp", scope=scope, limits=Limits(connect_timeout=1.0))
    assert shut.findings == () and [(c.check_id, c.port) for c in shut.coverage] == [("service.rdp", 3389)]


def test_dns_open_resolver_fires_on_the_open_one_only(bed):
    """`resolveur` recurses for anyone (RA, answers a name outside any zone of its own); ns1 and ns2 are
    authoritative only (REFUSED, no RA): silent, and recorded as judged."""
    scope = Scope.from_entries([bed.network])
    servers = [bed.address(name) for name in ("resolveur", "ns1", "ns2")]
    dns_scan = scan(servers, scope=scope, ports=[53], limits=Limits(connect_timeout=1.0))
    found = by_target(dns_scan, bed)
    (hit,) = found[(bed.address("resolveur"), 53)]["dns.open_resolver"]
    assert hit.severity == "medium" and "RA set" in hit.evidence and hit.details["rcode"] == "NOERROR"
    for clean in ("ns1", "ns2"):
        assert "dns.open_resolver" not in found[(bed.address(clean), 53)]
        assert "dns.open_resolver" in covered(dns_scan, bed.address(clean), 53, "dns.")
    again = retest(bed.address("resolveur"), 53, "dns.open_resolver", scope=scope)
    assert [f.check_id for f in again.findings] == ["dns.open_resolver"]
    fine = retest(bed.address("ns2"), 53, "dns.open_resolver", scope=scope)
    assert fine.findings == () and [(c.check_id, c.port) for c in fine.coverage] == [("dns.open_resolver", 53)]
