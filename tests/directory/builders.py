"""Hand-built snapshots, for rules whose weakness cannot be seeded in Samba (trusts, SID history,
old DC state…). Each weak object has a clean counterpart; names say which is which."""

from __future__ import annotations

from datetime import datetime, timezone

from vigie.directory.engine import DirectoryObject, Snapshot, SnapshotInfo
from vigie.directory.engine.sd import Ace, SecurityDescriptor

DOM = "S-1-5-21-100-200-300"
BASE = "DC=example,DC=local"
NOW = datetime(2026, 6, 1, tzinfo=timezone.utc)
OLD = "131920200000000000"  # 2019-01-15
RECENT = "134241408000000000"  # 2026-05-25
CREATED = "20260101000000.0Z"


def obj(cn: str, classes: tuple[str, ...], *, rid: int | None = None, sid: str | None = None,
        ou: str = "CN=Users", sd: SecurityDescriptor | None = None, **attrs: object) -> DirectoryObject:
    a: dict[str, tuple[str, ...]] = {"objectclass": ("top", *classes), "cn": (cn,), "whencreated": (CREATED,)}
    if rid is not None or sid:
        a["objectsid"] = (sid or f"{DOM}-{rid}",)
    for k, v in attrs.items():
        a[k.lower().replace("_", "-")] = tuple(str(x) for x in v) if isinstance(v, (list, tuple)) else (str(v),)
    return DirectoryObject(f"CN={cn},{ou},{BASE}", "domain", a, sd)


def user(name: str, rid: int, uac: int = 0x200, **attrs: object) -> DirectoryObject:
    attrs.setdefault("pwdlastset", RECENT)
    attrs.setdefault("lastlogontimestamp", RECENT)
    attrs.setdefault("primarygroupid", 513)
    return obj(name, ("person", "user"), rid=rid, samaccountname=name, useraccountcontrol=uac, **attrs)


def computer(name: str, rid: int, uac: int = 0x1000, ou: str = "CN=Computers", **attrs: object) -> DirectoryObject:
    attrs.setdefault("pwdlastset", RECENT)
    attrs.setdefault("lastlogontimestamp", RECENT)
    attrs.setdefault("primarygroupid", 516 if uac & 0x2000 else 515)
    return obj(name, ("person", "user", "computer"), rid=rid, ou=ou, samaccountname=name + "$",
               useraccountcontrol=uac, dnshostname=f"{name.lower()}.example.local", **attrs)


def group(name: str, rid: int | None = None, members: tuple[str, ...] = (), sid: str | None = None,
          sd: SecurityDescriptor | None = None) -> DirectoryObject:
    attrs: dict[str, object] = {"samaccountname": name}
    if members:
        attrs["member"] = [f"CN={m},CN=Users,{BASE}" for m in members]
    return obj(name, ("group",), rid=rid, sid=sid, sd=sd, **attrs)


def sd(owner: str, *aces: Ace) -> SecurityDescriptor:
    return SecurityDescriptor(owner, None, (Ace(0, 0, 0xF01FF, f"{DOM}-512"), *aces), 0x8004)


def trust(name: str, direction: int, attributes: int) -> DirectoryObject:
    return obj(name, ("leaf", "trustedDomain"), ou="CN=System", trustpartner=name, trustdirection=direction,
               trustattributes=attributes, trusttype=2)


def build(*, large: int = 55, functional_level: int = 2) -> Snapshot:
    info = SnapshotInfo(None, "vigie-ad-snapshot", 1, NOW, "example.local", BASE, DOM, "dc1.example.local",
                        {"users": 0})
    bob_sid, carol_sid = f"{DOM}-2001", f"{DOM}-2002"
    big = [f"bulk{i}" for i in range(large)]
    objects = [
        DirectoryObject(BASE, "domain", {"objectclass": ("top", "domain", "domainDNS"), "objectsid": (DOM,),
                                         "msds-behavior-version": (str(functional_level),), "ms-ds-machineaccountquota": ("0",)},
                        sd(f"{DOM}-512", Ace(5, 0, 0x100, carol_sid, "1131f6aa-9c07-11d1-f79f-00c04fc2dcd2"),
                           Ace(5, 0, 0x100, f"{DOM}-516", "1131f6ad-9c07-11d1-f79f-00c04fc2dcd2"),
                           Ace(0, 0x0A, 0xF01FF, bob_sid))),  # inherit-only: does not apply to the root
        DirectoryObject(f"CN=Partitions,CN=Configuration,{BASE}", "configuration",
                        {"objectclass": ("crossRefContainer",), "cn": ("Partitions",),
                         "msds-behavior-version": (str(functional_level),)}),
        DirectoryObject(f"CN=Directory Service,CN=Windows NT,CN=Services,CN=Configuration,{BASE}", "configuration",
                        {"objectclass": ("nTDSService",), "cn": ("Directory Service",),
                         "dsheuristics": ("000000000100000f",)}),
        DirectoryObject(f"CN=Policies,CN=System,{BASE}", "domain", {"objectclass": ("container",), "cn": ("Policies",)},
                        sd(f"{DOM}-512", Ace(0, 0, 0x40000, bob_sid))),
        DirectoryObject(f"CN=ms-Mcs-AdmPwdExpirationTime,CN=Schema,CN=Configuration,{BASE}", "schema",
                        {"ldapdisplayname": ("ms-Mcs-AdmPwdExpirationTime",)}),
        user("Administrator", 500, 0x200 | 0x100000, admincount=1),
        user("Guest", 501, 0x222),
        user("krbtgt", 502, 0x202, pwdlastset=RECENT),
        user("oldadmin", 1101, 0x200 | 0x100000, pwdlastset=OLD, admincount=1),
        user("freshadmin", 1102, 0x200 | 0x100000, admincount=1),
        user("migrated", 1103, sidhistory=[f"{DOM}-512"]),
        user("migrated_ext", 1104, sidhistory=["S-1-5-21-9-9-9-1500"]),
        user("hiddenadmin", 1105, primarygroupid=512),
        user("normal", 1106),
        user("bob", 2001), user("carol", 2002),
        user("TRUSTED$", 1107, 0x800, pwdlastset=OLD, lastlogontimestamp=OLD),
        user("FRESHTRUST$", 1108, 0x800),
        user("neverused", 1109, lastlogontimestamp="0", whencreated="20200101000000.0Z"),
        *[user(b, 3000 + i) for i, b in enumerate(big)],
        computer("DC1", 1000, 0x82000, ou="OU=Domain Controllers",
                 sd=sd(f"{DOM}-512", Ace(0, 0, 0x20, bob_sid))),
        computer("DCOLD", 1001, 0x82000, ou="OU=Domain Controllers", pwdlastset=OLD, lastlogontimestamp=OLD),
        computer("SRVOLD", 1201, operatingsystem="Windows Server 2016", pwdlastset=OLD, lastlogontimestamp=OLD,
                 **{"mslaps-passwordexpirationtime": RECENT}),
        computer("SRVOK", 1202, operatingsystem="Windows Server 2022",
                 **{"ms-mcs-admpwdexpirationtime": RECENT}),
        group("Domain Admins", 512, ("Administrator", "oldadmin", "freshadmin"),
              sd=sd(f"{DOM}-512", Ace(5, 0, 0x20, carol_sid, "bf9679c0-0de6-11d0-a285-00aa003049e2"))),
        group("Backup Operators", sid="S-1-5-32-551", members=tuple(big)),
        group("Account Operators", sid="S-1-5-32-548", members=("normal",)[:0]),
        group("Pre-Windows 2000 Compatible Access", sid="S-1-5-32-554",
              members=()),
        group("Protected Users", 525, ("freshadmin",)),
        trust("nofilter.example", 3, 0x0),
        trust("filtered.example", 3, 0x4),
        trust("forestsh.example", 2, 0x8 | 0x40),
        trust("forestok.example", 2, 0x8),
        trust("tgtdeleg.example", 1, 0x8 | 0x800),
        trust("tgtnodeleg.example", 1, 0x8 | 0x200),
    ]
    pre2000 = next(o for o in objects if o.get("cn") == "Pre-Windows 2000 Compatible Access")
    fsp = DirectoryObject(f"CN=S-1-5-7,CN=ForeignSecurityPrincipals,{BASE}", "domain",
                          {"objectclass": ("foreignSecurityPrincipal",), "cn": ("S-1-5-7",), "objectsid": ("S-1-5-7",)})
    objects[objects.index(pre2000)] = DirectoryObject(pre2000.dn, pre2000.nc,
                                                      {**pre2000.attrs, "member": (fsp.dn,)})
    objects.append(fsp)
    return Snapshot(info, tuple(objects))
