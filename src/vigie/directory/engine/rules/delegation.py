"""Delegation family: unconstrained delegation, protocol transition to sensitive services."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from ..catalogue import rule
from ..model import UAC, Directory
from ..results import AffectedObject
from ._util import aff


@rule("unconstrained_delegation", anssi_id="vuln_delegation_t4d", level=1, weight=9,
      title_fr="Délégation Kerberos non contrainte hors contrôleurs de domaine",
      title_en="Unconstrained Kerberos delegation outside domain controllers",
      description="A host or account trusted for unconstrained delegation receives reusable tickets of "
                  "everyone who authenticates to it, administrators included; compromising it exposes the "
                  "whole domain.",
      recommendation="Remove 'Trust this computer for delegation to any service'; use constrained or "
                     "resource-based delegation limited to the needed services.")
def unconstrained(d: Directory, now: datetime) -> Iterator[AffectedObject]:
    for o in d.iter_accounts():
        if o.enabled and o.uac & UAC.TRUSTED_FOR_DELEGATION and not d.is_dc(o):
            yield aff(o)


def _sensitive_hosts(d: Directory) -> set[str]:
    hosts: set[str] = set()
    for c in d.computers:
        if d.is_dc(c):
            if c.get("dnshostname"):
                hosts.add(str(c.get("dnshostname")).lower())
            hosts.add(c.name.rstrip("$").lower())
            hosts.add((c.get("cn") or "").lower())
    for o in d.privileged_accounts:
        for spn in o.values("serviceprincipalname"):
            hosts.add(spn.split("/")[1].split(":")[0].lower() if "/" in spn else spn.lower())
    return hosts


def _host(spn: str) -> str:
    return spn.split("/")[1].split(":")[0].lower() if "/" in spn else spn.lower()


@rule("protocol_transition_sensitive", anssi_id="vuln_delegation_t2a4d", level=1, weight=9,
      title_fr="Délégation contrainte avec transition de protocole vers un service sensible",
      title_en="Constrained delegation with protocol transition to a sensitive service",
      description="The account can obtain a ticket in the name of any user, administrators included, for "
                  "a service of a domain controller or privileged account, without that user's password.",
      recommendation="Disable protocol transition ('use any authentication protocol') or remove the "
                     "domain controller services from the delegation list.")
def protocol_transition(d: Directory, now: datetime) -> Iterator[AffectedObject]:
    hosts = _sensitive_hosts(d)
    for o in d.iter_accounts():
        if not o.enabled or not o.uac & UAC.TRUSTED_TO_AUTH_FOR_DELEGATION or d.is_dc(o):
            continue
        bad = [t for t in o.values("msds-allowedtodelegateto") if _host(t) in hosts
               or _host(t).split(".")[0] in hosts]
        if bad:
            yield aff(o, ", ".join(bad[:5]))
