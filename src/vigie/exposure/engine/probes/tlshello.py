"""A bare TLS ClientHello for the cipher suites this machine's OpenSSL no longer has.

Debian's OpenSSL 3 is built without RC4, single DES and 3DES suites (and nothing has EXPORT any more),
so a handshake through it can never offer them, and a server that still accepts them would look clean.
A ServerHello is sent in clear before any key exchange and names the suite the server picked: offering
only these suites and reading that answer tells whether the server accepts one, without completing a
handshake that this machine could not complete anyway. The connection is closed right after it.
"""

from __future__ import annotations

import os
import socket
import struct
import time

from ..limits import Limits
from ..net import Connector

# IANA code -> OpenSSL's name (the names the other TLS findings use), most used first
LEGACY_SUITES: dict[int, str] = {
    0xC012: "ECDHE-RSA-DES-CBC3-SHA", 0xC008: "ECDHE-ECDSA-DES-CBC3-SHA", 0x0016: "EDH-RSA-DES-CBC3-SHA",
    0x000A: "DES-CBC3-SHA", 0xC011: "ECDHE-RSA-RC4-SHA", 0xC007: "ECDHE-ECDSA-RC4-SHA", 0x0005: "RC4-SHA",
    0x0004: "RC4-MD5", 0x0015: "EDH-RSA-DES-CBC-SHA", 0x0009: "DES-CBC-SHA", 0x0014: "EXP-EDH-RSA-DES-CBC-SHA",
    0x0008: "EXP-DES-CBC-SHA", 0x0006: "EXP-RC2-CBC-MD5", 0x0003: "EXP-RC4-MD5",
}
_HANDSHAKE, _ALERT = 22, 21
_CLIENT_HELLO, _SERVER_HELLO = 1, 2
_MAX_READ = 16384  # a ServerHello comes first and is small; nothing past it is needed


def _extension(kind: int, body: bytes) -> bytes:
    return struct.pack("!HH", kind, len(body)) + body


def client_hello(suites: list[int], server_name: str = "") -> bytes:
    """A TLS 1.2 ClientHello record offering exactly `suites` (and the extensions servers expect for
    ECDHE and RSA certificates: groups, point formats, signature algorithms, secure renegotiation)."""
    extensions = b""
    if server_name:
        name = server_name.encode("ascii")
        entry = b"\x00" + struct.pack("!H", len(name)) + name
        extensions += _extension(0x0000, struct.pack("!H", len(entry)) + entry)
    groups = struct.pack("!3H", 0x0017, 0x0018, 0x001D)  # secp256r1, secp384r1, x25519
    extensions += _extension(0x000A, struct.pack("!H", len(groups)) + groups)
    extensions += _extension(0x000B, b"\x01\x00")  # uncompressed points
    algorithms = struct.pack("!6H", 0x0401, 0x0403, 0x0501, 0x0804, 0x0201, 0x0203)
    extensions += _extension(0x000D, struct.pack("!H", len(algorithms)) + algorithms)
    extensions += _extension(0xFF01, b"\x00")
    codes = b"".join(struct.pack("!H", code) for code in suites)
    body = (b"\x03\x03" + os.urandom(32) + b"\x00" + struct.pack("!H", len(codes)) + codes + b"\x01\x00"
            + struct.pack("!H", len(extensions)) + extensions)
    handshake = bytes([_CLIENT_HELLO]) + len(body).to_bytes(3, "big") + body
    return struct.pack("!BHH", _HANDSHAKE, 0x0301, len(handshake)) + handshake


def chosen_suite(data: bytes) -> int | None:
    """The suite code of the ServerHello at the start of `data` (the server's first bytes); None when
    the server answered with an alert or the bytes are not (yet) a whole ServerHello."""
    handshake = b""
    offset = 0
    while offset + 5 <= len(data):
        kind, _version, length = struct.unpack("!BHH", data[offset:offset + 5])
        payload = data[offset + 5:offset + 5 + length]
        if kind == _ALERT:
            return None
        if kind != _HANDSHAKE:
            raise ValueError(f"not a TLS handshake record (content type {kind})")
        handshake += payload
        offset += 5 + length
        if len(handshake) >= 4:
            if handshake[0] != _SERVER_HELLO:
                raise ValueError(f"first handshake message is type {handshake[0]}, not a ServerHello")
            needed = 4 + int.from_bytes(handshake[1:4], "big")
            if len(handshake) >= needed:
                session_length = handshake[4 + 2 + 32]
                start = 4 + 2 + 32 + 1 + session_length
                (suite,) = struct.unpack("!H", handshake[start:start + 2])
                return int(suite)
    return None


def legacy_suite(connector: Connector, address: str, port: int, server_name: str, limits: Limits) -> str:
    """The OpenSSL name of the legacy suite the server picks when offered only those, or ""."""
    try:
        sock = connector.connect(address, port, limits.read_timeout)
    except OSError:
        return ""
    with sock:
        try:
            sock.sendall(client_hello(list(LEGACY_SUITES), server_name))
            data = b""
            deadline = time.monotonic() + limits.read_timeout
            while len(data) < _MAX_READ:
                sock.settimeout(max(0.01, deadline - time.monotonic()))
                chunk = sock.recv(4096)
                if not chunk:
                    break
                data += chunk
                if data[:1] == bytes([_ALERT]) or chosen_suite(data) is not None:
                    break
            suite = chosen_suite(data)
        except (OSError, socket.timeout, ValueError, struct.error, IndexError, UnicodeError):
            return ""
    return LEGACY_SUITES.get(suite, "") if suite is not None else ""
