"""SaslSocket framing on a real socket pair: length-prefixed buffers both ways, outgoing messages split to
the peer's maximum, a buffer that fails its integrity check ends the session."""

from __future__ import annotations

import hashlib
import socket

import pytest

from vigie.directory.engine.sasl import SaslSocket


class Mac:
    """A toy security context: appends a SHA-256 of the data (wrap) and checks it (unwrap)."""

    complete = True

    def step(self, token):
        return None

    def wrap(self, data, encrypt):
        return data + hashlib.sha256(data).digest()

    def unwrap(self, data):
        body, mac = data[:-32], data[-32:]
        if hashlib.sha256(body).digest() != mac:
            raise ValueError("bad MAC")
        return body

    def max_input(self, wrapped_size, encrypt):
        return wrapped_size - 32


def _frames(raw: bytes) -> list[bytes]:
    out = []
    while raw:
        n = int.from_bytes(raw[:4], "big")
        out.append(raw[4:4 + n])
        raw = raw[4 + n:]
    return out


def test_send_splits_to_the_peer_maximum_and_recv_reassembles():
    a, b = socket.socketpair()
    with a, b:
        s = SaslSocket(a, Mac(), encrypt=True, server_max=1056)  # 1024 bytes of payload per buffer
        s.sendall(b"x" * 3000)
        frames = _frames(b.recv(10000))
        assert [len(f) - 32 for f in frames] == [1024, 1024, 952]
        for f in frames:
            b.sendall(len(f).to_bytes(4, "big") + f)
        got = b""
        while len(got) < 3000:
            got += s.recv(700)
        assert got == b"x" * 3000


def test_tampered_buffer_ends_the_session():
    a, b = socket.socketpair()
    with a, b:
        s = SaslSocket(a, Mac(), encrypt=True, server_max=4096)
        token = bytearray(Mac().wrap(b"hello", True))
        token[0] ^= 1
        b.sendall(len(token).to_bytes(4, "big") + bytes(token))
        with pytest.raises(OSError, match="integrity check"):
            s.recv(100)


def test_truncated_buffer_and_oversized_length():
    a, b = socket.socketpair()
    with a, b:
        s = SaslSocket(a, Mac(), encrypt=True, server_max=4096)
        b.sendall((100).to_bytes(4, "big") + b"short")
        b.shutdown(socket.SHUT_WR)
        with pytest.raises(OSError, match="inside a SASL buffer"):
            s.recv(100)
    a, b = socket.socketpair()
    with a, b:
        s = SaslSocket(a, Mac(), encrypt=True, server_max=4096)
        b.sendall((0x7FFFFFFF).to_bytes(4, "big"))
        with pytest.raises(OSError, match="exceeds"):
            s.recv(100)


def test_clean_close_reads_as_end_of_stream():
    a, b = socket.socketpair()
    with a, b:
        s = SaslSocket(a, Mac(), encrypt=True, server_max=4096)
        b.close()
        assert s.recv(100) == b""
