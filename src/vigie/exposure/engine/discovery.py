"""DNS discovery of the declared domains: records, SPF and DMARC, CAA, name servers, zone-transfer attempts,
subdomains by wordlist, and the names to follow. Only in-scope names are ever asked about or followed."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from importlib import resources

from ._model import DnsRecord, DomainInfo, Refusal
from .errors import ScopeError
from .net import Resolver
from .scope import Scope, normalise_name

Progress = Callable[[int, int, str], None]


def default_wordlist() -> tuple[str, ...]:
    text = resources.files("vigie.exposure.engine").joinpath("data/wordlist.txt").read_text(encoding="utf-8")
    return tuple(line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#"))


def read_names(text: str) -> tuple[str, ...]:
    """Host names from an imported list: a certificate-transparency export (JSON or CSV, names anywhere,
    several per cell separated by newlines) or any text file; wildcards lose their "*." prefix."""
    found = re.findall(r"(?:\*\.)?(?:[A-Za-z0-9\u00a0-\uffff](?:[A-Za-z0-9\-\u00a0-\uffff]{0,61}[A-Za-z0-9\u00a0-\uffff])?\.)+[A-Za-z\u00a0-\uffff][A-Za-z0-9\-\u00a0-\uffff]*", text)
    names: list[str] = []
    for raw in found:
        try:
            names.append(normalise_name(raw.removeprefix("*.")))
        except ScopeError:
            continue
    return tuple(dict.fromkeys(names))


@dataclass(frozen=True, slots=True)
class Discovered:
    domains: tuple[DomainInfo, ...]
    names: dict[str, tuple[str, ...]]  # in-scope name -> its addresses (all, in scope or not)
    refused: tuple[Refusal, ...]


def resolve_name(resolver: Resolver, scope: Scope, name: str, refused: list[Refusal]) -> tuple[str, ...]:
    """The addresses of an in-scope name, following CNAMEs only while they stay in scope."""
    current = name
    for _ in range(8):
        target = resolver.cname(current)
        if not target:
            break
        if not scope.contains_name(target):
            refused.append(Refusal(name, f"CNAME {current} -> {target} leaves the scope"))
            return ()
        current = target
    return resolver.query(current, "A") + resolver.query(current, "AAAA")


def discover_domain(resolver: Resolver, scope: Scope, domain: str, *, wordlist: Iterable[str],
                    extra_names: Iterable[str] = (), refused: list[Refusal]) -> tuple[DomainInfo, set[str]]:
    records: list[DnsRecord] = []
    for rdtype in ("A", "AAAA", "MX", "NS", "TXT", "CAA"):
        records.extend(DnsRecord(domain, rdtype, value) for value in resolver.query(domain, rdtype))
    cname = resolver.cname(domain)
    if cname:
        records.append(DnsRecord(domain, "CNAME", cname))
    txt = [r.value.strip('"').replace('" "', "") for r in records if r.type == "TXT"]
    spf = next((t for t in txt if t.lower().startswith("v=spf1")), "")
    dmarc_values = [v.strip('"').replace('" "', "") for v in resolver.query(f"_dmarc.{domain}", "TXT")]
    dmarc = next((v for v in dmarc_values if v.upper().startswith("V=DMARC1")), "")
    if dmarc:
        records.append(DnsRecord(f"_dmarc.{domain}", "TXT", dmarc))
    nameservers = tuple(sorted(r.value.rstrip(".").lower() for r in records if r.type == "NS"))
    names: set[str] = set()
    open_ns: list[str] = []
    for ns in nameservers:
        addresses = resolver.query(ns, "A") + resolver.query(ns, "AAAA")
        for address in addresses:
            if not (scope.contains_address(address) or address in resolver.nameservers):
                refused.append(Refusal(f"{ns} ({address})", "zone transfer not attempted: name server outside the scope"))
                continue
            transferred = resolver.axfr(domain, address)
            if transferred is not None:
                open_ns.append(ns)
                for owner, rdtype, _value in transferred:
                    if rdtype in ("A", "AAAA", "CNAME") and owner != domain and scope.contains_name(owner):
                        names.add(owner)
                break
    for word in wordlist:
        candidate = f"{word}.{domain}"
        if resolver.query(candidate, "A") or resolver.query(candidate, "AAAA") or resolver.cname(candidate):
            names.add(candidate)
    for extra in extra_names:
        if extra == domain or extra.endswith("." + domain):
            names.add(extra)
    info = DomainInfo(name=domain, records=tuple(records), nameservers=nameservers, spf=spf, dmarc=dmarc,
                      caa=tuple(r.value for r in records if r.type == "CAA"),
                      has_mx=any(r.type == "MX" for r in records), zone_transfer_open=tuple(open_ns),
                      subdomains=tuple(sorted(names)))
    return info, names


def reverse_names(resolver: Resolver, scope: Scope, addresses: Iterable[str], *, workers: int = 16) -> dict[str, str]:
    """PTR names of in-scope addresses, asked `workers` at a time (a /20 is 4,094 questions). Only the
    PTR zone is asked here; the caller follows a name only when it is in scope (scan.py)."""
    wanted = [a for a in addresses if scope.contains_address(a)]
    with ThreadPoolExecutor(max_workers=max(1, min(workers, len(wanted) or 1))) as pool:
        names = list(pool.map(resolver.reverse, wanted))
    return {address: name for address, name in zip(wanted, names) if name}
