"""Privileged groups family: size, adminCount, Protected Users, delegation flag, password age."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from ..catalogue import rule
from ..model import UAC, Directory
from ..results import AffectedObject
from ._util import aff, older_than

LARGE_GROUP = 50
PRIV_PASSWORD_DAYS = 3 * 365


def _protected_users(d: Directory) -> set[str]:
    """The DNs (lower case) of the members of Protected Users, through nested groups."""
    pu = d.by_sid.get(d.rid(525))
    return d.transitive_members(pu.dn) if pu else set()


@rule("large_privileged_groups", anssi_id="vuln_privileged_members", level=1, weight=6,
      title_fr="Groupes privilégiés trop peuplés",
      title_en="Privileged groups with too many members",
      description=f"More than {LARGE_GROUP} accounts (counted transitively) hold this group's rights; each "
                  "one is a path to domain takeover.",
      recommendation="Reduce membership to the few people who administer the directory; delegate the rest "
                     "with scoped rights.")
def large_groups(d: Directory, now: datetime) -> Iterator[AffectedObject]:
    for g in d.privileged_groups:
        accounts = [m for m in d.transitive_members(g.dn) if (o := d.by_dn.get(m)) and "group" not in o.classes]
        if len(accounts) > LARGE_GROUP:
            yield aff(g, f"{len(accounts)} members")


@rule("privileged_password_age", anssi_id="vuln_password_change_priv", level=1, weight=6,
      title_fr="Mots de passe de comptes privilégiés trop anciens",
      title_en="Privileged passwords unchanged for more than three years",
      description="An old privileged password has had years to leak, be reused or be cracked.",
      recommendation="Change these passwords now and renew them regularly.")
def priv_password_age(d: Directory, now: datetime) -> Iterator[AffectedObject]:
    for o in d.privileged_accounts:
        if o.enabled and "computer" not in o.classes and older_than(o, "pwdlastset", now, PRIV_PASSWORD_DAYS):
            t = o.time("pwdlastset")
            yield aff(o, f"pwdLastSet {t:%Y-%m-%d}" if t else "pwdLastSet never")


@rule("privileged_no_admincount", anssi_id="vuln_privileged_members_no_admincount", level=2, weight=4,
      title_fr="Membres de groupes privilégiés sans adminCount",
      title_en="Privileged group members without adminCount",
      description="The account is privileged but not marked adminCount=1, so AdminSDHolder does not "
                  "protect its permissions: someone may have been added outside normal tooling.",
      recommendation="Check why the account is privileged; if legitimate let SDProp run (or set "
                     "adminCount=1), otherwise remove it from the group.")
def no_admincount(d: Directory, now: datetime) -> Iterator[AffectedObject]:
    for o in d.privileged_accounts:
        if o.integer("admincount") != 1 and o.sid not in (d.rid(502),):
            yield aff(o)


@rule("admincount_orphans", anssi_id="", level=3, weight=2,
      title_fr="Comptes marqués adminCount sans être privilégiés",
      title_en="Accounts marked adminCount that are no longer privileged",
      description="Vigie check: these accounts kept adminCount=1 and the hardened ACL of AdminSDHolder "
                  "after leaving privileged groups, which hides them and blocks normal delegation.",
      recommendation="Clear adminCount and re-enable ACL inheritance on these accounts.")
def admincount_orphans(d: Directory, now: datetime) -> Iterator[AffectedObject]:
    priv = d.privileged_dns
    for o in d.iter_accounts():
        if o.integer("admincount") == 1 and o.dn.lower() not in priv and not d.is_dc(o) and o.sid != d.rid(502):
            yield aff(o)


@rule("privileged_outside_protected_users", anssi_id="vuln_protected_users", level=3, weight=4,
      title_fr="Comptes privilégiés hors du groupe Protected Users",
      title_en="Privileged accounts outside Protected Users",
      description="Protected Users forbids NTLM, weak Kerberos keys, delegation and credential caching for "
                  "its members; privileged accounts outside it leave reusable secrets on hosts.",
      recommendation="Add privileged user accounts to Protected Users after checking their uses.")
def outside_protected(d: Directory, now: datetime) -> Iterator[AffectedObject]:
    members = _protected_users(d)
    for o in d.privileged_accounts:
        if o.enabled and "computer" not in o.classes and o.dn.lower() not in members:
            yield aff(o)


@rule("privileged_delegable", anssi_id="vuln_protected_users", level=3, weight=4,
      title_fr="Comptes privilégiés délégables",
      title_en="Privileged accounts that can be delegated",
      description="Without 'Account is sensitive and cannot be delegated' (or Protected Users), a service "
                  "trusted for delegation can act as this administrator anywhere.",
      recommendation="Set 'Account is sensitive and cannot be delegated' on every privileged account.")
def delegable(d: Directory, now: datetime) -> Iterator[AffectedObject]:
    members = _protected_users(d)
    for o in d.privileged_accounts:
        if o.enabled and "computer" not in o.classes and not o.uac & UAC.NOT_DELEGATED \
                and o.dn.lower() not in members:
            yield aff(o)
