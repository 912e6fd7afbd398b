"""What the engine may touch: the attested scope, parsed once, checked before every packet.

Entries are domains (a domain covers its subdomains), host names, IPv4/IPv6 addresses and CIDR ranges.
Names are normalised with IDNA 2008 (UTS 46 mapping) to their ASCII form; a label that mixes scripts
(a Cyrillic "а" in a Latin name) is refused, since it is the usual look-alike trick.
"""

from __future__ import annotations

import ipaddress
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

import idna

from .errors import OutOfScope, ScopeError

IpNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

MAX_PREFIX_V4 = 20  # the widest IPv4 range accepted by default (4,096 addresses)
MAX_PREFIX_V6 = 120  # the widest IPv6 range accepted by default (256 addresses)


def _script(char: str) -> str:
    """A coarse script of a letter, from its Unicode name ("LATIN SMALL LETTER A" -> "LATIN")."""
    try:
        return unicodedata.name(char).split(" ")[0]
    except ValueError:
        return "UNKNOWN"


def _scripts(label: str) -> set[str]:
    """The scripts of a label's letters (ASCII letters are Latin)."""
    return {"LATIN" if c.isascii() else _script(c) for c in label if c.isalpha()}


def normalise_name(name: str, *, entry: str | None = None) -> str:
    """The ASCII (punycode) lower-case form of a host name, or ScopeError naming what is wrong."""
    where = entry if entry is not None else name
    text = name.strip().rstrip(".")
    if not text:
        raise ScopeError(where, "empty name")
    if len(text) > 253:
        raise ScopeError(where, "name longer than 253 characters")
    for label in text.split("."):
        if len(_scripts(label)) > 1:
            raise ScopeError(where, f"label {label!r} mixes scripts (look-alike characters)")
    try:
        ascii_name = idna.encode(text, uts46=True).decode("ascii")
    except idna.IDNAError as exc:
        raise ScopeError(where, f"not a valid host name ({exc})") from None
    ascii_name = ascii_name.lower()
    for label in ascii_name.split("."):
        if label.startswith("xn--"):
            try:  # a punycode label given as is must decode to a valid, single-script label
                decoded = idna.decode(label)
            except idna.IDNAError as exc:
                raise ScopeError(where, f"invalid punycode label {label!r} ({exc})") from None
            if len(_scripts(decoded)) > 1:
                raise ScopeError(where, f"label {label!r} mixes scripts (look-alike characters)")
        elif not all(c.isalnum() or c in "-_" for c in label) or label.startswith("-") or label.endswith("-"):
            raise ScopeError(where, f"label {label!r} is not a valid host-name label")
    return ascii_name


@dataclass(frozen=True, slots=True)
class Scope:
    """The attested scope: domains (with their subdomains), exact host names and networks."""

    domains: tuple[str, ...] = ()
    names: tuple[str, ...] = ()
    networks: tuple[IpNetwork, ...] = ()

    @classmethod
    def from_entries(
        cls, entries: Iterable[str], *, max_prefix_v4: int = MAX_PREFIX_V4, max_prefix_v6: int = MAX_PREFIX_V6
    ) -> Scope:
        """Parse scope entries. `*.example.org` or `example.org` declares a domain and its subdomains;
        `=www.example.org` an exact host name only; addresses and CIDR ranges declare networks."""
        domains: list[str] = []
        names: list[str] = []
        networks: list[IpNetwork] = []
        for raw in entries:
            entry = raw.strip()
            if not entry:
                raise ScopeError(raw, "empty scope entry")
            network = _parse_network(entry, max_prefix_v4, max_prefix_v6)
            if network is not None:
                networks.append(network)
            elif entry.startswith("="):
                names.append(normalise_name(entry[1:], entry=entry))
            else:
                domains.append(normalise_name(entry.removeprefix("*."), entry=entry))
        return cls(tuple(dict.fromkeys(domains)), tuple(dict.fromkeys(names)), tuple(dict.fromkeys(networks)))

    def contains_address(self, address: str) -> bool:
        try:
            ip = ipaddress.ip_address(address.split("%")[0])
        except ValueError:
            return False
        return any(ip.version == net.version and ip in net for net in self.networks)

    def contains_name(self, name: str) -> bool:
        try:
            wanted = normalise_name(name)
        except ScopeError:
            return False
        return wanted in self.names or any(wanted == d or wanted.endswith("." + d) for d in self.domains)

    def check_address(self, address: str) -> None:
        """Raise OutOfScope unless `address` lies in a declared network."""
        if not self.contains_address(address):
            raise OutOfScope(address, "address outside the declared networks")

    def check_name(self, name: str) -> None:
        """Raise OutOfScope unless `name` is a declared host name or lies under a declared domain."""
        try:
            normalise_name(name)
        except ScopeError as exc:
            raise OutOfScope(name, exc.reason) from None
        if not self.contains_name(name):
            raise OutOfScope(name, "name outside the declared domains and host names")

    def addresses(self) -> tuple[str, ...]:
        """Every address of the declared networks (ranges are capped, so this stays small)."""
        out: list[str] = []
        for net in self.networks:
            hosts = list(net.hosts()) if net.num_addresses > 2 else list(net)
            out.extend(str(ip) for ip in hosts)
        return tuple(dict.fromkeys(out))

    def entries(self) -> tuple[str, ...]:
        return (*self.domains, *(f"={n}" for n in self.names), *(str(n) for n in self.networks))


def _parse_network(entry: str, max_v4: int, max_v6: int) -> IpNetwork | None:
    """A network for an address or CIDR entry; None when the entry is a name; ScopeError when malformed."""
    looks_ip = ":" in entry or "/" in entry or entry.replace(".", "").isdigit()
    if not looks_ip:
        return None
    try:
        network = ipaddress.ip_network(entry, strict=False)
    except ValueError as exc:
        raise ScopeError(entry, f"not an address or CIDR range ({exc})") from None
    if "/" in entry:
        base = ipaddress.ip_address(entry.split("/")[0])
        if base != network.network_address:
            raise ScopeError(entry, f"host bits set: the range starts at {network.network_address}")
    limit = max_v4 if network.version == 4 else max_v6
    if network.prefixlen < limit:
        raise ScopeError(entry, f"range wider than /{limit} (at most {2 ** ((32 if network.version == 4 else 128) - limit)} addresses)")
    return network
