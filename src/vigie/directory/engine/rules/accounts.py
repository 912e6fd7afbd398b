"""Account hygiene family: dormant, never-expiring, reversible, SID history, primary group."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta, timezone

from ..catalogue import rule
from ..model import UAC, Directory
from ..results import AffectedObject
from ._util import aff

DORMANT_DAYS = 365
NEVER_USED_GRACE_DAYS = 90


def _when_created(value: str | None) -> datetime | None:
    if not value:
        return None
    try:  # generalized time: 20240101120000.0Z
        return datetime.strptime(value[:14], "%Y%m%d%H%M%S").replace(tzinfo=timezone.utc)
    except ValueError:
        return None


@rule("dormant_accounts", anssi_id="vuln_user_accounts_dormant", level=1, weight=5,
      title_fr="Comptes utilisateurs dormants ou jamais utilisés",
      title_en="Dormant or never-used user accounts",
      description="Enabled accounts that have not logged on for more than a year, or never logged on more "
                  "than 90 days after creation, are forgotten entry points for password spraying.",
      recommendation="Disable these accounts, then delete them after a grace period; review the joiners and "
                     "leavers process.")
def dormant(d: Directory, now: datetime) -> Iterator[AffectedObject]:
    builtin = (d.rid(502), d.rid(501))  # krbtgt, Guest
    for u in d.users:
        if not u.enabled or u.uac & UAC.INTERDOMAIN_TRUST_ACCOUNT or u.sid in builtin:
            continue
        last = u.time("lastlogontimestamp")
        if last is not None:
            if now - last > timedelta(days=DORMANT_DAYS):
                yield aff(u, f"last logon {last:%Y-%m-%d}")
            continue
        created = _when_created(u.get("whencreated"))
        if created is not None and now - created > timedelta(days=NEVER_USED_GRACE_DAYS):
            yield aff(u, f"never used, created {created:%Y-%m-%d}")


def _never_expires(d: Directory) -> Iterator[AffectedObject]:
    for u in d.users:
        if u.enabled and u.uac & UAC.DONT_EXPIRE_PASSWORD and not u.uac & UAC.INTERDOMAIN_TRUST_ACCOUNT:
            yield aff(u)


@rule("privileged_password_never_expires", anssi_id="vuln_dont_expire_priv", level=1, weight=7,
      title_fr="Comptes privilégiés dont le mot de passe n'expire jamais",
      title_en="Privileged accounts whose password never expires",
      description="A privileged password that is never renewed stays usable indefinitely once leaked.",
      recommendation="Clear 'Password never expires' on privileged accounts and enforce a renewal policy "
                     "(or move them to smart cards / Protected Users).")
def priv_never_expires(d: Directory, now: datetime) -> Iterator[AffectedObject]:
    priv = d.privileged_dns
    return (a for a in _never_expires(d) if a.dn.lower() in priv)


@rule("password_never_expires", anssi_id="vuln_dont_expire", level=2, weight=4,
      title_fr="Comptes dont le mot de passe n'expire jamais",
      title_en="Accounts whose password never expires",
      description="Enabled accounts exempted from password expiry keep the same secret for years.",
      recommendation="Remove the exemption, or replace service accounts by group-managed service accounts.")
def never_expires(d: Directory, now: datetime) -> Iterator[AffectedObject]:
    return _never_expires(d)


@rule("privileged_reversible_password", anssi_id="vuln_reversible_password_priv_uac", level=3, weight=6,
      title_fr="Comptes privilégiés avec mot de passe stocké de façon réversible",
      title_en="Privileged accounts storing their password with reversible encryption",
      description="The directory keeps a decryptable copy of these privileged passwords; whoever reads the "
                  "database gets them in clear.",
      recommendation="Clear 'Store password using reversible encryption' and change the password.")
def priv_reversible(d: Directory, now: datetime) -> Iterator[AffectedObject]:
    priv = d.privileged_dns
    for o in d.iter_accounts():
        if o.enabled and o.uac & UAC.ENCRYPTED_TEXT_PWD_ALLOWED and o.dn.lower() in priv:
            yield aff(o)


@rule("reversible_password", anssi_id="", level=3, weight=3,
      title_fr="Comptes avec mot de passe stocké de façon réversible",
      title_en="Accounts storing their password with reversible encryption",
      description="Vigie check (no ANSSI checkpoint for unprivileged accounts): the password of these "
                  "accounts can be recovered in clear from the directory database.",
      recommendation="Clear 'Store password using reversible encryption' and change the password.")
def reversible(d: Directory, now: datetime) -> Iterator[AffectedObject]:
    for o in d.iter_accounts():
        if o.enabled and o.uac & UAC.ENCRYPTED_TEXT_PWD_ALLOWED:
            yield aff(o)


def _sid_history(d: Directory) -> Iterator[tuple[AffectedObject, bool]]:
    for o in d.snapshot.objects:
        hist = o.values("sidhistory")
        if hist:
            dangerous = any(s.startswith(d.domain_sid + "-") or s.startswith("S-1-5-32-")
                            or int(s.rsplit("-", 1)[1]) < 1000 for s in hist)
            yield aff(o, ", ".join(hist[:5])), dangerous


@rule("sid_history_dangerous", anssi_id="vuln_sidhistory_dangerous", level=2, weight=8,
      title_fr="Historique de SID suspect",
      title_en="Unexpected SID history",
      description="The SID history holds a SID of this very domain or a well-known privileged SID: a "
                  "classic persistence trick granting hidden administrator rights.",
      recommendation="Clear the sIDHistory attribute of these objects and look for a compromise.")
def sid_history_dangerous(d: Directory, now: datetime) -> Iterator[AffectedObject]:
    return (a for a, bad in _sid_history(d) if bad)


@rule("sid_history_present", anssi_id="vuln_sidhistory_present", level=3, weight=3,
      title_fr="Objets portant un historique de SID",
      title_en="Objects with SID history",
      description="Leftovers of migrations: SID history silently grants the rights of the old SID.",
      recommendation="Once migrations are over and permissions re-applied, clear sIDHistory.")
def sid_history_present(d: Directory, now: datetime) -> Iterator[AffectedObject]:
    return (a for a, _bad in _sid_history(d))


_EXPECTED_PRIMARY = {513, 514, 515, 516, 521}


@rule("primary_group_id_low", anssi_id="vuln_primary_group_id_1000", level=1, weight=7,
      title_fr="Comptes dont le groupe principal est un groupe sensible",
      title_en="Accounts whose primary group is a built-in sensitive group",
      description="primaryGroupID grants membership without appearing in the group's member list, hiding "
                  "privileged access from most tools.",
      recommendation="Set primaryGroupID back to Domain Users (513) or Domain Computers (515).")
def primary_group(d: Directory, now: datetime) -> Iterator[AffectedObject]:
    for o in d.iter_accounts():
        pg = o.integer("primarygroupid", 513)
        if pg < 1000 and pg not in _EXPECTED_PRIMARY and o.sid != d.rid(500):
            yield aff(o, f"primaryGroupID {pg}")
