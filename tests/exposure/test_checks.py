"""Each check on hand-built observations: one that must fire, one that must stay silent."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from vigie.exposure.engine import Certificate, DomainInfo, HttpResponse, Service, TlsInfo
from vigie.exposure.engine.checks import (
    CHECKS,
    Context,
    closed_port_coverage,
    evaluate_domain,
    evaluate_service,
    http_paths,
    probes_needed,
)
from vigie.exposure.engine.checks.services import _SERVICES
from vigie.exposure.engine.checks.tls import name_matches
from vigie.exposure.engine.checks.vulns import severity_of
from vigie.exposure.engine.vulndb import VulnDB

NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)
CONTEXT = Context(now=NOW, kb=None, only=None)


def cert(**changes):
    base = Certificate(subject="CN=www.example.test", issuer="CN=Test CA", names=("www.example.test",),
                       not_before=NOW - timedelta(days=60), not_after=NOW + timedelta(days=300), self_signed=False,
                       sha256="ab" * 32, key_type="RSA", key_bits=2048, signature_algorithm="sha256WithRSAEncryption")
    return replace(base, **changes)


def tls_service(leaf=None, **tls_changes):
    tls = TlsInfo(versions=("TLSv1.2", "TLSv1.3"), chain=(leaf or cert(),), server_name="www.example.test",
                  trusted=True, cipher="TLS_AES_256_GCM_SHA384", chain_complete=True)
    return Service(address="198.18.0.10", port=443, name="https", hostname="www.example.test",
                   tls=replace(tls, **tls_changes),
                   http=(HttpResponse("https://www.example.test/", 200,
                                      (("Strict-Transport-Security", "max-age=31536000"),), title="Accueil"),))


def run(service, check_id, kb=None):
    findings, coverage = evaluate_service(service, Context(now=NOW, kb=kb, only=frozenset({check_id})))
    return findings, {c.check_id for c in coverage}


def fired(service, check_id, kb=None):
    findings, covered = run(service, check_id, kb)
    assert check_id in covered, f"{check_id} did not judge"
    return [f for f in findings if f.check_id == check_id]


def test_catalogue_is_complete_and_bilingual():
    families = {c.family for c in CHECKS.values()}
    assert families == {"services", "auth", "tls", "http", "mail", "dns", "vulns"}
    for item in CHECKS.values():
        assert item.title_fr and item.title_en and item.remediation_fr and item.remediation_en, item.id
        assert item.title_fr != item.title_en and item.needs, item.id
    assert len(http_paths()) <= 8 and "/admin/" in http_paths()
    assert probes_needed(["tls.expired", "http.no_hsts", "nope"]) == {"tls", "http"}


@pytest.mark.parametrize("spec", _SERVICES, ids=lambda s: s.key)
def test_dangerous_service_fires_on_its_protocol_only(spec):
    exposed = Service(address="198.18.0.20", port=spec.ports[0], name=spec.names[0])
    (finding,) = fired(exposed, f"service.{spec.key}")
    assert finding.confidence == "certain" and finding.port == spec.ports[0]
    guess = fired(replace(exposed, name="unknown"), f"service.{spec.key}")
    assert guess[0].confidence == "to_confirm"
    assert fired(Service(address="198.18.0.20", port=443, name="https"), f"service.{spec.key}") == []
    assert fired(Service(address="198.18.0.20", port=spec.ports[0], name="http"), f"service.{spec.key}") == []


def test_service_without_authentication():
    redis = Service(address="198.18.0.21", port=6379, name="redis", product="Redis", auth_required=False)
    (finding,) = fired(redis, "auth.none")
    assert finding.severity == "critical"
    assert fired(replace(redis, auth_required=True), "auth.none") == []
    assert run(replace(redis, auth_required=None), "auth.none")[1] == set(), "undetermined: not covered"


def test_tls_clean_endpoint_has_no_finding():
    findings, coverage = evaluate_service(tls_service(), CONTEXT)
    assert [f for f in findings if f.check_id.startswith("tls.")] == []
    assert {c.check_id for c in coverage} >= {c for c in CHECKS if c.startswith("tls.")}


def test_tls_expired_and_not_yet_valid():
    assert fired(tls_service(cert(not_after=NOW - timedelta(days=1))), "tls.expired")[0].details["expires"]
    assert fired(tls_service(cert(not_before=NOW + timedelta(days=1))), "tls.expired")
    assert fired(tls_service(), "tls.expired") == []


def test_tls_expiring_within_30_days():
    assert fired(tls_service(cert(not_after=NOW + timedelta(days=29))), "tls.expiring")
    assert fired(tls_service(cert(not_after=NOW + timedelta(days=31))), "tls.expiring") == []
    assert fired(tls_service(cert(not_after=NOW - timedelta(days=1))), "tls.expiring") == [], "expired is another check"


def test_tls_self_signed():
    assert fired(tls_service(cert(self_signed=True, issuer="CN=www.example.test")), "tls.self_signed")
    assert fired(tls_service(), "tls.self_signed") == []


def test_tls_name_mismatch_with_wildcards():
    (finding,) = fired(tls_service(cert(names=("other.example.test",))), "tls.name_mismatch")
    assert finding.evidence_key == "www.example.test"
    assert fired(tls_service(cert(names=("*.example.test",))), "tls.name_mismatch") == []
    assert not name_matches("a.b.example.test", "*.example.test") and name_matches("WWW.example.test.", "www.example.test")
    no_name = replace(tls_service(), hostname="")
    assert "tls.name_mismatch" not in run(no_name, "tls.name_mismatch")[1]


def test_tls_old_protocols_one_finding_each():
    findings = fired(tls_service(versions=("TLSv1", "TLSv1.1", "TLSv1.2")), "tls.old_protocol")
    assert sorted(f.evidence_key for f in findings) == ["TLSv1", "TLSv1.1"]
    assert fired(tls_service(), "tls.old_protocol") == []


def test_tls_weak_ciphers():
    assert [f.evidence_key for f in fired(tls_service(weak_ciphers=("DES-CBC3-SHA",)), "tls.weak_cipher")] == ["DES-CBC3-SHA"]
    severities = {f.evidence_key: f.severity for f in fired(tls_service(
        weak_ciphers=("ECDHE-RSA-DES-CBC3-SHA", "RC4-SHA", "NULL-SHA256", "AECDH-AES256-SHA", "EXP-RC4-MD5")),
        "tls.weak_cipher")}
    assert severities == {"ECDHE-RSA-DES-CBC3-SHA": "medium", "RC4-SHA": "medium", "NULL-SHA256": "high",
                          "AECDH-AES256-SHA": "high", "EXP-RC4-MD5": "high"}, "no protection at all: high"
    assert fired(tls_service(), "tls.weak_cipher") == []


def test_tls_rsa_key_exchange_is_no_forward_secrecy_not_weak():
    rsa_kx = tls_service(no_forward_secrecy=("AES128-SHA",))
    (finding,) = fired(rsa_kx, "tls.no_forward_secrecy")
    assert (finding.evidence_key, finding.severity) == ("AES128-SHA", "low")
    assert fired(rsa_kx, "tls.weak_cipher") == [] and fired(tls_service(), "tls.no_forward_secrecy") == []


INTERMEDIATE = cert(subject="CN=Test Intermediate", issuer="CN=Test Root", names=(), sha256="cd" * 32)


def test_tls_incomplete_chain():
    leaf = cert(issuer="CN=Test Intermediate")
    (finding,) = fired(tls_service(leaf, chain_complete=False), "tls.chain_incomplete")
    assert finding.evidence_key == "CN=Test Intermediate" and finding.details["missing_issuer"] == "CN=Test Intermediate"
    assert fired(tls_service(leaf, chain=(leaf, INTERMEDIATE), chain_complete=True), "tls.chain_incomplete") == []
    unknown = tls_service(leaf, chain_complete=None)  # no trust store to judge against
    assert "tls.chain_incomplete" not in run(unknown, "tls.chain_incomplete")[1]


def test_tls_expired_intermediate_but_not_a_sent_root():
    leaf = cert(issuer="CN=Test Intermediate")
    old = replace(INTERMEDIATE, not_after=NOW - timedelta(days=2))
    (finding,) = fired(tls_service(leaf, chain=(leaf, old)), "tls.intermediate_expired")
    assert finding.evidence_key == old.sha256 and finding.details["subject"] == "CN=Test Intermediate"
    assert fired(tls_service(leaf, chain=(leaf, INTERMEDIATE)), "tls.intermediate_expired") == []
    old_root = cert(subject="CN=Test Root", issuer="CN=Test Root", self_signed=True, not_after=NOW - timedelta(days=2))
    assert fired(tls_service(leaf, chain=(leaf, INTERMEDIATE, old_root)), "tls.intermediate_expired") == []
    assert fired(tls_service(cert(not_after=NOW - timedelta(days=1))), "tls.intermediate_expired") == [], "the leaf: tls.expired"


def test_tls_weak_key_and_sha1_signature():
    keys = {f.evidence_key for f in fired(tls_service(cert(key_bits=1024, signature_algorithm="sha1WithRSAEncryption")),
                                         "tls.weak_key")}
    assert keys == {"key:RSA1024", "signature:sha1WithRSAEncryption"}
    assert fired(tls_service(cert(key_type="EC", key_bits=256)), "tls.weak_key") == []


def test_tls_weak_key_of_an_intermediate_but_not_of_a_sent_root():
    leaf = cert(issuer="CN=Test Intermediate")
    weak = replace(INTERMEDIATE, key_bits=1024, signature_algorithm="sha1WithRSAEncryption")
    keys = {f.evidence_key for f in fired(tls_service(leaf, chain=(leaf, weak)), "tls.weak_key")}
    assert keys == {"intermediate:CN=Test Intermediate:key:RSA1024",
                    "intermediate:CN=Test Intermediate:signature:sha1WithRSAEncryption"}
    old_root = cert(subject="CN=Test Root", issuer="CN=Test Root", self_signed=True, key_bits=1024,
                    signature_algorithm="sha1WithRSAEncryption")
    assert fired(tls_service(leaf, chain=(leaf, INTERMEDIATE, old_root)), "tls.weak_key") == []


def test_failed_handshake_covers_no_tls_check():
    broken = replace(tls_service(), tls=TlsInfo(versions=(), chain=(), error="handshake failure"))
    assert {c for c in run(broken, "tls.expired")[1]} == set()


def http_service(*responses, tls=False):
    return Service(address="198.18.0.30", port=443 if tls else 80, name="https" if tls else "http",
                   hostname="intranet.example.test", http=tuple(responses),
                   tls=tls_service().tls if tls else None)


LOGIN = '<form method="post"><input name="user"><input type="password" name="pw"></form>'


def test_login_over_plain_http():
    assert fired(http_service(HttpResponse("http://intranet.example.test/", 200, (), body=LOGIN)), "http.login_cleartext")
    assert fired(http_service(HttpResponse("https://intranet.example.test/", 200, (), body=LOGIN), tls=True),
                 "http.login_cleartext") == []


def test_no_https_redirect():
    plain = HttpResponse("http://intranet.example.test/", 200, ())
    assert fired(http_service(plain), "http.no_https_redirect")
    moved = HttpResponse("http://intranet.example.test/", 301, (("Location", "https://intranet.example.test/"),),
                         location="https://intranet.example.test/")
    assert fired(http_service(moved), "http.no_https_redirect") == []
    elsewhere = replace(moved, location="http://other.example.test/")
    assert fired(http_service(elsewhere), "http.no_https_redirect")


def test_http_checks_judge_web_services_only():
    api = replace(http_service(HttpResponse("http://es.example.test:9200/", 200, ())), name="elasticsearch", port=9200)
    assert run(api, "http.no_https_redirect")[1] == set()


def test_missing_hsts_on_https():
    bare = HttpResponse("https://intranet.example.test/", 200, (("Server", "nginx"),))
    assert fired(http_service(bare, tls=True), "http.no_hsts")
    assert fired(tls_service(), "http.no_hsts") == []
    assert "http.no_hsts" not in run(http_service(HttpResponse("http://intranet.example.test/", 200, ())), "http.no_hsts")[1]


def test_directory_listing():
    listing = HttpResponse("http://intranet.example.test/backup/", 200, (), title="Index of /backup",
                           body="<html><head><title>Index of /backup</title></head>")
    assert [f.evidence_key for f in fired(http_service(listing), "http.directory_listing")] == ["/backup/"]
    assert fired(http_service(replace(listing, status=403, body="Forbidden")), "http.directory_listing") == []


def test_default_install_page():
    page = HttpResponse("http://intranet.example.test/", 200, (), title="Welcome to nginx!",
                        body="<title>Welcome to nginx!</title>")
    assert fired(http_service(page), "http.default_page")
    assert fired(http_service(replace(page, title="Centre hospitalier", body="<h1>Bienvenue</h1>")),
                 "http.default_page") == []


def test_exposed_admin_interfaces():
    responses = (HttpResponse("http://h.example.test/phpmyadmin/", 200, (), body="<title>phpMyAdmin</title>"),
                 HttpResponse("http://h.example.test/manager/html", 401,
                              (("WWW-Authenticate", 'Basic realm="Tomcat Manager Application"'),)),
                 HttpResponse("http://h.example.test/admin/", 404, (), body="Not found"))
    assert {f.evidence_key for f in fired(http_service(*responses), "http.admin_interface")} == {
        "/phpmyadmin/", "/manager/html"}
    assert fired(http_service(replace(responses[0], status=404, body="")), "http.admin_interface") == []


def domain(**changes):
    return replace(DomainInfo(name="ch-exemple.test", nameservers=("ns1.ch-exemple.test",), has_mx=True,
                              spf="v=spf1 mx -all", dmarc="v=DMARC1; p=reject"), **changes)


def domain_findings(info, check_id):
    findings, coverage = evaluate_domain(info, Context(now=NOW, only=frozenset({check_id})))
    assert [c.target for c in coverage] == [info.name]
    return findings


def test_mail_domain_without_spf_or_dmarc():
    assert domain_findings(domain(spf=""), "mail.no_spf")[0].domain == "ch-exemple.test"
    assert domain_findings(domain(dmarc=""), "mail.no_dmarc")
    assert domain_findings(domain(), "mail.no_spf") == domain_findings(domain(), "mail.no_dmarc") == ()
    assert domain_findings(domain(has_mx=False, spf="", dmarc=""), "mail.no_spf") == ()


def test_open_zone_transfer():
    (finding,) = domain_findings(domain(zone_transfer_open=("198.18.0.53",)), "dns.zone_transfer")
    assert finding.key == ("ch-exemple.test", None, "dns.zone_transfer", "198.18.0.53")
    assert domain_findings(domain(), "dns.zone_transfer") == ()


def name_server(**facts):
    base = {"recursion_question": "1.0.0.127.in-addr.arpa. PTR", "recursion_available": "yes",
            "recursion_rcode": "NOERROR", "recursion_answers": "1"}
    return Service(address="198.18.0.53", port=53, name="dns", facts={**base, **facts})


def test_open_resolver():
    (finding,) = fired(name_server(), "dns.open_resolver")
    assert finding.key == ("198.18.0.53", 53, "dns.open_resolver", "") and finding.severity == "medium"
    assert "1.0.0.127.in-addr.arpa. PTR" in finding.evidence and finding.details["rcode"] == "NOERROR"
    assert fired(name_server(recursion_rcode="SERVFAIL", recursion_answers="0"), "dns.open_resolver"), \
        "it tried to recurse: recursion is offered"
    assert fired(name_server(recursion_rcode="REFUSED", recursion_answers="0"), "dns.open_resolver") == []
    assert fired(name_server(recursion_available="no"), "dns.open_resolver") == []
    assert fired(name_server(recursion_available="no", recursion_rcode="REFUSED", recursion_answers="0"),
                 "dns.open_resolver") == []


def test_open_resolver_is_judged_only_where_recursion_was_asked():
    asked_nothing = Service(address="198.18.0.53", port=53, name="dns", facts={"version_bind": "9.18.28"})
    assert run(asked_nothing, "dns.open_resolver")[1] == set()
    web = replace(name_server(), name="http", port=80)
    assert run(web, "dns.open_resolver")[1] == set()


OPENSSH = dict(address="198.18.0.40", port=22, name="ssh", product="OpenSSH")


def test_known_vulnerable_version_from_the_starter_set():
    old = Service(**OPENSSH, version="9.2p1", cpe="cpe:2.3:a:openbsd:openssh:9.2p1:*:*:*:*:*:*:*")
    (finding,) = fired(old, "vuln.known")
    assert (finding.evidence_key, finding.severity, finding.confidence) == ("CVE-2024-6387", "high", "certain")
    new = replace(old, version="9.8p1", cpe="cpe:2.3:a:openbsd:openssh:9.8p1:*:*:*:*:*:*:*")
    assert fired(new, "vuln.known") == []
    assert run(replace(old, cpe=""), "vuln.known")[1] == set(), "no CPE: not judged"
    assert run(replace(old, cpe="openssh 9.2p1"), "vuln.known")[1] == set(), "malformed CPE: not judged"


def test_distribution_build_is_to_confirm():
    debian = Service(**OPENSSH, version="9.2p1", cpe="cpe:2.3:a:openbsd:openssh:9.2p1:*:*:*:*:*:*:*",
                     distro_build="Debian-2+deb12u3", banner="SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3")
    (finding,) = fired(debian, "vuln.known")
    assert finding.confidence == "to_confirm" and finding.details["distro_build"] == "Debian-2+deb12u3"


def test_kev_raises_severity_and_two_cves_are_two_findings(tmp_path):
    kb = VulnDB.open(tmp_path / "kb.sqlite3")
    forti = Service(address="198.18.0.41", port=10443, name="https", product="FortiOS", version="7.2.4",
                    cpe="cpe:2.3:o:fortinet:fortios:7.2.4:*:*:*:*:*:*:*")
    findings = fired(forti, "vuln.known", kb)
    assert {f.evidence_key for f in findings} == {"CVE-2023-27997", "CVE-2024-21762"}
    assert all(f.severity == "critical" and f.details["kev"] == "yes" for f in findings)
    assert severity_of(7.5, kev=False) == "high" and severity_of(7.5, kev=True) == "critical"
    assert severity_of(5.0, kev=True) == "high" and severity_of(None, kev=False) == "medium"
    kb.close()


def test_only_restricts_and_closed_ports_cover_every_service_check():
    rdp = Service(address="198.18.0.50", port=3389, name="rdp")
    findings, coverage = evaluate_service(rdp, Context(now=NOW, only=frozenset({"service.rdp"})))
    assert [f.check_id for f in findings] == ["service.rdp"] and len(coverage) == 1
    shut = closed_port_coverage("198.18.0.50", 3389, Context(now=NOW, only=frozenset({"service.rdp"})))
    assert [(c.check_id, c.port) for c in shut] == [("service.rdp", 3389)]
    everything = closed_port_coverage("198.18.0.50", 3389, CONTEXT)
    assert len(everything) == sum(c.applies_to == "service" for c in CHECKS.values())
