"""Service identification: read what the service says first, else try the handshakes its port suggests,
then TLS and HTTP. `identify` returns the `Service` and the redirects it refused to follow."""

from __future__ import annotations

import re
import socket
import ssl
from types import MappingProxyType
from urllib.parse import urlsplit

from .._model import HttpResponse, Refusal, Service, TlsInfo
from ..errors import OutOfScope
from ..limits import Limits
from ..net import Connector
from ..scope import Scope
from . import dns as dnsprobe
from . import http as httpprobe
from . import protocols
from . import tls as tlsprobe
from .products import cpe_for

HINTS: dict[int, str] = {6379: "redis", 5432: "postgresql", 3389: "rdp", 445: "smb", 139: "smb", 27017: "mongodb",
                         389: "ldap", 104: "dicom", 11112: "dicom", 2761: "dicom", 2575: "hl7"}
DNS_PORTS = frozenset({53})
TLS_PORTS = frozenset({443, 8443, 9443, 10443, 636, 993, 995, 465, 5986, 4443, 2762, 3269})
BANNER_WAIT = 1.0  # seconds to wait for a service that speaks first

_SSH = re.compile(r"^SSH-([\d.]+)-(\S+)(?:\s+(.*))?")
_PRODUCT_VERSION = (
    ("ftp", re.compile(r"vsFTPd (\S+)", re.I), "vsftpd"), ("ftp", re.compile(r"ProFTPD (\S+)"), "ProFTPD"),
    ("ftp", re.compile(r"Pure-FTPd"), "Pure-FTPd"), ("ftp", re.compile(r"FileZilla Server(?: version)? ?(\S*)"), "FileZilla Server"),
    ("smtp", re.compile(r"ESMTP Postfix"), "Postfix"), ("smtp", re.compile(r"Exim (\S+)"), "Exim"),
    ("smtp", re.compile(r"Microsoft ESMTP MAIL Service"), "Microsoft Exchange"),
)
_SERVER = (
    (re.compile(r"nginx(?:/([\d.]+))?", re.I), "nginx"), (re.compile(r"Apache(?:/([\d.]+))?"), "Apache httpd"),
    (re.compile(r"Microsoft-IIS/([\d.]+)"), "Microsoft IIS"), (re.compile(r"lighttpd(?:/([\d.]+))?"), "lighttpd"),
    (re.compile(r"MiniServ/([\d.]+)"), "Webmin"),
)


def _printable(data: bytes) -> str:
    text = data.decode("utf-8", "replace")
    return "".join(c if c.isprintable() or c in "\r\n\t" else "." for c in text)[:1024]


def _from_banner(banner: bytes) -> tuple[str, str, str, str, bool | None, dict[str, str]] | None:
    """(name, product, version, distro_build, auth_required, facts) from what the service sent first."""
    text = banner.decode("utf-8", "replace")
    if banner.startswith(b"\xff") and len(banner) > 1 and banner[1] in (0xFB, 0xFC, 0xFD, 0xFE):
        return ("telnet", "", "", "", None, {})
    match = _SSH.match(text)
    if match:
        software, comment = match.group(2), (match.group(3) or "").strip()
        product, _, version = software.partition("_")
        names = {"OpenSSH": "OpenSSH", "dropbear": "Dropbear"}
        return ("ssh", names.get(product, product), version, comment, None, {"protocol": match.group(1)})
    if text.startswith("RFB "):
        return ("vnc", "", "", "", None, {"rfb": text[4:11].strip()})
    mysql = protocols.mysql_banner(banner)
    if mysql is not None:
        return (mysql[0], mysql[1], mysql[2], "", mysql[3], mysql[4])
    if text.startswith("220"):
        name = "smtp" if re.search(r"SMTP|mail", text, re.I) and "FTP" not in text else "ftp"
        for kind, pattern, product in _PRODUCT_VERSION:
            found = pattern.search(text)
            if found:
                version = found.group(1) if found.groups() and found.group(1) else ""
                return (kind, product, version.strip("()"), "", None, {})
        return (name, "", "", "", None, {})
    if text.startswith("+OK"):
        return ("pop3", "", "", "", None, {})
    if text.startswith("* OK"):
        return ("imap", "", "", "", None, {})
    return None


def _http_identity(responses: tuple[HttpResponse, ...]) -> tuple[str, str, str, bool | None, dict[str, str]]:
    first = responses[0]
    server = first.header("server")
    facts: dict[str, str] = {}
    if server:
        facts["server"] = server
    found = httpprobe.frameworks(first)
    if found:
        facts["frameworks"] = ",".join(found)
    if '"tagline" : "You Know, for Search"' in first.body or "You Know, for Search" in first.body or (
            first.status == 401 and "elastic" in first.header("www-authenticate").lower()):
        version = re.search(r'"number"\s*:\s*"([\d.]+)"', first.body)
        return ("elasticsearch", "Elasticsearch", version.group(1) if version else "", first.status == 401, facts)
    for pattern, product in _SERVER:
        match = pattern.search(server)
        if match:
            return ("", product, (match.group(1) or "") if match.groups() else "", None, facts)
    return ("", "", "", None, facts)


def identify(address: str, port: int, *, hostname: str = "", connector: Connector, scope: Scope,
             limits: Limits = Limits(), http_paths: tuple[str, ...] = (), cafile: str | None = None,
             wanted: frozenset[str] | None = None) -> tuple[Service, tuple[Refusal, ...]]:
    """Identify the service on an open port. `wanted` limits the probes run (a retest): a subset of
    banner, tls, http, auth; None runs them all."""
    refused: list[Refusal] = []
    name, product, version, distro, auth = "unknown", "", "", "", None
    facts: dict[str, str] = {}
    banner_text = ""
    banner = b""
    try:
        sock = connector.connect(address, port, limits.read_timeout)
    except OutOfScope as exc:
        return Service(address, port, "unknown", hostname=hostname), (Refusal(address, exc.reason),)
    except OSError as exc:
        return Service(address, port, "unknown", hostname=hostname, facts=MappingProxyType({"error": str(exc)})), ()
    with sock:
        if port not in TLS_PORTS:
            sock.settimeout(min(BANNER_WAIT, limits.read_timeout))
            try:
                banner = sock.recv(4096)
            except (TimeoutError, socket.timeout, OSError):
                banner = b""
    if banner:
        banner_text = _printable(banner)
        known = _from_banner(banner)
        if known is not None:
            name, product, version, distro, auth, facts = known
    tls: TlsInfo | None = None
    if name == "unknown" and port in HINTS:
        ident = _handshake(connector, address, port, limits, protocols.ACTIVE[HINTS[port]])
        if ident is not None:
            name, product, version, auth, facts = ident
    if name == "unknown" and port in DNS_PORTS:
        named = _dns(connector, address, port, limits)
        if named is not None:
            name, product, version, distro, facts = named
    if name == "unknown" and not banner:
        for kind, handshake in protocols.ACTIVE.items():  # a known protocol on an unusual port
            if HINTS.get(port) == kind or kind in ("dicom", "hl7", "smb"):
                continue
            if kind not in ("redis", "postgresql", "rdp", "mongodb", "ldap"):
                continue
            ident = _handshake(connector, address, port, limits, handshake)
            if ident is not None:
                name, product, version, auth, facts = ident
                break
    responses: tuple[HttpResponse, ...] = ()
    if name in ("unknown", "ldap") and (wanted is None or "tls" in wanted or "http" in wanted or port in TLS_PORTS):
        tls = tlsprobe.probe_tls(connector, address, port, hostname, limits, cafile) if not banner else None
        if tls is not None and name == "ldap":
            name = "ldaps"
    if name == "unknown":
        responses, refusals = _http(connector, scope, address, port, hostname, tls is not None, limits, http_paths)
        refused.extend(refusals)
        if responses:
            kind, http_product, http_version, http_auth, http_facts = _http_identity(responses)
            name = kind or ("https" if tls is not None else "http")
            product, version, auth = http_product, http_version, http_auth
            facts.update(http_facts)
            if kind == "elasticsearch":
                facts["tls"] = "yes" if tls else "no"
        elif tls is not None:
            name = "tls"
    if name == "unknown" and not banner and tls is None and not responses and port not in DNS_PORTS:
        # last, a name server on an unusual port: it ignores the other probes' bytes until they time out
        named = _dns(connector, address, port, limits)
        if named is not None:
            name, product, version, distro, facts = named
    if name == "unknown" and port == 5985:
        name = "winrm"
    cpe = cpe_for(product, version) if product else ""
    return Service(address=address, port=port, name=name, hostname=hostname, product=product, version=version,
                   cpe=cpe, banner=banner_text, distro_build=distro, tls=tls, http=responses, auth_required=auth,
                   facts=MappingProxyType(dict(facts))), tuple(refused)


def _dns(connector: Connector, address: str, port: int,
         limits: Limits) -> tuple[str, str, str, str, dict[str, str]] | None:
    """(name, product, version, distro_build, facts) of a name server on the port, None when it is not one."""
    found = dnsprobe.probe(lambda: connector.connect(address, port, limits.read_timeout), limits.read_timeout,
                           usual_port=port in DNS_PORTS)
    if found is None:
        return None
    return ("dns", found.product, found.version, found.distro_build, dict(found.facts))


def _handshake(connector: Connector, address: str, port: int, limits: Limits,
               handshake: protocols.Handshake) -> protocols.Ident | None:
    try:
        with connector.connect(address, port, limits.read_timeout) as sock:
            return handshake(sock)
    except (OSError, ValueError, IndexError, UnicodeError, ssl.SSLError):
        return None


def _http(connector: Connector, scope: Scope, address: str, port: int, hostname: str, secure: bool, limits: Limits,
          paths: tuple[str, ...]) -> tuple[tuple[HttpResponse, ...], tuple[Refusal, ...]]:
    host = hostname or (f"[{address}]" if ":" in address else address)
    responses: list[HttpResponse] = []
    refused: list[Refusal] = []
    first = httpprobe.get(connector, address, port, "/", host=host, secure=secure, limits=limits)
    if first is None:
        return (), ()
    responses.append(first)
    current = first
    for _ in range(3):  # follow redirects to the same endpoint or another in-scope name of it
        target = httpprobe.redirect_host(current)
        if not target or not (300 <= current.status < 400):
            break
        in_scope = scope.contains_name(target) if not _is_ip(target) else scope.contains_address(target)
        if not in_scope:
            refused.append(Refusal(current.location, "redirect to a host outside the scope"))
            break
        if target not in (hostname, address):
            break  # another in-scope host: scanned as its own target, not through this port
        path = urlsplit(current.location).path or "/"
        secure_next = current.location.startswith("https:")
        if secure_next != secure:
            break
        following = httpprobe.get(connector, address, port, path, host=host, secure=secure, limits=limits)
        if following is None:
            break
        responses.append(following)
        current = following
    for path in paths:
        if path == "/":
            continue
        extra = httpprobe.get(connector, address, port, path, host=host, secure=secure, limits=limits)
        if extra is not None:
            responses.append(extra)
    return tuple(responses), tuple(refused)


def _is_ip(text: str) -> bool:
    return bool(re.fullmatch(r"[\d.]+", text)) or ":" in text
