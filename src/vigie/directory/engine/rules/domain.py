"""Domain configuration family: Guest, pre-Windows 2000 group, functional levels, quota, dsHeuristics."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from ..catalogue import rule
from ..model import Directory
from ..results import AffectedObject
from ._util import aff

LEVEL_NAMES = {0: "2000", 1: "2003 interim", 2: "2003", 3: "2008", 4: "2008 R2", 5: "2012", 6: "2012 R2",
               7: "2016", 10: "2025"}


@rule("guest_enabled", anssi_id="vuln_guest", level=2, weight=6,
      title_fr="Compte Invité activé", title_en="Guest account enabled",
      description="The built-in Guest account allows access without a known identity.",
      recommendation="Disable the Guest account.")
def guest(d: Directory, now: datetime) -> Iterator[AffectedObject]:
    g = d.by_sid.get(d.rid(501))
    if g is not None and g.enabled:
        yield aff(g)


_ANON = {"S-1-5-7": "Anonymous", "S-1-1-0": "Everyone"}


def _pre2000_members(d: Directory) -> list[str]:
    g = d.by_sid.get("S-1-5-32-554")
    if g is None:
        return []
    out = []
    for m in g.values("member"):
        o = d.find(m)
        out.append(o.sid if o is not None and o.sid else m.split(",")[0].removeprefix("CN="))
    return out


@rule("pre2000_anonymous", anssi_id="vuln_compatible_2000_anonymous", level=2, weight=6,
      title_fr="Le groupe « Accès compatible pré-Windows 2000 » contient Anonyme ou Tout le monde",
      title_en="'Pre-Windows 2000 Compatible Access' contains Anonymous or Everyone",
      description="Unauthenticated users can then read much of the directory (users, groups, policies).",
      recommendation="Remove Anonymous Logon and Everyone from the group.")
def pre2000_anonymous(d: Directory, now: datetime) -> Iterator[AffectedObject]:
    g = d.by_sid.get("S-1-5-32-554")
    bad = [_ANON[s] for s in _pre2000_members(d) if s in _ANON]
    if g is not None and bad:
        yield aff(g, ", ".join(bad))


@rule("pre2000_used", anssi_id="vuln_compatible_2000_not_default", level=3, weight=2,
      title_fr="Le groupe « Accès compatible pré-Windows 2000 » est utilisé",
      title_en="'Pre-Windows 2000 Compatible Access' has members",
      description="This legacy group grants broad read access; modern systems do not need it.",
      recommendation="Empty the group after checking no legacy application relies on it.")
def pre2000_used(d: Directory, now: datetime) -> Iterator[AffectedObject]:
    g = d.by_sid.get("S-1-5-32-554")
    members = _pre2000_members(d)
    if g is not None and members:
        yield aff(g, ", ".join(members[:5]))


def _levels(d: Directory) -> tuple[int | None, int | None]:
    root = d.domain_root
    part = d.config_object("CN=Partitions")
    dl = root.integer("msds-behavior-version") if root and root.get("msds-behavior-version") else None
    fl = part.integer("msds-behavior-version") if part and part.get("msds-behavior-version") else None
    return dl, fl


def _level_rule(minimum: int, d: Directory) -> Iterator[AffectedObject]:
    dl, fl = _levels(d)
    if dl is not None and dl < minimum and d.domain_root is not None:
        yield aff(d.domain_root, f"domain functional level {LEVEL_NAMES.get(dl, dl)}")
    part = d.config_object("CN=Partitions")
    if fl is not None and fl < minimum and part is not None:
        yield aff(part, f"forest functional level {LEVEL_NAMES.get(fl, fl)}")


_FL_TEXT = dict(
    description="Old functional levels keep legacy protocols and deny protections such as Protected Users "
                "claims, AES-only Kerberos and fine-grained policies.",
    recommendation="Retire the old domain controllers, then raise the domain and forest functional levels.",
)


@rule("functional_level_l1", anssi_id="vuln_functional_level", level=1, weight=7,
      title_fr="Niveau fonctionnel inférieur à Windows Server 2008",
      title_en="Functional level below Windows Server 2008", **_FL_TEXT)
def fl1(d: Directory, now: datetime) -> Iterator[AffectedObject]:
    return _level_rule(3, d)


@rule("functional_level_l3", anssi_id="vuln_functional_level", level=3, weight=3,
      title_fr="Niveau fonctionnel inférieur à Windows Server 2012 R2",
      title_en="Functional level below Windows Server 2012 R2", **_FL_TEXT)
def fl3(d: Directory, now: datetime) -> Iterator[AffectedObject]:
    return _level_rule(6, d)


@rule("functional_level_l4", anssi_id="vuln_functional_level", level=4, weight=2,
      title_fr="Niveau fonctionnel inférieur à Windows Server 2016",
      title_en="Functional level below Windows Server 2016", **_FL_TEXT)
def fl4(d: Directory, now: datetime) -> Iterator[AffectedObject]:
    return _level_rule(7, d)


@rule("machine_account_quota", anssi_id="vuln_user_accounts_machineaccountquota", level=4, weight=3,
      title_fr="Tout utilisateur peut joindre des machines au domaine",
      title_en="Any user can join computers to the domain",
      description="ms-DS-MachineAccountQuota above 0 lets every user create computer accounts, a building "
                  "block of several privilege escalation attacks.",
      recommendation="Set ms-DS-MachineAccountQuota to 0 and delegate domain joins to a dedicated group.")
def maq(d: Directory, now: datetime) -> Iterator[AffectedObject]:
    root = d.domain_root
    if root is not None and root.integer("ms-ds-machineaccountquota", 10) > 0:
        yield aff(root, f"ms-DS-MachineAccountQuota = {root.integer('ms-ds-machineaccountquota', 10)}")


def dsheuristics_problems(value: str) -> list[str]:
    """Dangerous positions of dsHeuristics (1-based): 7 anonymous LDAP operations, 16 AdminSDHolder exclusions."""
    out = []
    if len(value) >= 7 and value[6] == "2":
        out.append("anonymous LDAP operations allowed (position 7 = 2)")
    if len(value) >= 16 and value[15] not in ("0", ""):
        out.append(f"operator groups excluded from AdminSDHolder (position 16 = {value[15]})")
    return out


@rule("dsheuristics", anssi_id="vuln_dsheuristics_bad", level=1, weight=8,
      title_fr="Paramètre dsHeuristics dangereux", title_en="Dangerous dsHeuristics setting",
      description="dsHeuristics enables anonymous directory operations or removes operator groups from "
                  "AdminSDHolder protection.",
      recommendation="Reset the dangerous characters of dsHeuristics to their default (0).")
def dsheuristics(d: Directory, now: datetime) -> Iterator[AffectedObject]:
    o = d.config_object("CN=Directory Service,CN=Windows NT,CN=Services")
    if o is not None:
        problems = dsheuristics_problems(o.get("dsheuristics") or "")
        if problems:
            yield aff(o, "; ".join(problems))
