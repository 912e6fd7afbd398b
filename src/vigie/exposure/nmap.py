"""nmap XML (`nmap -oX`) read into the engine's ScanResult, so an imported file is filed like a scan.

Parsed with defusedxml (no entities, no external references). Hosts that are up give their address, host
names, every TCP port with its state (ports nmap summarises in <extraports> count as probed, and those the
caller watches — open before — are read from its port list, so closing a port shows in the next file), and for open ports the service nmap named (product, version, CPE
turned into CPE 2.3) and the output of its scripts (kept in `facts`, and the banner script as the banner).
A malformed file, or a host outside the attested scope, raises NmapError naming the line and column, or
the element, and nothing is imported.
"""

import datetime
import hashlib

from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException
from django.utils.translation import gettext as _

from .engine import Host, PortState, ScanResult, Service

MAX_SCRIPT_OUTPUT = 2000
# nmap's service names (nmap-services) that the engine's probes name otherwise, so the same checks apply.
NAMES = {"ms-wbt-server": "rdp", "microsoft-ds": "smb", "netbios-ssn": "smb", "ms-sql-s": "mssql",
         "oracle-tns": "oracle", "mongod": "mongodb", "wsman": "winrm", "wsmans": "winrm", "mbap": "modbus",
         "dicom": "dicom", "vnc": "vnc", "postgres": "postgresql", "domain": "dns"}


class NmapError(Exception):
    """The file cannot be imported; the message says where and why."""


def _cpe23(cpe: str) -> str:
    """nmap gives CPE 2.2 URIs (cpe:/a:openbsd:openssh:9.2p1); the inventory keeps CPE 2.3 names."""
    if not cpe.startswith("cpe:/"):
        return cpe
    parts = cpe[5:].split(":")
    parts += ["*"] * (11 - len(parts))
    return "cpe:2.3:" + ":".join(p or "*" for p in parts[:11])


def _when(value: str | None, fallback: datetime.datetime) -> datetime.datetime:
    if value and value.isdigit():
        return datetime.datetime.fromtimestamp(int(value), tz=datetime.UTC)
    return fallback


def _required(element, attribute: str, where: str) -> str:
    value = element.get(attribute)
    if value is None or value == "":
        raise NmapError(_("%(where)s: the <%(tag)s> element has no “%(attribute)s” attribute.") % {
            "where": where, "tag": element.tag, "attribute": attribute})
    return value


def _service(address: str, port: int, element, hostname: str) -> Service:
    name, product, version, cpe, facts = "unknown", "", "", "", {}
    found = element.find("service")
    if found is not None:
        name = found.get("name") or "unknown"
        name = NAMES.get(name, name)
        if found.get("tunnel") == "ssl" and name == "http":
            name = "https"
        product, version = found.get("product", ""), found.get("version", "")
        cpes = [c.text or "" for c in found.findall("cpe")]
        cpe = _cpe23(cpes[0]) if cpes else ""
        if found.get("extrainfo"):
            facts["extrainfo"] = found.get("extrainfo")
    banner = ""
    for script in element.findall("script"):
        output = (script.get("output") or "")[:MAX_SCRIPT_OUTPUT]
        facts[f"script:{script.get('id', '?')}"] = output
        if script.get("id") == "banner":
            banner = output[:1024]
    return Service(address=address, port=port, name=name, hostname=hostname, product=product, version=version,
                   cpe=cpe, banner=banner, facts=facts)


def _state(raw: str) -> str:
    return "filtered" if "filtered" in raw else raw


def _port_ranges(text: str, where: str) -> list[tuple[int, int]]:
    """`1-52,54-87,3389` (nmap's list of the ports an <extraports> summarises) as (first, last) pairs."""
    ranges = []
    for part in text.split(","):
        first, _dash, last = part.strip().partition("-")
        last = last or first
        if not (first.isdigit() and last.isdigit() and 0 < int(first) <= int(last) < 65536):
            raise NmapError(_("%(where)s: “%(ports)s” in <extraports> is not a list of port numbers.") % {
                "where": where, "ports": part.strip()})
        ranges.append((int(first), int(last)))
    return ranges


def _summarised(address: str, host, where: str, watched: frozenset[int]) -> tuple[list[PortState], int]:
    """The ports nmap summarised as closed or filtered (<extraports>): all are counted as probed; only the
    `watched` ones (known open before) become port states, so a summary of 65,000 ports stays cheap."""
    states, probed = [], 0
    for summary in host.findall("ports/extraports"):
        state = _state(summary.get("state", ""))
        count = summary.get("count", "0")
        probed += int(count) if count.isdigit() else 0
        if state not in ("closed", "filtered"):
            continue
        for reasons in summary.findall("extrareasons"):
            if reasons.get("proto", "tcp") != "tcp" or not reasons.get("ports"):
                continue
            ranges = _port_ranges(reasons.get("ports"), where)
            states += [PortState(address, port, state) for port in sorted(watched)
                       if any(first <= port <= last for first, last in ranges)]
    return states, probed


def parse(data: bytes, in_scope=lambda address: True,
          watched=lambda address: frozenset()) -> tuple[ScanResult, str]:
    """(ScanResult, SHA-256 of the file); NmapError on anything malformed or out of scope. `watched(address)`
    names the ports whose state matters even when nmap only summarises them (those seen open before)."""
    try:
        root = ElementTree.fromstring(data)
    except ElementTree.ParseError as exc:
        line, column = getattr(exc, "position", (0, 0))
        raise NmapError(_("The file is not well-formed XML (line %(line)s, column %(column)s).") % {
            "line": line, "column": column}) from None
    except DefusedXmlException:
        raise NmapError(_("The file declares entities or external references; it was refused.")) from None
    if root.tag != "nmaprun":
        raise NmapError(_("This is not an nmap XML file: its root element is <%(tag)s>, not <nmaprun>.") % {
            "tag": root.tag})
    now = datetime.datetime.now(datetime.UTC)
    started = _when(root.get("start"), now)
    finished_element = root.find("runstats/finished")
    finished = _when(finished_element.get("time") if finished_element is not None else None, started)
    hosts, probed = [], 0
    for index, host in enumerate(root.findall("host"), start=1):
        where = _("host %(n)s") % {"n": index}
        status = host.find("status")
        if status is not None and status.get("state") != "up":
            continue
        addresses = [a for a in host.findall("address") if a.get("addrtype") in ("ipv4", "ipv6")]
        if not addresses:
            raise NmapError(_("%(where)s: no <address> element with an IPv4 or IPv6 address.") % {"where": where})
        address = _required(addresses[0], "addr", where)
        where = _("host %(n)s (%(address)s)") % {"n": index, "address": address}
        if not in_scope(address):
            raise NmapError(_("%(where)s is outside the attested scope of this organisation: attest it first or "
                              "remove it from the file.") % {"where": where})
        names = tuple(n.get("name", "") for n in host.findall("hostnames/hostname") if n.get("name"))
        ports, services = [], []
        for port_element in host.findall("ports/port"):
            if port_element.get("protocol", "tcp") != "tcp":
                continue
            raw = _required(port_element, "portid", where)
            if not raw.isdigit() or not 0 < int(raw) < 65536:
                raise NmapError(_("%(where)s: “%(port)s” is not a port number.") % {"where": where, "port": raw})
            state_element = port_element.find("state")
            if state_element is None:
                raise NmapError(_("%(where)s, port %(port)s: no <state> element.") % {"where": where, "port": raw})
            state = _state(_required(state_element, "state", where))
            if state not in ("open", "closed", "filtered"):
                continue
            probed += 1
            ports.append(PortState(address, int(raw), state))
            if state == "open":
                services.append(_service(address, int(raw), port_element, names[0] if names else ""))
        listed = {p.port for p in ports}
        summarised, summarised_count = _summarised(address, host, where, frozenset(watched(address)) - listed)
        ports += summarised
        probed += summarised_count
        hosts.append(Host(address=address, names=names, ports=tuple(ports), services=tuple(services)))
    result = ScanResult(started=started, finished=finished, targets=tuple(h.address for h in hosts),
                        hosts=tuple(hosts), ports_probed=probed)
    return result, hashlib.sha256(data).hexdigest()
