"""In-memory forms of a snapshot: raw objects, and the indexed view rules work on."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import cached_property
from pathlib import Path

from .sd import SecurityDescriptor

__all__ = ["Directory", "DirectoryObject", "Snapshot", "SnapshotInfo", "filetime_to_datetime", "UAC"]


class UAC:
    """userAccountControl bits used by the rules."""

    ACCOUNTDISABLE = 0x2
    ENCRYPTED_TEXT_PWD_ALLOWED = 0x80
    NORMAL_ACCOUNT = 0x200
    INTERDOMAIN_TRUST_ACCOUNT = 0x800
    WORKSTATION_TRUST_ACCOUNT = 0x1000
    SERVER_TRUST_ACCOUNT = 0x2000
    DONT_EXPIRE_PASSWORD = 0x10000
    TRUSTED_FOR_DELEGATION = 0x80000
    NOT_DELEGATED = 0x100000
    USE_DES_KEY_ONLY = 0x200000
    DONT_REQ_PREAUTH = 0x400000
    TRUSTED_TO_AUTH_FOR_DELEGATION = 0x1000000
    PARTIAL_SECRETS_ACCOUNT = 0x4000000


_EPOCH_DELTA = 116444736000000000  # 100 ns intervals between 1601-01-01 and 1970-01-01


def filetime_to_datetime(value: str | int | None) -> datetime | None:
    """Windows FILETIME (100 ns since 1601) to aware UTC datetime; 0 / never / junk -> None."""
    if value is None:
        return None
    try:
        n = int(value)
    except (TypeError, ValueError):
        return None
    if n <= 0 or n >= 0x7FFFFFFFFFFFFFFF:
        return None
    return datetime.fromtimestamp((n - _EPOCH_DELTA) / 1e7, tz=timezone.utc)


@dataclass(frozen=True, slots=True)
class SnapshotInfo:
    """Header of a snapshot file (and what ``collect`` returns)."""

    path: Path | None
    format: str
    version: int
    collected_at: datetime
    domain: str
    domain_dn: str
    domain_sid: str
    server: str
    counts: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class DirectoryObject:
    """One LDAP entry: lower-cased attribute names, every value a string (SIDs as S-1-…, GUIDs as text)."""

    dn: str
    nc: str
    attrs: Mapping[str, tuple[str, ...]]
    sd: SecurityDescriptor | None = None

    def get(self, name: str, default: str | None = None) -> str | None:
        v = self.attrs.get(name.lower())
        return v[0] if v else default

    def values(self, name: str) -> tuple[str, ...]:
        return self.attrs.get(name.lower(), ())

    def integer(self, name: str, default: int = 0) -> int:
        v = self.get(name)
        try:
            return int(v) if v is not None else default
        except ValueError:
            return default

    @property
    def name(self) -> str:
        return self.get("samaccountname") or self.get("cn") or self.dn

    @property
    def sid(self) -> str | None:
        return self.get("objectsid")

    @property
    def classes(self) -> tuple[str, ...]:
        return tuple(c.lower() for c in self.values("objectclass"))

    @property
    def uac(self) -> int:
        # the hottest attribute of the analysis (every rule filters on it): read without the generic path
        v = self.attrs.get("useraccountcontrol")
        if not v:
            return 0
        try:
            return int(v[0])
        except ValueError:
            return 0

    @property
    def enabled(self) -> bool:
        return not self.uac & UAC.ACCOUNTDISABLE

    def time(self, name: str) -> datetime | None:
        return filetime_to_datetime(self.get(name))


@dataclass(frozen=True, slots=True)
class Snapshot:
    info: SnapshotInfo
    objects: tuple[DirectoryObject, ...]


# Well-known privileged groups (domain RIDs and builtin SIDs) — ANSSI's list of sensitive groups.
PRIVILEGED_RIDS = (512, 518, 519, 526, 527)  # Domain/Schema/Enterprise Admins, Key/Enterprise Key Admins
PRIVILEGED_BUILTIN = ("S-1-5-32-544", "S-1-5-32-548", "S-1-5-32-549", "S-1-5-32-550", "S-1-5-32-551")
# Trustees legitimately holding control rights on sensitive objects (besides privileged groups).
TRUSTED_SIDS = ("S-1-5-18", "S-1-5-9", "S-1-3-0", "S-1-5-10", "S-1-5-32-544")
TRUSTED_RIDS = (498, 516, 521)  # Enterprise RODCs, Domain Controllers, RODCs


class Directory:
    """Indexed view of a snapshot: by DN and SID, users/computers/groups, transitive memberships."""

    def __init__(self, snapshot: Snapshot) -> None:
        self.snapshot = snapshot
        self.info = snapshot.info
        self.by_dn: dict[str, DirectoryObject] = {}
        self.by_sid: dict[str, DirectoryObject] = {}
        self.domain_root: DirectoryObject | None = None
        self.users: list[DirectoryObject] = []
        self.computers: list[DirectoryObject] = []
        self.groups: list[DirectoryObject] = []
        self.trusts: list[DirectoryObject] = []
        self.config: list[DirectoryObject] = []
        self.schema_attributes: set[str] = set()
        for o in snapshot.objects:
            self.by_dn[o.dn.lower()] = o
            if o.sid:
                self.by_sid[o.sid] = o
            cls = o.classes
            if o.nc == "schema":
                name = o.get("ldapdisplayname")
                if name:
                    self.schema_attributes.add(name.lower())
            elif o.nc == "configuration":
                self.config.append(o)
            elif "domaindns" in cls and o.dn.lower() == self.info.domain_dn.lower():
                self.domain_root = o
            elif "computer" in cls:
                self.computers.append(o)
            elif "user" in cls:
                self.users.append(o)
            elif "group" in cls:
                self.groups.append(o)
            elif "trusteddomain" in cls:
                self.trusts.append(o)

    @property
    def domain_sid(self) -> str:
        return self.info.domain_sid

    def rid(self, rid: int) -> str:
        return f"{self.domain_sid}-{rid}"

    def find(self, dn: str) -> DirectoryObject | None:
        return self.by_dn.get(dn.lower())

    @cached_property
    def _members(self) -> dict[str, set[str]]:
        """Direct members (DNs, lower-case) of each group DN, including primaryGroupID members."""
        members: dict[str, set[str]] = {}
        for g in self.groups:
            members[g.dn.lower()] = {m.lower() for m in g.values("member")}
        for o in (*self.users, *self.computers):
            pg = o.get("primarygroupid")
            if pg:
                g2 = self.by_sid.get(self.rid(int(pg)))
                if g2 is not None:
                    members.setdefault(g2.dn.lower(), set()).add(o.dn.lower())
        return members

    def transitive_members(self, group_dn: str) -> set[str]:
        """Every DN reachable from ``group_dn`` through member links (groups included); loop-safe."""
        seen: set[str] = set()
        stack = [group_dn.lower()]
        while stack:
            for m in self._members.get(stack.pop(), ()):
                if m not in seen:
                    seen.add(m)
                    stack.append(m)
        return seen

    @cached_property
    def privileged_groups(self) -> tuple[DirectoryObject, ...]:
        sids = {self.rid(r) for r in PRIVILEGED_RIDS} | set(PRIVILEGED_BUILTIN)
        return tuple(g for g in self.groups if g.sid in sids)

    @cached_property
    def privileged_dns(self) -> frozenset[str]:
        """DNs (lower-case) of privileged groups and of all their transitive members."""
        out: set[str] = set()
        for g in self.privileged_groups:
            out.add(g.dn.lower())
            out |= self.transitive_members(g.dn)
        return frozenset(out)

    @cached_property
    def privileged_accounts(self) -> tuple[DirectoryObject, ...]:
        """Users and computers that are transitive members of a privileged group (DCs excluded)."""
        return tuple(o for o in (*self.users, *self.computers)
                     if o.dn.lower() in self.privileged_dns and not self.is_dc(o))

    @cached_property
    def trusted_trustees(self) -> frozenset[str]:
        """SIDs allowed to hold control rights on sensitive objects."""
        sids = set(TRUSTED_SIDS) | {self.rid(r) for r in (*TRUSTED_RIDS, *PRIVILEGED_RIDS)} | set(PRIVILEGED_BUILTIN)
        for dn in self.privileged_dns:
            o = self.by_dn.get(dn)
            if o is not None and o.sid:
                sids.add(o.sid)
        for c in self.computers:
            if self.is_dc(c) and c.sid:
                sids.add(c.sid)
        return frozenset(sids)

    @staticmethod
    def is_dc(o: DirectoryObject) -> bool:
        return bool(o.uac & UAC.SERVER_TRUST_ACCOUNT) or bool(o.uac & UAC.PARTIAL_SECRETS_ACCOUNT)

    @staticmethod
    def is_server(o: DirectoryObject) -> bool:
        return "server" in (o.get("operatingsystem") or "").lower()

    def config_object(self, rdn_path: str) -> DirectoryObject | None:
        """Configuration object by its DN relative to the configuration NC, e.g. ``CN=Partitions``."""
        for o in self.config:
            if o.dn.lower().startswith(rdn_path.lower() + ",cn=configuration,"):
                return o
        return None

    def iter_accounts(self) -> Iterator[DirectoryObject]:
        yield from self.users
        yield from self.computers

