"""Imports: nmap XML filed as a scan (defusedxml, in-scope hosts only), scope entries from CSV; a malformed
file names its line and column or element and imports nothing."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.exposure.app_builders import english  # noqa: F401
from tests.exposure.app_builders import attest_scope
from vigie.exposure import scope, services
from vigie.exposure.models import Asset, Scan, ScopeEntry, Service
from vigie.exposure.nmap import NmapError

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

NMAP = b"""<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE nmaprun>
<nmaprun scanner="nmap" args="nmap -sV -oX - 198.18.0.0/28" start="1767000000" version="7.93">
<host><status state="up"/><address addr="198.18.0.2" addrtype="ipv4"/>
<hostnames><hostname name="vpn.ch-a.test" type="PTR"/></hostnames>
<ports>
<port protocol="tcp" portid="22"><state state="open"/><service name="ssh" product="OpenSSH" version="9.2p1 Debian 2+deb12u3"><cpe>cpe:/a:openbsd:openssh:9.2p1</cpe></service></port>
<port protocol="tcp" portid="443"><state state="open"/><service name="http" tunnel="ssl" product="nginx" version="1.22.1"/>
<script id="http-title" output="Portail VPN"/></port>
<port protocol="tcp" portid="3389"><state state="filtered"/></port>
<port protocol="tcp" portid="23"><state state="closed"/></port>
</ports></host>
<host><status state="down"/><address addr="198.18.0.3" addrtype="ipv4"/></host>
<runstats><finished time="1767000042"/></runstats>
</nmaprun>"""


def xml_upload(data, name="scan.xml"):
    return SimpleUploadedFile(name, data, content_type="application/xml")


def test_an_nmap_file_becomes_a_scan_with_hosts_services_and_cpe(world):
    org = world.hospital_a
    attest_scope(org, "198.18.0.0/28")
    scan = services.import_nmap(xml_upload(NMAP), org, world.alice)
    assert scan.kind == Scan.Kind.NMAP and scan.status == Scan.Status.DONE and len(scan.file_sha256) == 64
    assert scan.hosts_count == 1 and scan.services_count == 2 and scan.ports_probed == 4
    asset = Asset.objects.get(organisation=org, kind="host")
    assert asset.value == "198.18.0.2" and asset.names == ["vpn.ch-a.test"]
    ssh = Service.objects.get(asset=asset, port=22)
    assert ssh.product == "OpenSSH" and ssh.cpe == "cpe:2.3:a:openbsd:openssh:9.2p1:*:*:*:*:*:*:*"
    assert Service.objects.get(asset=asset, port=443).name == "https"
    assert not Asset.objects.filter(value="198.18.0.3").exists()


def test_nmap_service_names_are_the_scanner_s(world):
    """nmap's names for what Vigie's probes call otherwise are translated, so findings and retests match."""
    org = world.hospital_a
    attest_scope(org, "198.18.0.0/28")
    ports = b"".join(b'<port protocol="tcp" portid="%d"><state state="open"/><service name="%s"/></port>' % (p, n)
                     for p, n in ((53, b"domain"), (3389, b"ms-wbt-server"), (445, b"microsoft-ds")))
    data = NMAP.split(b"<ports>")[0] + b"<ports>" + ports + b"</ports></host></nmaprun>"
    services.import_nmap(xml_upload(data), org, world.alice)
    assert dict(Service.objects.values_list("port", "name")) == {53: "dns", 3389: "rdp", 445: "smb"}


@pytest.mark.parametrize("data, expected", [
    (b"<nmaprun><host></nmaprun>", "line 1, column"),
    (b"<scan/>", "root element is <scan>"),
    (b'<nmaprun><host><status state="up"/><address addr="198.18.0.2" addrtype="ipv4"/>'
     b'<ports><port protocol="tcp"><state state="open"/></port></ports></host></nmaprun>', "“portid”"),
    (b'<nmaprun><host><status state="up"/><address addr="198.18.0.2" addrtype="ipv4"/>'
     b'<ports><port protocol="tcp" portid="70000"><state state="open"/></port></ports></host></nmaprun>',
     "“70000” is not a port"),
    (b'<!DOCTYPE x [<!ENTITY a "b">]><nmaprun>&a;</nmaprun>', "entities"),
])
def test_a_malformed_nmap_file_says_where_and_imports_nothing(world, data, expected):
    org = world.hospital_a
    attest_scope(org, "198.18.0.0/28")
    with pytest.raises(NmapError, match=expected):
        services.import_nmap(xml_upload(data), org, world.alice)
    assert Scan.objects.count() == 0 and Asset.objects.count() == 0


def test_an_nmap_file_with_a_host_outside_the_attested_scope_is_refused(world):
    org = world.hospital_a
    attest_scope(org, "198.18.0.8/29")
    with pytest.raises(NmapError, match=r"host 1 \(198.18.0.2\) is outside the attested scope"):
        services.import_nmap(xml_upload(NMAP), org, world.alice)
    assert Asset.objects.count() == 0


# --- scope ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("value, kind, expected", [
    ("CH-A.test", "", ("host", "ch-a.test")), ("ch-a.test", "domain", ("domain", "ch-a.test")),
    ("198.18.0.1", "", ("ipv4", "198.18.0.1")), ("FD00:5669:6769::1", "", ("ipv6", "fd00:5669:6769::1")),
    ("198.18.0.0/24", "", ("cidr", "198.18.0.0/24")), ("198.18.0.7/32", "", ("ipv4", "198.18.0.7")),
    ("hôpital.test", "", ("host", "xn--hpital-ixa.test")),
])
def test_scope_entries_are_normalised(value, kind, expected):
    assert scope.normalise_entry(value, kind) == expected


@pytest.mark.parametrize("value, message", [
    ("198.18.0.1/24", "first address"), ("10.0.0.0/8", "at most 4096"), ("intranet", "not a valid"),
    ("-bad-.test", "not a valid"), ("198.18.0", "incomplete address"), ("", "Enter"),
])
def test_bad_scope_entries_are_refused_with_a_reason(value, message):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match=message):
        scope.normalise_entry(value)


def test_only_attested_unexpired_entries_are_targets(world):
    import datetime

    from django.utils import timezone

    org = world.hospital_a
    attest_scope(org, "198.18.0.1")
    ScopeEntry.objects.create(organisation=org, kind="host", value="pending.ch-a.test")
    expired = attest_scope(org, "old.ch-a.test")[0]
    ScopeEntry.objects.filter(pk=expired.pk).update(attested_until=timezone.localdate() - datetime.timedelta(days=1))
    assert scope.targets_for(org) == (("ipv4", "198.18.0.1"),)
    assert scope.in_scope(org, "198.18.0.1") and not scope.in_scope(org, "pending.ch-a.test")
    assert scope.targets_for(world.hospital_b) == ()


def test_a_scan_is_refused_without_an_attested_scope(world):
    ScopeEntry.objects.create(organisation=world.hospital_a, kind="host", value="pending.ch-a.test")
    with pytest.raises(services.ScanRefused, match="no attested"):
        services.start_scan(world.hospital_a, world.alice)
    assert Scan.objects.count() == 0


def csv_upload(text):
    return SimpleUploadedFile("scope.csv", text.encode("utf-8"), content_type="text/csv")


def test_a_scope_csv_imports_every_row_unattested(world):
    report = scope.import_entries(csv_upload("value;kind;note\nch-a.test;domain;site\n198.18.0.0/28;;DMZ\n"),
                                  world.hospital_a)
    assert report.ok and report.created == 2
    assert set(ScopeEntry.objects.values_list("kind", "value")) == {("domain", "ch-a.test"), ("cidr", "198.18.0.0/28")}
    assert not any(e.is_attested() for e in ScopeEntry.objects.all())


def test_a_bad_scope_csv_names_lines_and_imports_nothing(world):
    report = scope.import_entries(csv_upload("value;kind\nch-a.test;domain\n10.0.0.0/8;\nch-a.test;\nx.test;zone\n"),
                                  world.hospital_a)
    assert not report.ok and ScopeEntry.objects.count() == 0
    messages = [str(e) for e in report.errors]
    assert any(m.startswith("line 3, column value") and "4096" in m for m in messages), messages
    assert any(m.startswith("line 4, column value") and "already" in m for m in messages), messages
    assert any(m.startswith("line 5, column kind") for m in messages), messages


def test_an_nmap_file_runs_the_checks_catalogue_on_what_it_saw(world):
    from vigie.exposure.models import Finding

    org = world.hospital_a
    attest_scope(org, "198.18.0.0/28")
    rdp = NMAP.replace(b'portid="3389"><state state="filtered"/>',
                       b'portid="3389"><state state="open"/><service name="ms-wbt-server"/>')
    services.import_nmap(xml_upload(rdp, "first.xml"), org, world.alice)
    exposed = Finding.objects.get(organisation=org, port=3389)
    assert exposed.check_id.startswith("service.") and exposed.status == "open"
    assert exposed.title_fr and exposed.title_fr != exposed.check_id  # titles from the catalogue
    services.import_nmap(xml_upload(NMAP, "second.xml"), org, world.alice)  # 3389 filtered now
    exposed.refresh_from_db()
    assert exposed.status == "fixed"


@pytest.mark.parametrize("value", ["pаypal.com", "fd00::/116"])  # a Cyrillic "а"; an IPv6 range over /120
def test_the_engines_reading_of_an_entry_is_the_last_check(value):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="refused by the scanner"):
        scope.normalise_entry(value)


def test_the_same_nmap_file_is_filed_once(world):
    org = world.hospital_a
    attest_scope(org, "198.18.0.0/28")
    services.import_nmap(xml_upload(NMAP), org, world.alice)
    with pytest.raises(NmapError, match="already imported on"):
        services.import_nmap(xml_upload(NMAP, "copy.xml"), org, world.alice)
    assert Scan.objects.count() == 1


def _summarised(closed_ports: str, count: int) -> bytes:
    """nmap's usual output: the many closed ports are summarised in <extraports>, not listed one by one."""
    return (b'<nmaprun start="1767100000"><host><status state="up"/><address addr="198.18.0.2" addrtype="ipv4"/>'
            b'<ports><extraports state="closed" count="' + str(count).encode() + b'">'
            b'<extrareasons reason="conn-refused" count="' + str(count).encode() + b'" proto="tcp" ports="'
            + closed_ports.encode() + b'"/></extraports>'
            b'<port protocol="tcp" portid="22"><state state="open"/><service name="ssh"/></port>'
            b'</ports></host><runstats><finished time="1767100042"/></runstats></nmaprun>')


def test_a_port_summarised_as_closed_in_extraports_closes_what_was_open_there(world):
    from vigie.exposure.models import Finding

    org = world.hospital_a
    attest_scope(org, "198.18.0.0/28")
    rdp = NMAP.replace(b'portid="3389"><state state="filtered"/>',
                       b'portid="3389"><state state="open"/><service name="ms-wbt-server"/>')
    services.import_nmap(xml_upload(rdp, "before.xml"), org, world.alice)
    exposed = Finding.objects.get(organisation=org, port=3389)
    scan = services.import_nmap(xml_upload(_summarised("1-21,23-442,444-3000,3300-3400,5000-65535", 65531)), org, world.alice)
    exposed.refresh_from_db()
    assert exposed.status == "fixed"
    assert not Service.objects.get(asset__value="198.18.0.2", port=3389).open
    assert Service.objects.get(asset__value="198.18.0.2", port=443).open  # 443 is not in the summarised ranges
    assert scan.ports_probed == 65532


def test_a_garbled_extraports_list_is_refused_naming_the_host(world):
    attest_scope(world.hospital_a, "198.18.0.0/28")
    with pytest.raises(NmapError, match=r"host 1 \(198.18.0.2\).*“1-x”"):
        services.import_nmap(xml_upload(_summarised("1-x", 10)), world.hospital_a, world.alice)
    assert Scan.objects.count() == 0
