"""Mail domains (those with MX records) without SPF or DMARC: anyone can send mail in their name."""

from __future__ import annotations

from collections.abc import Iterable

from .._model import DomainInfo
from ._registry import Context, Hit, check


@check(id="mail.no_spf", family="mail", title_fr="Domaine de messagerie sans enregistrement SPF",
       title_en="Mail domain without an SPF record", severity="medium",
       reference="RFC 7208 ; ANSSI, Recommandations de sécurité relatives aux courriers électroniques",
       remediation_fr="Publiez un enregistrement TXT « v=spf1 … -all » listant les serveurs autorisés à "
                      "envoyer pour le domaine.",
       remediation_en="Publish a \"v=spf1 … -all\" TXT record listing the servers allowed to send for the "
                      "domain.", applies_to="domain", needs=("dns",))
def no_spf(domain: DomainInfo, context: Context) -> Iterable[Hit]:
    if domain.has_mx and not domain.spf:
        return (Hit(domain.name, f"{domain.name} has MX records but no v=spf1 TXT record"),)
    return ()


@check(id="mail.no_dmarc", family="mail", title_fr="Domaine de messagerie sans politique DMARC",
       title_en="Mail domain without a DMARC policy", severity="medium",
       reference="RFC 7489 ; ANSSI, Recommandations de sécurité relatives aux courriers électroniques",
       remediation_fr="Publiez un enregistrement TXT « v=DMARC1; p=quarantine » (puis p=reject) sur "
                      "_dmarc.<domaine>, avec une adresse de rapports.",
       remediation_en="Publish a \"v=DMARC1; p=quarantine\" (then p=reject) TXT record at _dmarc.<domain>, "
                      "with a report address.", applies_to="domain", needs=("dns",))
def no_dmarc(domain: DomainInfo, context: Context) -> Iterable[Hit]:
    if domain.has_mx and not domain.dmarc:
        return (Hit(domain.name, f"{domain.name} has MX records but no v=DMARC1 record at _dmarc.{domain.name}"),)
    return ()
