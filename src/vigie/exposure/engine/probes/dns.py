"""DNS over TCP: is the port a name server, what does it say it runs, and does it recurse for anyone.

Two questions, each on its own connection (some servers close after one answer):

1. `version.bind` TXT in class CHAOS. Every server that speaks DNS answers it, if only with REFUSED or
   NOTIMP; BIND, Unbound, dnsmasq, PowerDNS, Knot and NSD tell their version unless told not to.
2. A recursive question (RD set) for `1.0.0.127.in-addr.arpa` PTR, a name of the loopback reverse zone,
   which RFC 6303 asks every recursive resolver to answer from itself: an open resolver answers without
   querying any other server, an authoritative-only one refuses. The reply's RA flag and rcode are kept
   for the open-resolver check (checks/dns.py).

A port is "dns" when either question gets a well-formed DNS reply to that very query.
"""

from __future__ import annotations

import re
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import dns.exception
import dns.flags
import dns.message
import dns.query
import dns.rcode
import dns.rdataclass
import dns.rdatatype

RECURSION_NAME = "1.0.0.127.in-addr.arpa."  # RFC 6303 locally served zone: answered without going out

# version.bind text -> (product, version, distribution build); first match wins
_BIND = re.compile(r"^(9\.\d+\.\d+(?:-[PS]\d+)?)(?:-(\S.*))?$")  # 9.18.28-1~deb12u2-Debian, 9.11.4-P2-RedHat-…
_VERSIONED = (
    (re.compile(r"^BIND (9\.\d+\.\d+(?:-[PS]\d+)?)", re.I), "BIND"),
    (re.compile(r"^unbound (\d+\.\d+\.\d+)", re.I), "Unbound"),
    (re.compile(r"^dnsmasq-(\d+\.\d+(?:\.\d+)?)", re.I), "dnsmasq"),
    (re.compile(r"^PowerDNS Recursor (\d+\.\d+\.\d+)", re.I), "PowerDNS Recursor"),
    (re.compile(r"^PowerDNS Authoritative Server (\d+\.\d+\.\d+)", re.I), "PowerDNS Authoritative Server"),
    (re.compile(r"^Knot DNS (\d+\.\d+\.\d+)", re.I), "Knot DNS"),
    (re.compile(r"^Knot Resolver (\d+\.\d+\.\d+)", re.I), "Knot Resolver"),
    (re.compile(r"^NSD (\d+\.\d+\.\d+)", re.I), "NSD"),
)


@dataclass(frozen=True, slots=True)
class DnsIdent:
    product: str = ""
    version: str = ""
    distro_build: str = ""
    facts: dict[str, str] = field(default_factory=dict)


def product_of(text: str) -> tuple[str, str, str]:
    """(product, version, distribution build) from a version.bind answer; ("", "", "") when unrecognised."""
    text = text.strip()
    match = _BIND.match(text)
    if match:
        return ("BIND", match.group(1), match.group(2) or "")
    for pattern, product in _VERSIONED:
        found = pattern.match(text)
        if found:
            return (product, found.group(1), "")
    return ("", "", "")


def _ask(connect: Callable[[], socket.socket], query: dns.message.Message, timeout: float) -> dns.message.Message | None:
    """The reply to `query` over a new TCP connection, or None when what came back is not one."""
    try:
        with connect() as sock:
            expiration = time.time() + timeout
            dns.query.send_tcp(sock, query, expiration)
            reply, _ = dns.query.receive_tcp(sock, expiration)
    except (dns.exception.DNSException, OSError, EOFError, ValueError):
        return None
    return reply if query.is_response(reply) else None


def _version_text(reply: dns.message.Message) -> str:
    for rrset in reply.answer:
        if rrset.rdtype == dns.rdatatype.TXT:
            for rdata in rrset:
                return b"".join(rdata.strings).decode("utf-8", "replace")[:200]
    return ""


def probe(connect: Callable[[], socket.socket], timeout: float, *, usual_port: bool = True) -> DnsIdent | None:
    """Ask both questions through `connect` (a scoped connection to the port); None when it is not DNS.
    On an unusual port (`usual_port` false) a port that does not answer the first is let go at once."""
    version_query = dns.message.make_query("version.bind.", dns.rdatatype.TXT, dns.rdataclass.CH)
    version_query.flags &= ~dns.flags.RD
    recursion_query = dns.message.make_query(RECURSION_NAME, dns.rdatatype.PTR)  # RD set by default
    version_reply = _ask(connect, version_query, timeout)
    if version_reply is None and not usual_port:
        return None
    recursion_reply = _ask(connect, recursion_query, timeout)  # a server that ignores CHAOS may answer this
    if version_reply is None and recursion_reply is None:
        return None
    facts: dict[str, str] = {}
    product = version = distro = ""
    if version_reply is not None:
        text = _version_text(version_reply) if version_reply.rcode() == dns.rcode.NOERROR else ""
        if text:
            facts["version_bind"] = text
            product, version, distro = product_of(text)
    if recursion_reply is not None:
        facts["recursion_question"] = f"{RECURSION_NAME} PTR"
        facts["recursion_available"] = "yes" if recursion_reply.flags & dns.flags.RA else "no"
        facts["recursion_rcode"] = dns.rcode.to_text(recursion_reply.rcode())
        facts["recursion_answers"] = str(sum(len(rrset) for rrset in recursion_reply.answer))
    return DnsIdent(product=product, version=version, distro_build=distro, facts=facts)
