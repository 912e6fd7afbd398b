"""DNS: name servers that hand the whole zone to anyone (AXFR)."""

from __future__ import annotations

from collections.abc import Iterable

from .._model import DomainInfo
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
