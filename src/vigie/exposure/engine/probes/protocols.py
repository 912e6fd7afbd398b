"""Handshakes that make a silent service say what it is. Each takes a connected socket and returns
(name, product, version, auth_required, facts) or None when the answer is not that protocol."""

from __future__ import annotations

import re
import socket
import struct
from collections.abc import Callable

Ident = tuple[str, str, str, "bool | None", dict[str, str]]
Handshake = Callable[[socket.socket], "Ident | None"]


def _recv(sock: socket.socket, size: int = 4096) -> bytes:
    try:
        return sock.recv(size)
    except OSError:
        return b""


def redis(sock: socket.socket) -> Ident | None:
    sock.sendall(b"PING\r\n")
    answer = _recv(sock)
    if answer.startswith(b"+PONG"):
        sock.sendall(b"INFO server\r\n")
        info = b""
        for _ in range(8):
            chunk = _recv(sock)
            info += chunk
            if not chunk or b"\r\n\r\n" in info[-6:] or len(info) > 2000:
                break
        match = re.search(rb"redis_version:([\w.]+)", info)
        return ("redis", "Redis", match.group(1).decode() if match else "", False, {})
    if answer.startswith(b"-NOAUTH") or b"Authentication required" in answer:
        return ("redis", "Redis", "", True, {})
    return None


def postgresql(sock: socket.socket) -> Ident | None:
    sock.sendall(struct.pack("!II", 8, 80877103))  # SSLRequest
    answer = _recv(sock, 1)
    if answer not in (b"S", b"N"):
        return None
    return ("postgresql", "PostgreSQL", "", None, {"ssl": "yes" if answer == b"S" else "no"})


def rdp(sock: socket.socket) -> Ident | None:
    neg = struct.pack("<BBHI", 1, 0, 8, 3)  # RDP_NEG_REQ: TLS | CredSSP
    x224 = bytes([len(neg) + 6, 0xE0, 0, 0, 0, 0, 0]) + neg
    sock.sendall(struct.pack("!BBH", 3, 0, len(x224) + 4) + x224)
    answer = _recv(sock)
    if len(answer) < 11 or answer[0] != 3 or answer[5] != 0xD0:
        return None
    facts: dict[str, str] = {}
    if len(answer) >= 19 and answer[11] == 2:
        selected = struct.unpack("<I", answer[15:19])[0]
        facts["protocol"] = {0: "rdp", 1: "tls", 2: "credssp", 8: "credssp-early"}.get(selected, str(selected))
        facts["nla"] = "yes" if selected in (2, 8) else "no"
    elif len(answer) >= 19 and answer[11] == 3:
        facts["nla"] = "required-failure"
    else:
        facts["nla"] = "no"
    return ("rdp", "", "", None, facts)


_SMB_DIALECTS = {0x0202: "2.0.2", 0x0210: "2.1", 0x0300: "3.0", 0x0302: "3.0.2", 0x0311: "3.1.1", 0x02FF: "2.???"}


def smb(sock: socket.socket) -> Ident | None:
    dialects = (0x0202, 0x0210, 0x0300, 0x0302)
    header = b"\xfeSMB" + struct.pack("<HHIHHIIQIIQ16s", 64, 0, 0, 0, 1, 0, 0, 0, 0xFEFF, 0, 0, b"")
    body = struct.pack("<HHHHI16sQ", 36, len(dialects), 1, 0, 0, b"vigie-scanner-id", 0)
    body += b"".join(struct.pack("<H", d) for d in dialects)
    packet = header + body
    sock.sendall(struct.pack("!I", len(packet)) + packet)
    answer = b""
    for _ in range(4):
        chunk = _recv(sock)
        answer += chunk
        if not chunk or len(answer) >= 4 + 64 + 8:
            break
    if len(answer) < 4 + 64 + 6 or answer[4:8] != b"\xfeSMB":
        if answer[4:8] == b"\xffSMB":
            return ("smb", "", "", None, {"dialect": "1"})
        return None
    dialect = struct.unpack("<H", answer[4 + 64 + 4: 4 + 64 + 6])[0]
    signing = struct.unpack("<H", answer[4 + 64 + 2: 4 + 64 + 4])[0]
    return ("smb", "", "", None, {"dialect": _SMB_DIALECTS.get(dialect, hex(dialect)),
                                  "signing_required": "yes" if signing & 2 else "no"})


def _bson(fields: dict[str, int]) -> bytes:
    body = b"".join(b"\x10" + k.encode() + b"\x00" + struct.pack("<i", v) for k, v in fields.items()) + b"\x00"
    return struct.pack("<i", len(body) + 4) + body


def _bson_fields(doc: bytes) -> dict[str, object]:
    """Top-level scalar fields of a BSON document (strings, ints, doubles, booleans)."""
    out: dict[str, object] = {}
    i = 4
    while i < len(doc) - 1:
        kind = doc[i]
        end = doc.index(b"\x00", i + 1)
        key = doc[i + 1:end].decode("utf-8", "replace")
        i = end + 1
        if kind == 0x02:
            size = struct.unpack("<i", doc[i:i + 4])[0]
            out[key] = doc[i + 4:i + 3 + size].decode("utf-8", "replace")
            i += 4 + size
        elif kind == 0x10:
            out[key] = struct.unpack("<i", doc[i:i + 4])[0]
            i += 4
        elif kind in (0x12, 0x09, 0x11):
            i += 8
        elif kind == 0x01:
            out[key] = struct.unpack("<d", doc[i:i + 8])[0]
            i += 8
        elif kind == 0x08:
            out[key] = doc[i] == 1
            i += 1
        elif kind in (0x03, 0x04):
            i += struct.unpack("<i", doc[i:i + 4])[0]
        elif kind == 0x07:
            i += 12
        elif kind == 0x0A:
            pass
        else:
            break
    return out


def _mongo_query(sock: socket.socket, request_id: int, fields: dict[str, int]) -> dict[str, object] | None:
    query = struct.pack("<i", 0) + b"admin.$cmd\x00" + struct.pack("<ii", 0, -1) + _bson(fields)
    sock.sendall(struct.pack("<iiii", len(query) + 16, request_id, 0, 2004) + query)
    answer = b""
    while len(answer) < 4 or len(answer) < struct.unpack("<i", answer[:4])[0]:
        chunk = _recv(sock, 65536)
        if not chunk:
            break
        answer += chunk
    if len(answer) < 36 + 5 or struct.unpack("<i", answer[12:16])[0] != 1:
        return None
    return _bson_fields(answer[36:])


def mongodb(sock: socket.socket) -> Ident | None:
    hello = _mongo_query(sock, 1, {"isMaster": 1})
    if hello is None or "maxWireVersion" not in hello:
        return None
    listing = _mongo_query(sock, 2, {"listDatabases": 1})
    auth: bool | None = None
    if listing is not None:
        auth = not (listing.get("ok") in (1, 1.0, True))
    build = _mongo_query(sock, 3, {"buildinfo": 1}) or {}
    version = str(build.get("version", "")) if build.get("ok") in (1, 1.0, True) else ""
    return ("mongodb", "MongoDB", version, auth, {"max_wire_version": str(hello["maxWireVersion"])})


def _ber_str(tag: int, value: bytes) -> bytes:
    return bytes([tag, len(value)]) + value


def _ber_values(data: bytes, attribute: bytes) -> list[str]:
    """The octet-string values that follow `attribute` in a SearchResultEntry (short lengths only)."""
    at = data.find(_ber_str(0x04, attribute))
    if at < 0:
        return []
    i = at + 2 + len(attribute)
    if i + 2 > len(data) or data[i] != 0x31:
        return []
    end = i + 2 + data[i + 1]
    i += 2
    values: list[str] = []
    while i + 2 <= min(end, len(data)) and data[i] == 0x04:
        size = data[i + 1]
        values.append(data[i + 2:i + 2 + size].decode("utf-8", "replace"))
        i += 2 + size
    return values


def ldap(sock: socket.socket) -> Ident | None:
    attrs = b"".join(_ber_str(0x04, a) for a in (b"namingContexts", b"supportedLDAPVersion", b"vendorName",
                                                    b"vendorVersion", b"defaultNamingContext"))
    search = (_ber_str(0x04, b"") + b"\x0a\x01\x00\x0a\x01\x00\x02\x01\x00\x02\x01\x00\x01\x01\x00"
              + _ber_str(0x87, b"objectClass") + _ber_str(0x30, attrs))
    message = _ber_str(0x02, b"\x01") + _ber_str(0x63, search)
    sock.sendall(_ber_str(0x30, message))
    answer = b""
    for _ in range(6):
        chunk = _recv(sock)
        answer += chunk
        if not chunk or b"\x65" in answer[-20:]:
            break
    if not answer.startswith(b"\x30") or not re.search(rb"[\x64\x65]", answer[:12]):
        return None
    contexts = _ber_values(answer, b"namingContexts")
    anonymous = b"\x64" in answer[:12]
    facts = {"naming_contexts": ";".join(contexts), "anonymous_rootdse": "yes" if anonymous else "no"}
    vendor = re.search(rb"vendorName1?.{2,6}?([\x20-\x7e]{3,})", answer)
    product = "OpenLDAP" if b"OpenLDAP" in answer or b"openldap" in answer.lower() else ""
    if vendor and not product:
        facts["vendor"] = vendor.group(1).decode()
    return ("ldap", product, "", None, facts)


def dicom(sock: socket.socket) -> Ident | None:
    def item(kind: int, payload: bytes) -> bytes:
        return struct.pack("!BBH", kind, 0, len(payload)) + payload
    app = item(0x10, b"1.2.840.10008.3.1.1.1")
    presentation = item(0x20, b"\x01\x00\x00\x00" + item(0x30, b"1.2.840.10008.1.1") + item(0x40, b"1.2.840.10008.1.2"))
    user = item(0x50, item(0x51, struct.pack("!I", 16384)))
    body = struct.pack("!HH", 1, 0) + b"ANY-SCP".ljust(16) + b"VIGIE".ljust(16) + bytes(32) + app + presentation + user
    sock.sendall(struct.pack("!BBI", 0x01, 0, len(body)) + body)
    answer = _recv(sock)
    if len(answer) < 6 or answer[0] not in (0x02, 0x03) or answer[1] != 0:
        return None
    facts = {"association": "accepted" if answer[0] == 0x02 else "rejected"}
    if answer[0] == 0x02:
        sock.sendall(bytes([0x05, 0, 0, 0, 0, 4, 0, 0, 0, 0]))  # A-RELEASE-RQ
    return ("dicom", "", "", None, facts)


def hl7(sock: socket.socket) -> Ident | None:
    message = b"MSH|^~\\&|VIGIE|VIGIE|||20260101000000||QRY^A19|VIGIE1|P|2.5\r"
    sock.sendall(b"\x0b" + message + b"\x1c\r")
    answer = _recv(sock)
    if not answer.startswith(b"\x0b") or b"MSH|" not in answer:
        return None
    fields = answer[1:].split(b"\r")[0].split(b"|")
    facts = {"version": fields[11].decode("ascii", "replace")} if len(fields) > 11 else {}
    return ("hl7", "", "", None, facts)


def mysql_banner(banner: bytes) -> Ident | None:
    """MySQL/MariaDB speak first: a handshake packet, protocol 10, then the server version."""
    if len(banner) < 6 or banner[4] != 10:
        if len(banner) > 7 and banner[4] == 0xFF:  # error packet: "host not allowed"
            return ("mysql", "MySQL", "", None, {"error": banner[7:].decode("utf-8", "replace")[:200]})
        return None
    version = banner[5:banner.index(b"\x00", 5)].decode("ascii", "replace") if b"\x00" in banner[5:] else ""
    match = re.search(r"(\d+\.\d+\.\d+)-MariaDB", version)
    if match:
        return ("mysql", "MariaDB", match.group(1), None, {})
    return ("mysql", "MySQL", version.split("-")[0], None, {})


ACTIVE: dict[str, Handshake] = {"redis": redis, "postgresql": postgresql, "rdp": rdp, "smb": smb,
                                "mongodb": mongodb, "ldap": ldap, "dicom": dicom, "hl7": hl7}
