"""Kerberos family: krbtgt key age, roastable accounts, weak keys."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from ..catalogue import rule
from ..model import UAC, Directory
from ..results import AffectedObject
from ._util import aff, older_than


@rule("krbtgt_password_age", anssi_id="vuln_krbtgt", level=2, weight=8,
      title_fr="Mot de passe du compte krbtgt trop ancien",
      title_en="krbtgt password older than one year",
      description="The key that signs every Kerberos ticket of the domain has not been renewed for more "
                  "than 365 days; a stolen copy keeps forging valid tickets (golden tickets) until it is.",
      recommendation="Renew the krbtgt password twice, waiting for replication and ticket lifetime between "
                     "the two changes, and plan a yearly renewal.")
def krbtgt_age(d: Directory, now: datetime) -> Iterator[AffectedObject]:
    for u in d.users:
        if u.sid == d.rid(502) and older_than(u, "pwdlastset", now, 365):
            t = u.time("pwdlastset")
            yield aff(u, f"pwdLastSet {t:%Y-%m-%d}" if t else "pwdLastSet never")


@rule("privileged_spn", anssi_id="vuln_spn_priv", level=1, weight=9,
      title_fr="Comptes privilégiés portant un SPN",
      title_en="Privileged accounts with a service principal name",
      description="Any domain user can request a service ticket for these accounts and try to crack it "
                  "offline (Kerberoasting); a cracked password gives domain administration.",
      recommendation="Remove the SPN from the privileged account and run the service under a dedicated, "
                     "unprivileged (ideally group-managed) service account.")
def privileged_spn(d: Directory, now: datetime) -> Iterator[AffectedObject]:
    for o in d.privileged_accounts:
        if "user" in o.classes and "computer" not in o.classes and o.values("serviceprincipalname") \
                and o.sid != d.rid(502):
            yield aff(o, ", ".join(o.values("serviceprincipalname")[:5]))


def _no_preauth(d: Directory) -> Iterator[AffectedObject]:
    for o in d.iter_accounts():
        if o.enabled and o.uac & UAC.DONT_REQ_PREAUTH:
            yield aff(o)


@rule("privileged_no_preauth", anssi_id="vuln_kerberos_properties_preauth_priv", level=1, weight=9,
      title_fr="Comptes privilégiés sans pré-authentification Kerberos",
      title_en="Privileged accounts without Kerberos pre-authentication",
      description="Without pre-authentication, anyone can obtain data encrypted with the account's key "
                  "and attack its password offline (AS-REP roasting).",
      recommendation="Clear the 'Do not require Kerberos preauthentication' flag on these accounts.")
def privileged_no_preauth(d: Directory, now: datetime) -> Iterator[AffectedObject]:
    priv = d.privileged_dns
    return (a for a in _no_preauth(d) if a.dn.lower() in priv)


@rule("no_preauth", anssi_id="vuln_kerberos_properties_preauth", level=2, weight=7,
      title_fr="Comptes sans pré-authentification Kerberos",
      title_en="Accounts without Kerberos pre-authentication",
      description="These enabled accounts can be AS-REP roasted: their password can be attacked offline "
                  "without any credential.",
      recommendation="Require Kerberos pre-authentication for every account; fix the rare application "
                     "that needs otherwise.")
def no_preauth(d: Directory, now: datetime) -> Iterator[AffectedObject]:
    return _no_preauth(d)


@rule("des_only", anssi_id="vuln_kerberos_properties_deskey", level=2, weight=6,
      title_fr="Comptes limités au chiffrement DES pour Kerberos",
      title_en="Accounts restricted to DES Kerberos keys",
      description="DES keys are broken; tickets for these accounts can be decrypted or forged.",
      recommendation="Clear 'Use only Kerberos DES encryption types', then change the account password so "
                     "AES keys are generated.")
def des_only(d: Directory, now: datetime) -> Iterator[AffectedObject]:
    for o in d.iter_accounts():
        if o.enabled and o.uac & UAC.USE_DES_KEY_ONLY:
            yield aff(o)
