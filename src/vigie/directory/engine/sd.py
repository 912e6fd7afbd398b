"""A small parser of binary self-relative NT security descriptors (MS-DTYP 2.4.6).

Only what the audit needs: owner, group, DACL entries (type, flags, access mask, object type
GUID, inherited object type GUID, trustee SID). SACLs are not requested by the collector.
"""

from __future__ import annotations

import struct
import uuid
from dataclasses import dataclass

__all__ = [
    "ACE_ALLOWED", "ACE_ALLOWED_OBJECT", "ACE_DENIED", "ACE_DENIED_OBJECT", "Ace", "SecurityDescriptor",
    "parse_sd", "parse_sid", "rights_names",
]

ACE_ALLOWED = 0x00
ACE_DENIED = 0x01
ACE_ALLOWED_OBJECT = 0x05
ACE_DENIED_OBJECT = 0x06
INHERIT_ONLY = 0x08
INHERITED = 0x10

RIGHTS = {
    0x00000001: "CreateChild", 0x00000002: "DeleteChild", 0x00000004: "ListChildren", 0x00000008: "Self",
    0x00000010: "ReadProperty", 0x00000020: "WriteProperty", 0x00000040: "DeleteTree",
    0x00000080: "ListObject", 0x00000100: "ExtendedRight", 0x00010000: "Delete", 0x00020000: "ReadControl",
    0x00040000: "WriteDacl", 0x00080000: "WriteOwner", 0x10000000: "GenericAll",
    0x20000000: "GenericExecute", 0x40000000: "GenericWrite", 0x80000000: "GenericRead",
}


def rights_names(mask: int) -> tuple[str, ...]:
    return tuple(name for bit, name in RIGHTS.items() if mask & bit)


def parse_sid(data: bytes, offset: int = 0) -> tuple[str, int]:
    """Return (``S-1-…`` string, length in bytes) of the binary SID at ``offset``."""
    if len(data) < offset + 8:
        raise ValueError("SID truncated")
    revision, count = data[offset], data[offset + 1]
    authority = int.from_bytes(data[offset + 2:offset + 8], "big")
    end = offset + 8 + 4 * count
    if len(data) < end:
        raise ValueError("SID truncated")
    subs = struct.unpack_from(f"<{count}I", data, offset + 8)
    return "S-" + "-".join([str(revision), str(authority), *map(str, subs)]), end - offset


@dataclass(frozen=True, slots=True)
class Ace:
    type: int
    flags: int
    mask: int
    trustee: str
    object_type: str | None = None
    inherited_object_type: str | None = None

    @property
    def allows(self) -> bool:
        return self.type in (ACE_ALLOWED, ACE_ALLOWED_OBJECT)

    @property
    def applies_to_object(self) -> bool:
        """False for inherit-only entries, which only reach children."""
        return not self.flags & INHERIT_ONLY

    def to_json(self) -> dict[str, object]:
        d: dict[str, object] = {"type": self.type, "flags": self.flags, "mask": self.mask, "trustee": self.trustee}
        if self.object_type:
            d["object_type"] = self.object_type
        if self.inherited_object_type:
            d["inherited_object_type"] = self.inherited_object_type
        return d

    @classmethod
    def from_json(cls, d: dict[str, object]) -> Ace:
        ot, iot = d.get("object_type"), d.get("inherited_object_type")
        return cls(int(str(d["type"])), int(str(d["flags"])), int(str(d["mask"])), str(d["trustee"]),
                   str(ot) if ot else None, str(iot) if iot else None)


@dataclass(frozen=True, slots=True)
class SecurityDescriptor:
    owner: str | None
    group: str | None
    dacl: tuple[Ace, ...]
    control: int = 0

    def to_json(self) -> dict[str, object]:
        return {"owner": self.owner, "group": self.group, "control": self.control,
                "dacl": [a.to_json() for a in self.dacl]}

    @classmethod
    def from_json(cls, d: dict[str, object]) -> SecurityDescriptor:
        dacl = d.get("dacl") or []
        if not isinstance(dacl, list):
            raise ValueError("dacl must be a list")
        owner, group = d.get("owner"), d.get("group")
        return cls(str(owner) if owner else None, str(group) if group else None,
                   tuple(Ace.from_json(a) for a in dacl), int(str(d.get("control", 0))))


def _guid(data: bytes, offset: int) -> str:
    return str(uuid.UUID(bytes_le=bytes(data[offset:offset + 16])))


def parse_sd(data: bytes) -> SecurityDescriptor:
    """Parse a self-relative security descriptor; raises ``ValueError`` on malformed input."""
    if len(data) < 20:
        raise ValueError("security descriptor shorter than its header")
    _rev, _sbz, control, o_owner, o_group, _o_sacl, o_dacl = struct.unpack_from("<BBHIIII", data, 0)
    owner = parse_sid(data, o_owner)[0] if o_owner else None
    group = parse_sid(data, o_group)[0] if o_group else None
    aces: list[Ace] = []
    if o_dacl and control & 0x0004:  # SE_DACL_PRESENT
        if len(data) < o_dacl + 8:
            raise ValueError("DACL truncated")
        _arev, _sbz1, _size, count, _sbz2 = struct.unpack_from("<BBHHH", data, o_dacl)
        pos = o_dacl + 8
        for _ in range(count):
            if len(data) < pos + 4:
                raise ValueError("ACE truncated")
            a_type, a_flags, a_size = struct.unpack_from("<BBH", data, pos)
            if a_size < 8 or len(data) < pos + a_size:
                raise ValueError("ACE size invalid")
            mask = struct.unpack_from("<I", data, pos + 4)[0]
            body = pos + 8
            ot: str | None = None
            iot: str | None = None
            if a_type in (ACE_ALLOWED_OBJECT, ACE_DENIED_OBJECT, 0x07, 0x0B, 0x0C):
                oflags = struct.unpack_from("<I", data, body)[0]
                body += 4
                if oflags & 1:
                    ot = _guid(data, body)
                    body += 16
                if oflags & 2:
                    iot = _guid(data, body)
                    body += 16
            if a_type in (ACE_ALLOWED, ACE_DENIED, ACE_ALLOWED_OBJECT, ACE_DENIED_OBJECT):
                trustee = parse_sid(data, body)[0]
                aces.append(Ace(a_type, a_flags, mask, trustee, ot, iot))
            pos += a_size
    return SecurityDescriptor(owner, group, tuple(aces), control)
