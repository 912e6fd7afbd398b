"""Kerberos and NTLM binds for ldap3, with the SASL security layer Samba and AD demand on plain LDAP.

ldap3 2.9 binds with GSSAPI without any security layer, and speaks NTLM only through Microsoft's
"Sicily" bind, which Samba does not implement (it drops the connection). Measured against Samba 4.17:

- on plain LDAP (389), a GSSAPI, GSS-SPNEGO or NTLM bind must sign or seal ("Sign or Seal are required");
- inside TLS (LDAPS or StartTLS), signing and sealing are refused ("Sign or Seal are not allowed if TLS
  is used"), while a GSSAPI bind with no layer is still answered "Sign or Seal are required".

So this module drives the SASL exchange itself (ldap3 only carries the bind requests) and, once bound on
plain LDAP, puts a :class:`SaslSocket` in place of the connection's socket: every LDAP message then travels
sealed (encrypted and integrity-protected) in a SASL buffer, RFC 4752 section 3.3 for Kerberos, MS-NLMP
sealing for NTLM. Inside TLS the bind asks for no layer (what Windows domain controllers accept) and
carries the TLS channel binding.

Kerberos uses the ``gssapi`` package (MIT krb5 underneath, optional: ``pip install vigie[kerberos]``);
NTLM uses ``pyspnego``'s pure-Python NTLM.
"""

from __future__ import annotations

import hashlib
import socket
import ssl
from typing import Any, Protocol

from cryptography import x509

from .errors import AuthenticationFailed, DirectoryError, UnsupportedMechanism

__all__ = ["MAX_BUFFER", "SaslSocket", "SecurityContext", "kerberos_context", "ntlm_context", "sasl_bind"]

MAX_BUFFER = 0xFFFFFF  # largest SASL buffer we accept (3-byte field of RFC 4752), 16 MiB
_SASL_IN_PROGRESS = 14
_NO_LAYER, _INTEGRITY, _CONFIDENTIALITY = 1, 2, 4


class SecurityContext(Protocol):
    """One client security context: the token exchange, then message protection."""

    @property
    def complete(self) -> bool: ...

    def step(self, token: bytes | None) -> bytes | None: ...

    def wrap(self, data: bytes, encrypt: bool) -> bytes: ...

    def unwrap(self, data: bytes) -> bytes: ...

    def max_input(self, wrapped_size: int, encrypt: bool) -> int: ...


def _tls_end_point(sock: Any) -> bytes | None:
    """RFC 5929 ``tls-server-end-point`` channel binding of a TLS socket (None on plain sockets)."""
    if not isinstance(sock, ssl.SSLSocket):
        return None
    der = sock.getpeercert(binary_form=True)
    if not der:
        return None
    algorithm = x509.load_der_x509_certificate(der).signature_hash_algorithm
    name = algorithm.name if algorithm is not None else "sha256"
    digest = hashlib.new("sha256" if name in ("md5", "sha1") else name, der).digest()
    return b"tls-server-end-point:" + digest


class _Context:
    """What the Kerberos (gssapi) and NTLM (pyspnego) security contexts share: the handshake."""

    def __init__(self, ctx: Any) -> None:
        self._ctx = ctx

    @property
    def complete(self) -> bool:
        return bool(self._ctx.complete)

    def step(self, token: bytes | None) -> bytes | None:
        out = self._ctx.step(token)
        return bytes(out) if out is not None else None


class _Kerberos(_Context):
    def wrap(self, data: bytes, encrypt: bool) -> bytes:
        return bytes(self._ctx.wrap(data, encrypt).message)

    def unwrap(self, data: bytes) -> bytes:
        return bytes(self._ctx.unwrap(data).message)

    def max_input(self, wrapped_size: int, encrypt: bool) -> int:
        return int(self._ctx.get_wrap_size_limit(wrapped_size, encrypt))


class _Ntlm(_Context):
    _SIGNATURE = 16  # MS-NLMP message signature in front of each sealed message

    def wrap(self, data: bytes, encrypt: bool) -> bytes:
        return bytes(self._ctx.wrap(data, encrypt=True).data)

    def unwrap(self, data: bytes) -> bytes:
        return bytes(self._ctx.unwrap(data).data)

    def max_input(self, wrapped_size: int, encrypt: bool) -> int:
        return wrapped_size - self._SIGNATURE


def kerberos_context(host: str, username: str, password: str, *, layer: bool,
                     channel_binding: bytes | None) -> SecurityContext:
    """A Kerberos context for ``ldap/<host>``: a ticket from the password (in memory) or the ticket cache."""
    try:
        # optional dependency: gssapi comes with the `kerberos` extra
        import gssapi
        import gssapi.raw
        from gssapi.raw.misc import GSSError
    except ImportError:
        raise UnsupportedMechanism("Kerberos needs the 'gssapi' package (pip install 'vigie[kerberos]', "
                                   "with libkrb5)") from None
    flags = gssapi.RequirementFlag.mutual_authentication | gssapi.RequirementFlag.out_of_sequence_detection
    if layer:
        flags |= gssapi.RequirementFlag.integrity | gssapi.RequirementFlag.confidentiality
    try:
        creds = None
        if password:
            name = gssapi.Name(username, gssapi.NameType.user)
            raw = gssapi.raw.acquire_cred_with_password(name, password.encode(), usage="initiate").creds
            creds = gssapi.Credentials(base=raw)
        bindings = gssapi.raw.ChannelBindings(application_data=channel_binding) if channel_binding else None
        ctx = gssapi.SecurityContext(name=gssapi.Name(f"ldap@{host}", gssapi.NameType.hostbased_service),
                                     mech=gssapi.MechType.kerberos, creds=creds, flags=flags, usage="initiate",
                                     channel_bindings=bindings)
    except GSSError as exc:
        who = username or "the ticket cache"
        raise AuthenticationFailed(f"Kerberos: cannot obtain a ticket for {who}: {_gss_text(exc)}") from None
    return _Kerberos(ctx)


def ntlm_context(host: str, username: str, password: str, *, layer: bool,
                 channel_binding: bytes | None) -> SecurityContext:
    """An NTLM context (pure Python); ``username`` as ``DOMAIN\\user`` or ``user@domain``."""
    # heavy import: pyspnego takes ~1.4 s to load, paid only by NTLM binds
    import spnego
    from spnego.channel_bindings import GssChannelBindings

    req = spnego.ContextReq.integrity | spnego.ContextReq.confidentiality if layer else spnego.ContextReq.none
    bindings = GssChannelBindings(application_data=channel_binding) if channel_binding else None
    ctx = spnego.client(username, password, hostname=host, service="ldap", protocol="ntlm", context_req=req,
                        channel_bindings=bindings)
    return _Ntlm(ctx)


def _gss_text(exc: Exception) -> str:
    return " ".join(str(exc).split())


def sasl_bind(conn: Any, mechanism: str, make_context: Any, host: str, username: str, password: str) -> None:
    """Bind ``conn`` (open, not bound) with ``mechanism`` ("GSSAPI" or "NTLM"); seal on plain sockets.

    ``make_context`` is :func:`kerberos_context` or :func:`ntlm_context`. Raises AuthenticationFailed
    with the server's answer when the bind is refused.
    """
    # heavy import: ldap3, loaded only when a directory is read
    from ldap3.protocol.sasl.sasl import send_sasl_negotiation

    binding = _tls_end_point(conn.socket)
    layer = binding is None and not isinstance(conn.socket, ssl.SSLSocket)
    ctx: SecurityContext = make_context(host, username, password, layer=layer, channel_binding=binding)
    conn.sasl_mechanism = mechanism
    conn.sasl_in_progress = True
    try:
        result = _exchange(conn, ctx, send_sasl_negotiation)
        encrypt, server_max = True, MAX_BUFFER
        if mechanism == "GSSAPI" and result.get("result") == _SASL_IN_PROGRESS:
            encrypt, server_max, result = _gssapi_layer(conn, ctx, result, layer, send_sasl_negotiation)
    except Exception as exc:
        if isinstance(exc, DirectoryError):
            raise
        raise AuthenticationFailed(f"{mechanism} bind failed: {_gss_text(exc)}") from None
    finally:
        conn.sasl_in_progress = False
    if result.get("result") != 0:
        raise AuthenticationFailed(f"{mechanism} bind refused: {result.get('description')} "
                                   f"{result.get('message', '')}".strip())
    conn.bound = True
    if layer:
        conn.socket = SaslSocket(conn.socket, ctx, encrypt=encrypt, server_max=server_max)


def _exchange(conn: Any, ctx: SecurityContext, send: Any) -> dict[str, Any]:
    token: bytes | None = None
    while True:
        out = ctx.step(token)
        result: dict[str, Any] = send(conn, None, out or b"")
        token = result.get("saslCreds") or None
        # done, refused, or (GSSAPI) context complete with the server's security-layer offer in ``token``
        if result.get("result") != _SASL_IN_PROGRESS or ctx.complete:
            return result


def _gssapi_layer(conn: Any, ctx: SecurityContext, result: dict[str, Any], layer: bool,
                  send: Any) -> tuple[bool, int, dict[str, Any]]:
    """Answer the server's offer of security layers (RFC 4752): seal on plain LDAP, none inside TLS."""
    offer = ctx.unwrap(bytes(result.get("saslCreds") or b""))
    if len(offer) != 4:
        raise AuthenticationFailed("GSSAPI bind: malformed security-layer offer from the server")
    layers, server_max = offer[0], int.from_bytes(offer[1:4], "big")
    if not layer:
        choice = _NO_LAYER
    elif layers & _CONFIDENTIALITY:
        choice = _CONFIDENTIALITY
    elif layers & _INTEGRITY:
        choice = _INTEGRITY
    else:
        raise AuthenticationFailed("GSSAPI bind: the server offers neither integrity nor confidentiality")
    if not layers & choice:
        raise AuthenticationFailed(f"GSSAPI bind: the server does not offer security layer {choice} "
                                   f"(offers {layers:#x})")
    ours = (MAX_BUFFER if choice != _NO_LAYER else 0).to_bytes(3, "big")
    answer = ctx.wrap(bytes([choice]) + ours, False)
    return choice == _CONFIDENTIALITY, server_max or MAX_BUFFER, send(conn, None, answer)


class SaslSocket:
    """A socket whose traffic is framed in SASL buffers: 4-byte length, then the wrapped bytes.

    ldap3's synchronous strategy only calls ``sendall``, ``recv`` and the socket's housekeeping
    methods (timeouts, shutdown, close), which pass through to the real socket.
    """

    def __init__(self, sock: socket.socket, ctx: SecurityContext, *, encrypt: bool, server_max: int) -> None:
        self._sock = sock
        self._ctx = ctx
        self._encrypt = encrypt
        self._chunk = max(512, ctx.max_input(min(server_max, MAX_BUFFER), encrypt))
        self._plain = bytearray()

    def sendall(self, data: bytes) -> None:
        for i in range(0, len(data), self._chunk):
            token = self._ctx.wrap(bytes(data[i:i + self._chunk]), self._encrypt)
            self._sock.sendall(len(token).to_bytes(4, "big") + token)

    def recv(self, bufsize: int, flags: int = 0) -> bytes:
        while not self._plain:
            header = self._read_exact(4)
            if not header:
                return b""
            size = int.from_bytes(header, "big")
            if size > MAX_BUFFER + 1024:
                raise OSError(f"SASL buffer of {size} bytes exceeds the {MAX_BUFFER} announced")
            token = self._read_exact(size)
            if len(token) < size:
                raise OSError("connection closed inside a SASL buffer")
            try:
                self._plain += self._ctx.unwrap(token)
            except Exception as exc:  # noqa: BLE001 - a forged or corrupt buffer must end the session
                raise OSError(f"SASL buffer failed its integrity check: {_gss_text(exc)}") from None
        out = bytes(self._plain[:bufsize])
        del self._plain[:bufsize]
        return out

    def _read_exact(self, n: int) -> bytes:
        buf = bytearray()
        while len(buf) < n:
            part = self._sock.recv(n - len(buf))
            if not part:
                break
            buf += part
        return bytes(buf)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._sock, name)
