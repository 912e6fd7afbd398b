"""Permission family: dangerous ACEs on sensitive objects granted to non-privileged trustees."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime

from ..catalogue import rule
from ..model import Directory, DirectoryObject
from ..results import AffectedObject
from ..sd import Ace, rights_names

GENERIC_ALL, GENERIC_WRITE, WRITE_DAC, WRITE_OWNER = 0x10000000, 0x40000000, 0x40000, 0x80000
WRITE_PROPERTY, EXTENDED_RIGHT, SELF = 0x20, 0x100, 0x8
FULL_CONTROL = 0xF01FF
REPL_GET_CHANGES = "1131f6aa-9c07-11d1-f79f-00c04fc2dcd2"
REPL_GET_CHANGES_ALL = "1131f6ad-9c07-11d1-f79f-00c04fc2dcd2"
MEMBER_ATTR = "bf9679c0-0de6-11d0-a285-00aa003049e2"


def dangerous(ace: Ace) -> str | None:
    """Why this allow-ACE gives control of the object, or None."""
    if not ace.allows or not ace.applies_to_object:
        return None
    m = ace.mask
    if m & GENERIC_ALL or m & FULL_CONTROL == FULL_CONTROL:
        return "GenericAll"
    if m & (WRITE_DAC | WRITE_OWNER | GENERIC_WRITE):
        return "+".join(n for n in rights_names(m) if n in ("WriteDacl", "WriteOwner", "GenericWrite"))
    if m & WRITE_PROPERTY and (ace.object_type is None or ace.object_type == MEMBER_ATTR):
        return "WriteProperty(all)" if ace.object_type is None else "WriteProperty(member)"
    if m & EXTENDED_RIGHT:
        if ace.object_type is None:
            return "AllExtendedRights"
        if ace.object_type in (REPL_GET_CHANGES, REPL_GET_CHANGES_ALL):
            return "DS-Replication-Get-Changes" + ("-All" if ace.object_type == REPL_GET_CHANGES_ALL else "")
    return None


def _check(d: Directory, objs: Iterable[DirectoryObject]) -> Iterator[AffectedObject]:
    trusted = d.trusted_trustees
    for o in objs:
        if o.sd is None:
            continue
        if o.sd.owner and o.sd.owner not in trusted:
            owner = d.by_sid.get(o.sd.owner)
            yield AffectedObject(o.dn, o.name, f"owner {owner.name if owner else o.sd.owner}")
        for ace in o.sd.dacl:
            if ace.trustee in trusted:
                continue
            why = dangerous(ace)
            if why:
                who = d.by_sid.get(ace.trustee)
                yield AffectedObject(o.dn, o.name, f"{who.name if who else ace.trustee}: {why}")


def _adminsdholder(d: Directory) -> list[DirectoryObject]:
    o = d.find("CN=AdminSDHolder,CN=System," + d.info.domain_dn)
    return [o] if o else []


def _text(target: str) -> dict[str, str]:
    return dict(description=f"A non-privileged account or group holds a right that gives control of {target} "
                            "(full control, permission or owner change, write of all attributes or members, "
                            "or directory replication); it is a direct path to domain takeover.",
                recommendation="Remove the entry (or the ownership) for this trustee; if the access is needed, "
                               "grant the narrowest right to a dedicated administration group.")


@rule("acl_domain_root", anssi_id="vuln_permissions_naming_context", level=1, weight=9,
      title_fr="Droits dangereux sur la racine du domaine", title_en="Dangerous permissions on the domain root",
      **_text("the domain root (e.g. DCSync)"))
def acl_root(d: Directory, now: datetime) -> Iterator[AffectedObject]:
    return _check(d, [d.domain_root] if d.domain_root else [])


@rule("acl_adminsdholder", anssi_id="vuln_permissions_adminsdholder", level=1, weight=9,
      title_fr="Droits dangereux sur AdminSDHolder", title_en="Dangerous permissions on AdminSDHolder",
      **_text("AdminSDHolder, whose permissions are copied onto every privileged account"))
def acl_adminsdholder(d: Directory, now: datetime) -> Iterator[AffectedObject]:
    return _check(d, _adminsdholder(d))


@rule("acl_privileged_members", anssi_id="vuln_privileged_members_perm", level=1, weight=8,
      title_fr="Droits dangereux sur les groupes et comptes privilégiés",
      title_en="Dangerous permissions on privileged groups and accounts",
      **_text("a privileged group or account"))
def acl_priv(d: Directory, now: datetime) -> Iterator[AffectedObject]:
    objs = [o for dn in d.privileged_dns if (o := d.by_dn.get(dn)) is not None]
    return _check(d, objs)


@rule("acl_dc", anssi_id="vuln_permissions_dc", level=1, weight=8,
      title_fr="Droits dangereux sur les objets contrôleurs de domaine",
      title_en="Dangerous permissions on domain controller objects",
      **_text("a domain controller object"))
def acl_dc(d: Directory, now: datetime) -> Iterator[AffectedObject]:
    return _check(d, [c for c in d.computers if d.is_dc(c)])


@rule("acl_gpo_container", anssi_id="vuln_permissions_gpo_container_priv", level=2, weight=6,
      title_fr="Droits dangereux sur le conteneur des stratégies de groupe",
      title_en="Dangerous permissions on the Group Policy container",
      **_text("the container of Group Policy objects"))
def acl_gpo(d: Directory, now: datetime) -> Iterator[AffectedObject]:
    o = d.find("CN=Policies,CN=System," + d.info.domain_dn)
    return _check(d, [o] if o else [])
