"""The binary security descriptor parser, on descriptors built byte by byte (MS-DTYP layout)."""

from __future__ import annotations

import struct
import uuid

import pytest

from vigie.directory.engine.rules.acl import dangerous
from vigie.directory.engine.sd import parse_sd, parse_sid


def sid(text: str) -> bytes:
    parts = text.split("-")
    subs = [int(x) for x in parts[3:]]
    return bytes([int(parts[1]), len(subs)]) + int(parts[2]).to_bytes(6, "big") + struct.pack(f"<{len(subs)}I", *subs)


def ace(ace_type: int, flags: int, mask: int, trustee: str, object_type: str | None = None) -> bytes:
    body = struct.pack("<I", mask)
    if ace_type == 5:
        body += struct.pack("<I", 1 if object_type else 0)
        if object_type:
            body += uuid.UUID(object_type).bytes_le
    body += sid(trustee)
    return struct.pack("<BBH", ace_type, flags, 4 + len(body)) + body


def descriptor(owner: str, aces: list[bytes]) -> bytes:
    acl_body = b"".join(aces)
    acl = struct.pack("<BBHHH", 4, 0, 8 + len(acl_body), len(aces), 0) + acl_body
    owner_b = sid(owner)
    o_owner = 20
    o_dacl = o_owner + len(owner_b)
    return struct.pack("<BBHIIII", 1, 0, 0x8004, o_owner, 0, 0, o_dacl) + owner_b + acl


REPL_ALL = "1131f6ad-9c07-11d1-f79f-00c04fc2dcd2"


def test_parse_owner_and_aces():
    data = descriptor("S-1-5-21-1-2-3-512", [ace(0, 0, 0xF01FF, "S-1-5-21-1-2-3-1105"),
                                             ace(5, 0x12, 0x100, "S-1-5-11", REPL_ALL)])
    sd = parse_sd(data)
    assert sd.owner == "S-1-5-21-1-2-3-512" and sd.group is None
    assert [(a.type, a.mask, a.trustee, a.object_type) for a in sd.dacl] == [
        (0, 0xF01FF, "S-1-5-21-1-2-3-1105", None), (5, 0x100, "S-1-5-11", REPL_ALL)]
    assert sd.dacl[1].flags & 0x10 and sd.dacl[0].allows and sd.dacl[0].applies_to_object


def test_dangerous_rights():
    sd = parse_sd(descriptor("S-1-5-18", [
        ace(0, 0, 0xF01FF, "S-1-1-0"), ace(5, 0, 0x100, "S-1-1-0", REPL_ALL), ace(0, 0, 0x20014, "S-1-1-0"),
        ace(0, 0x08, 0xF01FF, "S-1-1-0"), ace(1, 0, 0xF01FF, "S-1-1-0"), ace(0, 0, 0x80000, "S-1-1-0")]))
    assert [dangerous(a) for a in sd.dacl] == [
        "GenericAll", "DS-Replication-Get-Changes-All", None, None, None, "WriteOwner"]


def test_parse_sid_well_known():
    assert parse_sid(sid("S-1-5-32-544")) == ("S-1-5-32-544", 16)


@pytest.mark.parametrize("data", [b"", b"\x01" * 10, descriptor("S-1-5-18", [ace(0, 0, 1, "S-1-5-18")])[:-3]])
def test_malformed_descriptor(data):
    with pytest.raises(ValueError):
        parse_sd(data)
