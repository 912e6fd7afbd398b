"""What the exposure engine observes and concludes: plain, immutable values shared by its parts.

The scanner (ports, discovery, probes) produces observations — `PortState`, `Service`, `DomainInfo` —
and the checks catalogue turns them into `Finding`s. A finding is identified by its `key`
(address, port, check id, evidence key), never by its title, so the app can follow it from scan to scan.
`Coverage` says which check was evaluated on which target: a finding is only closed by a run that
covered its check there.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType
from typing import Literal

Severity = Literal["info", "low", "medium", "high", "critical"]
SEVERITIES: tuple[Severity, ...] = ("info", "low", "medium", "high", "critical")
PortStatus = Literal["open", "closed", "filtered"]
Confidence = Literal["certain", "to_confirm"]

_EMPTY: Mapping[str, str] = MappingProxyType({})


@dataclass(frozen=True, slots=True)
class Certificate:
    """One certificate of a chain, as the server sent it."""

    subject: str  # RFC 4514 string
    issuer: str
    names: tuple[str, ...]  # subjectAltName DNS names (and the CN when there is no SAN)
    not_before: datetime  # timezone-aware, UTC
    not_after: datetime
    self_signed: bool
    sha256: str  # hex fingerprint of the DER
    key_type: str = ""  # "RSA", "EC", "Ed25519"…
    key_bits: int = 0
    signature_algorithm: str = ""  # e.g. "sha256WithRSAEncryption"


@dataclass(frozen=True, slots=True)
class TlsInfo:
    """What a TLS endpoint offers."""

    versions: tuple[str, ...]  # offered, among "TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"
    chain: tuple[Certificate, ...]  # every certificate the server sent, in its order: leaf first
    server_name: str = ""  # the SNI name used for the handshake ("" for an address)
    trusted: bool = False  # the chain verifies against the trust store given to the scan
    cipher: str = ""  # negotiated with the best version offered (OpenSSL name)
    weak_ciphers: tuple[str, ...] = ()  # accepted broken suites: NULL, anonymous, EXPORT, RC4, DES, 3DES, MD5
    no_forward_secrecy: tuple[str, ...] = ()  # accepted suites with RSA key exchange (no forward secrecy)
    # the certificates sent lead from the leaf to a self-signed one or to an authority of the trust store
    # (the scan's CA file and the system's); None: no trust store could be read to judge
    chain_complete: bool | None = None
    error: str = ""  # why the handshake failed, when it did


@dataclass(frozen=True, slots=True)
class HttpResponse:
    """One HTTP exchange made by a probe (a GET of `url`, redirects not followed within one response)."""

    url: str
    status: int
    headers: tuple[tuple[str, str], ...]  # in the order received, names as sent
    title: str = ""
    body: str = ""  # first 64 KiB, decoded leniently
    location: str = ""  # the Location header of a redirect, resolved against url

    def header(self, name: str) -> str:
        """The first value of header `name` (case-insensitive), or ""."""
        wanted = name.lower()
        return next((value for key, value in self.headers if key.lower() == wanted), "")


@dataclass(frozen=True, slots=True)
class PortState:
    address: str
    port: int
    state: PortStatus


@dataclass(frozen=True, slots=True)
class Service:
    """An open TCP port and what its probes learnt about it."""

    address: str
    port: int
    name: str  # ssh, ftp, smtp, http, https, rdp, smb, mysql, postgresql, redis, mongodb, elasticsearch,
    # ldap, ldaps, dicom, hl7, dns, telnet, vnc, winrm, modbus, … or "unknown"
    hostname: str = ""  # the in-scope name used to reach it (for SNI, Host headers, name checks)
    product: str = ""  # normalised product name, e.g. "OpenSSH", "nginx", "Apache httpd"
    version: str = ""  # upstream version as read, e.g. "9.2p1"
    cpe: str = ""  # CPE 2.3 name when product is known, see cpe.make_cpe
    banner: str = ""  # first line(s) the service sent, printable, at most 1 KiB
    distro_build: str = ""  # a distribution's package marker in the banner ("Debian-2+deb12u3"): may carry backported fixes
    tls: TlsInfo | None = None
    http: tuple[HttpResponse, ...] = ()  # "/" and the paths the checks asked for (checks.http_paths())
    auth_required: bool | None = None  # answered a data command without credentials: False; None: not determined
    facts: Mapping[str, str] = field(default_factory=lambda: _EMPTY)  # protocol details (smb dialect, rdp nla, ldap naming contexts…)


@dataclass(frozen=True, slots=True)
class DnsRecord:
    name: str
    type: str  # A, AAAA, CNAME, MX, NS, TXT, CAA, PTR
    value: str


@dataclass(frozen=True, slots=True)
class DomainInfo:
    """What DNS says of one declared domain."""

    name: str
    records: tuple[DnsRecord, ...] = ()
    nameservers: tuple[str, ...] = ()
    spf: str = ""  # the v=spf1 TXT record of the domain, "" when none
    dmarc: str = ""  # the v=DMARC1 TXT record at _dmarc.<domain>, "" when none
    caa: tuple[str, ...] = ()
    has_mx: bool = False
    zone_transfer_open: tuple[str, ...] = ()  # name servers that answered an AXFR
    subdomains: tuple[str, ...] = ()  # in-scope names found (wordlist, AXFR, certificates, imported list)


@dataclass(frozen=True, slots=True)
class Host:
    address: str
    names: tuple[str, ...] = ()  # in-scope names that resolve to it
    reverse_name: str = ""
    ports: tuple[PortState, ...] = ()  # every port probed, with its state
    services: tuple[Service, ...] = ()  # the open ones, identified


@dataclass(frozen=True, slots=True)
class Finding:
    check_id: str
    severity: Severity
    address: str  # "" for a domain-level finding
    port: int | None  # None for host- or domain-level findings
    evidence_key: str  # what distinguishes two findings of one check on one port (a CVE id, a path, a domain)
    evidence: str  # what was seen, for a human: "TLSv1 offered", "GET /admin/ -> 200 'Login'"
    hostname: str = ""
    domain: str = ""  # for domain-level findings
    confidence: Confidence = "certain"
    details: Mapping[str, str] = field(default_factory=lambda: _EMPTY)  # e.g. cve, kev, cvss, expires

    @property
    def key(self) -> tuple[str, int | None, str, str]:
        return (self.address or self.domain, self.port, self.check_id, self.evidence_key)


@dataclass(frozen=True, slots=True)
class Coverage:
    """Check `check_id` was evaluated on this target in this run (whether or not it found something)."""

    check_id: str
    target: str  # an address, or a domain name for domain checks
    port: int | None = None


@dataclass(frozen=True, slots=True)
class Refusal:
    """A target, name or redirect the engine refused to touch, and why (never a packet sent)."""

    target: str
    reason: str


@dataclass(frozen=True, slots=True)
class ScanResult:
    started: datetime
    finished: datetime
    targets: tuple[str, ...]
    hosts: tuple[Host, ...] = ()
    domains: tuple[DomainInfo, ...] = ()
    findings: tuple[Finding, ...] = ()
    coverage: tuple[Coverage, ...] = ()
    refused: tuple[Refusal, ...] = ()
    errors: tuple[str, ...] = ()
    ports_probed: int = 0
