"""DNS: name servers that hand the whole zone to anyone (AXFR), and name servers that recurse for anyone."""

from __future__ import annotations

from collections.abc import Iterable

from .._model import DomainInfo, Service
from ._registry import Context, Hit, check


@check(id="dns.zone_transfer", family="dns", title_fr="Transfert de zone DNS ouvert",
       title_en="Open DNS zone transfer", severity="medium",
       reference="ANSSI, Bonnes pratiques pour l'acquisition et l'exploitation de noms de domaine",
       remediation_fr="Limitez les transferts de zone (AXFR) aux serveurs secondaires, par adresse et "
                      "clé TSIG : la zone entière révèle l'inventaire des serveurs.",
       remediation_en="Restrict zone transfers (AXFR) to the secondary servers, by address and TSIG key: "
                      "the whole zone gives away the server inventory.", applies_to="domain", needs=("axfr",))
def zone_transfer(domain: DomainInfo, context: Context) -> Iterable[Hit]:
    return tuple(Hit(server, f"{server} answered an AXFR of {domain.name}") for server in domain.zone_transfer_open)


@check(id="dns.open_resolver", family="dns", title_fr="Résolveur DNS ouvert à tous",
       title_en="Open DNS resolver", severity="medium",
       reference="RFC 5358 (BCP 140) ; ANSSI, Bonnes pratiques pour l'acquisition et l'exploitation de noms "
                 "de domaine",
       remediation_fr="Réservez la résolution récursive aux réseaux de l'établissement (allow-recursion, "
                      "access-control) et séparez-la des serveurs faisant autorité, qui n'ont pas à la "
                      "proposer : ouverte à Internet, elle sert de relais aux attaques par amplification "
                      "et expose son cache à l'empoisonnement.",
       remediation_en="Keep recursive resolution to the establishment's own networks (allow-recursion, "
                      "access-control) and apart from the authoritative servers, which need not offer it: "
                      "open to the internet it relays amplification attacks and exposes its cache to "
                      "poisoning.")
def open_resolver(service: Service, context: Context) -> Iterable[Hit] | None:
    """Judged only where the DNS probe got a reply to its recursive question (facts from probes/dns.py)."""
    facts = service.facts
    if service.name != "dns" or "recursion_available" not in facts:
        return None
    rcode, answers = facts.get("recursion_rcode", ""), facts.get("recursion_answers", "0")
    question = facts.get("recursion_question", "a name outside its zones")
    if facts["recursion_available"] != "yes" or (rcode == "REFUSED" and answers == "0"):
        return ()
    return (Hit("", f"recursion offered to anyone: {question} asked with RD -> {rcode}, RA set, "
                    f"{answers} answer record(s)", details={"rcode": rcode, "answers": answers}),)
