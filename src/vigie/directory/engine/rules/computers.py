"""Computer family: machine password age, inactive servers and DCs, LAPS coverage, trust accounts."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

from ..catalogue import rule
from ..model import UAC, Directory, DirectoryObject
from ..results import AffectedObject
from ._util import aff, older_than


def _servers(d: Directory) -> Iterator[DirectoryObject]:
    return (c for c in d.computers if c.enabled and not d.is_dc(c) and d.is_server(c))


def _dcs(d: Directory) -> Iterator[DirectoryObject]:
    return (c for c in d.computers if d.is_dc(c))


def _logged_on_dcs(d: Directory) -> Iterator[DirectoryObject]:
    return (c for c in _dcs(d) if c.get("lastlogontimestamp"))


def _trust_accounts(d: Directory) -> Iterator[DirectoryObject]:
    return (u for u in d.users if u.uac & UAC.INTERDOMAIN_TRUST_ACCOUNT)


def _stale(rule_id: str, pick: Callable[[Directory], Iterator[DirectoryObject]], attr: str, days: int,
           **meta: Any) -> None:
    """Register ``rule_id``: the objects ``pick`` finds whose ``attr`` time is unset or older than ``days``."""

    def check(d: Directory, now: datetime) -> Iterator[AffectedObject]:
        for o in pick(d):
            if older_than(o, attr.lower(), now, days):
                t = o.time(attr)
                yield aff(o, f"{attr} {t:%Y-%m-%d}" if t else f"{attr} never")

    rule(rule_id, **meta)(check)


_stale("dc_password_age", _dcs, "pwdLastSet", 45, anssi_id="vuln_password_change_dc_no_change", level=1, weight=6,
       title_fr="Contrôleurs de domaine dont le mot de passe machine n'a pas changé depuis 45 jours",
       title_en="Domain controllers with a machine password older than 45 days",
       description="A DC that stops renewing its machine password is broken or restored from an old copy.",
       recommendation="Find why the DC no longer renews its password (replication, time, restore) and fix it.")


_stale("dc_inactive", _logged_on_dcs, "lastLogonTimestamp", 45,
       anssi_id="vuln_password_change_inactive_dc", level=1, weight=6,
       title_fr="Contrôleurs de domaine inactifs", title_en="Inactive domain controllers",
       description="A DC object whose last logon is older than 45 days is a dead controller still trusted "
                   "by the domain.",
       recommendation="Remove the metadata of decommissioned DCs (metadata cleanup).")


_stale("server_password_90", _servers, "pwdLastSet", 90,
       anssi_id="vuln_password_change_server_no_change_90", level=2, weight=4,
       title_fr="Serveurs dont le mot de passe machine n'a pas changé depuis 90 jours",
       title_en="Servers with a machine password older than 90 days",
       description="The server no longer renews its machine password: it is gone, restored, or its renewal "
                   "was disabled, and its secret is aging.",
       recommendation="Re-enable machine password renewal, or disable the account of a retired server.")


_stale("server_password_45", _servers, "pwdLastSet", 45,
       anssi_id="vuln_password_change_server_no_change_45", level=3, weight=2,
       title_fr="Serveurs dont le mot de passe machine n'a pas changé depuis 45 jours",
       title_en="Servers with a machine password older than 45 days",
       description="Machine passwords change every 30 days by default; older ones show a renewal problem.",
       recommendation="Check machine password renewal on these servers.")


_stale("inactive_servers", _servers, "lastLogonTimestamp", 90,
       anssi_id="vuln_password_change_inactive_servers", level=3, weight=2,
       title_fr="Serveurs inactifs", title_en="Inactive servers",
       description="Enabled server accounts that have not authenticated for 90 days are probably retired.",
       recommendation="Disable then delete the accounts of retired servers.")


_stale("trust_account_password", _trust_accounts, "pwdLastSet", 365, anssi_id="vuln_trusts_accounts", level=2, weight=5,
       title_fr="Comptes d'approbation dont le mot de passe a plus d'un an",
       title_en="Trust accounts with a password older than one year",
       description="The shared secret of the trust is no longer renewed; the trust is probably broken or "
                   "the other side is gone.",
       recommendation="Reset the trust password on both sides, or remove the trust if unused.")


@rule("laps_missing", anssi_id="", level=2, weight=5,
      title_fr="Postes et serveurs sans mot de passe administrateur local géré (LAPS)",
      title_en="Workstations and servers without a managed local admin password (LAPS)",
      description="Vigie check (ANSSI hygiene guide): without LAPS the local administrator password is "
                  "often the same everywhere, so one compromised host opens all the others.",
      recommendation="Deploy Windows LAPS (or legacy LAPS) to every workstation and member server.")
def laps(d: Directory, now: datetime) -> Iterator[AffectedObject]:
    for c in d.computers:
        if not c.enabled or d.is_dc(c):
            continue
        legacy = c.time("ms-mcs-admpwdexpirationtime")
        modern = c.time("mslaps-passwordexpirationtime")
        if legacy is None and modern is None:
            yield aff(c, "no LAPS expiration time")
