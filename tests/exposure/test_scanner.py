"""The scanner against the namespace test bed: port states, service identification, discovery, retest."""

from __future__ import annotations

import pytest

from vigie.exposure.engine import Limits, Resolver, Scope, scan
from vigie.exposure.engine.discovery import read_names
from vigie.exposure.engine.net import ScopedConnector, SocketConnector
from vigie.exposure.engine.portscan import scan_ports

LIMITS = Limits(connect_timeout=0.5, retries=1)


@pytest.fixture(scope="module")
def full(netbed):
    scope = Scope.from_entries([netbed.network, netbed.network6, "ch-test.test", "autre-test.test"])
    ports = sorted({p for h in netbed.hosts for p, _ in h.services} | {p for h in netbed.hosts for p in h.filtered}
                   | {2222, 7, 8})
    return scan(["ch-test.test", "autre-test.test"], scope=scope, ports=ports, limits=LIMITS,
                resolver=Resolver((netbed.address("ns1"),)), cafile=netbed.cafile)


def _service(result, address, port):
    host = next(h for h in result.hosts if h.address == address)
    return next(s for s in host.services if s.port == port)


def test_open_closed_filtered(netbed):
    web, bdd = netbed.address("web"), netbed.address("bdd")
    scope = Scope.from_entries([netbed.network])
    result = scan_ports([web, bdd], [80, 443, 81, 8443, 9443, 1433, 3306, 5000],
                        connector=ScopedConnector(scope, SocketConnector()), limits=LIMITS)
    states = {(p.address, p.port): p.state for p in result.ports}
    assert states == {
        (web, 80): "open", (web, 443): "open", (web, 81): "closed", (web, 8443): "filtered", (web, 9443): "filtered",
        (web, 1433): "closed", (web, 3306): "closed", (web, 5000): "closed",
        (bdd, 80): "closed", (bdd, 443): "closed", (bdd, 81): "closed", (bdd, 8443): "closed", (bdd, 9443): "closed",
        (bdd, 1433): "filtered", (bdd, 3306): "open", (bdd, 5000): "closed",
    }


@pytest.mark.parametrize("host, port, name, product, version", [
    ("web", 80, "http", "nginx", "1.22.1"),
    ("web", 443, "https", "nginx", "1.22.1"),
    ("web", 8080, "http", "Apache httpd", "2.4.62"),
    ("bastion", 22, "ssh", "OpenSSH", None),
    ("bastion", 2222, "ssh", "OpenSSH", None),
    ("bdd", 3306, "mysql", "MariaDB", "10.11.6"),
    ("bdd", 5432, "postgresql", "PostgreSQL", ""),
    ("bdd", 6379, "redis", "Redis", "7.0.15"),
    ("bdd", 27017, "mongodb", "MongoDB", "6.0.14"),
    ("bdd", 9200, "elasticsearch", "Elasticsearch", "7.17.9"),
    ("cache", 6379, "redis", "Redis", ""),
    ("poste", 3389, "rdp", "", ""),
    ("poste", 445, "smb", "", ""),
    ("poste", 5900, "vnc", "", ""),
    ("poste", 23, "telnet", "", ""),
    ("annuaire", 389, "ldap", "", ""),
    ("pacs", 104, "dicom", "", ""),
    ("pacs", 11112, "dicom", "", ""),
    ("pacs", 2575, "hl7", "", ""),
    ("mail", 21, "ftp", "vsftpd", "3.0.3"),
    ("mail", 25, "smtp", "Postfix", ""),
])
def test_every_probe_identifies_its_service(full, netbed, host, port, name, product, version):
    for address in (netbed.address(host), netbed.address6(host)):
        service = _service(full, address, port)
        assert (service.name, service.product) == (name, product)
        if version is not None:
            assert service.version == version
        if product and version:
            assert service.cpe.startswith("cpe:2.3:a:") and version in service.cpe


def test_probe_details(full, netbed):
    ssh = _service(full, netbed.address("bastion"), 22)
    assert ssh.version.startswith(tuple("0123456789")) and ssh.distro_build.startswith("Debian")
    assert _service(full, netbed.address("bdd"), 6379).auth_required is False
    assert _service(full, netbed.address("cache"), 6379).auth_required is True
    assert _service(full, netbed.address("bdd"), 27017).auth_required is False
    assert _service(full, netbed.address("bdd"), 9200).auth_required is False
    assert _service(full, netbed.address("bdd"), 5432).facts["ssl"] == "no"
    assert _service(full, netbed.address("poste"), 3389).facts["nla"] == "yes"
    assert _service(full, netbed.address("poste"), 445).facts["dialect"] == "3.0.2"
    assert _service(full, netbed.address("annuaire"), 389).facts["naming_contexts"] == "dc=ch-test,dc=test"
    assert _service(full, netbed.address("pacs"), 104).facts["association"] == "accepted"
    assert _service(full, netbed.address("poste"), 5900).facts["rfb"] == "003.008"


def test_dns_probe_names_the_servers_and_reads_their_version(netbed):
    """Port 53 of the three name servers: all "dns"; the open resolver tells a Debian BIND version (a CPE,
    the Debian build kept apart), the authoritative ones refuse version.bind and recursion."""
    from tests.testbeds.netns import RESOLVER_VERSION
    scope = Scope.from_entries([netbed.network])
    names = ("resolveur", "ns1", "ns2")
    result = scan([netbed.address(n) for n in names], scope=scope, ports=[53], limits=LIMITS)
    services = {n: _service(result, netbed.address(n), 53) for n in names}
    assert {n: s.name for n, s in services.items()} == dict.fromkeys(names, "dns")
    bind = services["resolveur"]
    assert (bind.product, bind.version, bind.distro_build) == ("BIND", "9.18.28", "1~deb12u2-Debian")
    assert bind.cpe == "cpe:2.3:a:isc:bind:9.18.28:*:*:*:*:*:*:*"
    assert bind.facts["version_bind"] == RESOLVER_VERSION
    assert (bind.facts["recursion_available"], bind.facts["recursion_rcode"], bind.facts["recursion_answers"]) == (
        "yes", "NOERROR", "1")
    for name in ("ns1", "ns2"):
        authoritative = services[name]
        assert (authoritative.product, authoritative.cpe) == ("", "") and "version_bind" not in authoritative.facts
        assert (authoritative.facts["recursion_available"], authoritative.facts["recursion_rcode"]) == ("no", "REFUSED")


def test_tls_good_expired_self_signed(full, netbed):
    good = _service(full, netbed.address("web"), 443).tls
    expired = _service(full, netbed.address("expire"), 443).tls
    own = _service(full, netbed.address("autosigne"), 443).tls
    assert good.trusted and "TLSv1.2" in good.versions and good.server_name in ("ch-test.test", "web.ch-test.test", "www.ch-test.test")
    assert good.chain[0].names == ("web.ch-test.test", "dossier-patient.ch-test.test")
    assert not expired.trusted and expired.chain[0].not_after < full.started
    old = _service(full, netbed.address("expire"), 8443).tls
    assert {"TLSv1", "TLSv1.1"} <= set(old.versions) and not {"TLSv1", "TLSv1.1"} & set(good.versions)
    assert own.chain[0].self_signed and not own.trusted and not good.chain[0].self_signed


def test_tls_chain_beyond_the_leaf(full, netbed):
    """The whole chain the server sends is recorded, leaf first, with subjects, issuers and validity."""
    chained = _service(full, netbed.address("chaine"), 443).tls
    leaf, intermediate = chained.chain
    assert leaf.subject == "CN=chaine.ch-test.test" and leaf.issuer == f"CN=Vigie test intermediate {netbed.pid}"
    assert intermediate.subject == leaf.issuer and intermediate.issuer == f"CN=Vigie test CA {netbed.pid}"
    assert intermediate.not_before < full.started < intermediate.not_after < leaf.not_after
    assert not intermediate.self_signed and intermediate.sha256 != leaf.sha256
    assert chained.trusted and chained.chain_complete  # the CA file holds only the root
    short = _service(full, netbed.address("incomplet"), 443).tls
    assert [c.subject for c in short.chain] == ["CN=incomplet.ch-test.test"]
    assert not short.trusted and short.chain_complete is False
    stale = _service(full, netbed.address("perime"), 443).tls
    assert len(stale.chain) == 2 and stale.chain[1].not_after < full.started
    good = _service(full, netbed.address("web"), 443).tls
    assert len(good.chain) == 1 and good.chain_complete, "a leaf issued by the root itself needs nothing more"


def test_dns_discovery(full):
    main = next(d for d in full.domains if d.name == "ch-test.test")
    bare = next(d for d in full.domains if d.name == "autre-test.test")
    assert main.spf == "v=spf1 mx -all" and main.dmarc.startswith("v=DMARC1") and main.has_mx
    assert main.caa == ('0 issue "letsencrypt.org"',)
    assert main.nameservers == ("ns1.ch-test.test", "ns2.ch-test.test")
    assert main.zone_transfer_open == ("ns1.ch-test.test",)  # ns2 refused it
    assert {"pacs.ch-test.test", "www.ch-test.test", "dossier-patient.ch-test.test"} <= set(main.subdomains)
    assert bare.spf == "" and bare.dmarc == "" and bare.has_mx
    assert bare.subdomains == ("www.autre-test.test",)  # found by the wordlist
    reasons = {r.target: r.reason for r in full.refused}
    assert "leaves the scope" in reasons["fuite.ch-test.test"]
    assert "outside the scope" in reasons["dehors.ch-test.test -> 127.0.0.9"]


def test_wordlist_without_transfer(netbed):
    scope = Scope.from_entries([netbed.network, "ch-test.test"])
    result = scan(["ch-test.test"], scope=scope, ports=[], limits=LIMITS, wordlist=("pacs", "absent", "www"),
                  resolver=Resolver((netbed.address("ns2"),)))
    domain = result.domains[0]
    assert domain.zone_transfer_open == ("ns1.ch-test.test",)  # every NS is tried, whichever server resolves
    assert set(domain.subdomains) >= {"pacs.ch-test.test", "www.ch-test.test"}
    assert "absent.ch-test.test" not in domain.subdomains


def test_names_from_certificate_and_imported_list(netbed):
    scope = Scope.from_entries([netbed.network, "ch-test.test"])
    result = scan([netbed.address("web")], scope=scope, ports=[443], limits=LIMITS,
                  resolver=Resolver((netbed.address("ns1"),)), cafile=netbed.cafile)
    host = result.hosts[0]
    assert "dossier-patient.ch-test.test" in host.names and "web.ch-test.test" in host.names
    imported = read_names('[{"name_value":"mail.ch-test.test\\n*.pacs.ch-test.test"},{"name_value":"x.autre.org"}]')
    assert imported == ("mail.ch-test.test", "pacs.ch-test.test", "x.autre.org")
    result = scan([], scope=scope, ports=[25], limits=LIMITS, names=imported,
                  resolver=Resolver((netbed.address("ns1"),)))
    assert [h.address for h in result.hosts if h.services] == [netbed.address("mail")]
    assert any(r.target == "x.autre.org" for r in result.refused)


def test_name_resolving_out_of_scope_is_never_contacted(netbed):
    from tests.exposure.test_scope import CountingConnector
    counting = CountingConnector()
    scope = Scope.from_entries([netbed.network, "ch-test.test"])
    result = scan(["dehors.ch-test.test", "fuite.ch-test.test", "ns2.ch-test.test"], scope=scope, ports=[53, 80],
                  limits=LIMITS, resolver=Resolver((netbed.address("ns1"),)), connector=counting)
    assert {a for a, _ in counting.attempts} == {netbed.address("ns2")}  # its IPv6 address is not in scope
    assert any("fd00" in r.target for r in result.refused)


class RecordingResolver(Resolver):
    """The test bed's resolver, remembering every name it was asked about (forward or reverse)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.asked: list[str] = []

    def query(self, name, rdtype):
        self.asked.append(name.rstrip(".").lower())
        return super().query(name, rdtype)

    def cname(self, name):
        self.asked.append(name.rstrip(".").lower())
        return super().cname(name)


def test_reverse_dns_of_in_scope_ranges(netbed):
    """Scanning bare addresses (one-address ranges, IPv4 and IPv6): the PTR names are found in the
    in-addr.arpa and ip6.arpa zones; one in scope is followed (and names the host when it points back to
    it), one in scope that resolves outside is refused, one out of scope is recorded and never resolved."""
    from tests.exposure.test_scope import CountingConnector
    from tests.testbeds.netns import OUTSIDE, OUTSIDE_ZONE
    pacs, chaine, mail, annuaire = (netbed.address(h) for h in ("pacs", "chaine", "mail", "annuaire"))
    pacs6 = netbed.address6("pacs")
    scope = Scope.from_entries([netbed.network, netbed.network6, "ch-test.test"])
    resolver, counting = RecordingResolver((netbed.address("ns1"),)), CountingConnector()
    result = scan([f"{pacs}/32", f"{chaine}/32", f"{pacs6}/128", mail, annuaire], scope=scope, ports=[443, 2575],
                  limits=LIMITS, resolver=resolver, connector=counting, cafile=netbed.cafile)
    hosts = {h.address: h for h in result.hosts}
    assert hosts[pacs].reverse_name == hosts[pacs6].reverse_name == "imagerie.ch-test.test"
    assert hosts[pacs].names == ("imagerie.ch-test.test",) and hosts[pacs6].names == ()  # no AAAA points back
    assert hosts[chaine].reverse_name == "chaine.ch-test.test" and hosts[chaine].names == ("chaine.ch-test.test",)
    tls = next(s for s in hosts[chaine].services if s.port == 443)
    assert tls.hostname == "chaine.ch-test.test" and tls.tls.server_name == "chaine.ch-test.test"
    assert "tls.name_mismatch" in {c.check_id for c in result.coverage if c.target == chaine}, "judged by the PTR name"
    provider = f"mx1.{OUTSIDE_ZONE}"
    assert hosts[mail].reverse_name == provider and hosts[mail].names == ()
    reasons = {r.target: r.reason for r in result.refused}
    assert reasons[f"{provider} (PTR of {mail})"] == "reverse name outside the scope: recorded, not resolved nor scanned"
    assert provider not in resolver.asked and not any(n.endswith(OUTSIDE_ZONE) for n in resolver.asked)
    assert reasons[f"ancien-dc.ch-test.test -> {OUTSIDE}"] == "the name resolves to an address outside the scope"
    assert hosts[annuaire].reverse_name == "ancien-dc.ch-test.test" and hosts[annuaire].names == ()
    chaine6 = netbed.address6("chaine")  # the followed PTR name's AAAA: in scope, so scanned too
    assert hosts[chaine6].names == ("chaine.ch-test.test",)
    assert {a for a, _ in counting.attempts} == {pacs, chaine, pacs6, mail, annuaire, chaine6}  # nothing else
