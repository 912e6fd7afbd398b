"""TLS: the certificate (parsed with cryptography), and which protocol versions and weak suites the server
accepts, each by a separate handshake at OpenSSL security level 0 (so old protocols can be offered)."""

from __future__ import annotations

import hashlib
import socket
import ssl
import warnings
from datetime import timezone

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from cryptography.x509.oid import NameOID

from .._model import Certificate, TlsInfo
from ..limits import Limits
from ..net import Connector

VERSIONS: tuple[tuple[str, ssl.TLSVersion], ...] = (
    ("TLSv1", ssl.TLSVersion.TLSv1), ("TLSv1.1", ssl.TLSVersion.TLSv1_1),
    ("TLSv1.2", ssl.TLSVersion.TLSv1_2), ("TLSv1.3", ssl.TLSVersion.TLSv1_3),
)
WEAK_CIPHERS = "RC4:3DES:NULL:EXPORT:aNULL:DES:MD5"


def _context(version: ssl.TLSVersion | None = None, ciphers: str = "ALL:@SECLEVEL=0") -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    context.set_ciphers(ciphers)
    if version is not None:
        with warnings.catch_warnings():  # TLS 1.0/1.1 are deprecated: offering them is what we test
            warnings.simplefilter("ignore", DeprecationWarning)
            context.minimum_version = version
            context.maximum_version = version
    return context


def handshake(connector: Connector, address: str, port: int, server_name: str, limits: Limits,
              context: ssl.SSLContext) -> ssl.SSLSocket:
    raw = connector.connect(address, port, limits.read_timeout)
    try:
        return context.wrap_socket(raw, server_hostname=server_name or None)
    except (OSError, ssl.SSLError):
        raw.close()
        raise


def parse_certificate(der: bytes) -> Certificate:
    cert = x509.load_der_x509_certificate(der)
    try:
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        names = tuple(san.get_values_for_type(x509.DNSName))
    except x509.ExtensionNotFound:
        names = ()
    if not names:
        names = tuple(str(a.value) for a in cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME))
    key = cert.public_key()
    key_type, bits = "", 0
    if isinstance(key, rsa.RSAPublicKey):
        key_type, bits = "RSA", key.key_size
    elif isinstance(key, ec.EllipticCurvePublicKey):
        key_type, bits = "EC", key.curve.key_size
    elif isinstance(key, ed25519.Ed25519PublicKey):
        key_type, bits = "Ed25519", 256
    self_signed = cert.issuer == cert.subject
    if self_signed:
        try:
            cert.verify_directly_issued_by(cert)
        except (ValueError, TypeError, Exception):  # noqa: BLE001 - any failure means not self-signed
            self_signed = False
    return Certificate(
        subject=cert.subject.rfc4514_string(), issuer=cert.issuer.rfc4514_string(), names=names,
        not_before=cert.not_valid_before_utc.astimezone(timezone.utc),
        not_after=cert.not_valid_after_utc.astimezone(timezone.utc), self_signed=self_signed,
        sha256=hashlib.sha256(der).hexdigest(), key_type=key_type, key_bits=bits,
        signature_algorithm=getattr(cert.signature_algorithm_oid, "_name", "") or cert.signature_algorithm_oid.dotted_string,
    )


def probe_tls(connector: Connector, address: str, port: int, server_name: str, limits: Limits,
              cafile: str | None = None) -> TlsInfo | None:
    """What the endpoint offers; None when no handshake succeeds at all (not TLS)."""
    offered: list[str] = []
    der = b""
    cipher = ""
    for label, version in VERSIONS:
        try:
            tls = handshake(connector, address, port, server_name, limits, _context(version))
        except (OSError, ssl.SSLError, ValueError):
            continue
        with tls:
            offered.append(label)
            der = tls.getpeercert(binary_form=True) or der
            info = tls.cipher()
            cipher = info[0] if info else cipher
    if not offered:
        return None
    weak: list[str] = []
    try:
        tls = handshake(connector, address, port, server_name, limits, _weak_context())
        with tls:
            info = tls.cipher()
            if info:
                weak.append(info[0])
    except (OSError, ssl.SSLError, ValueError):
        pass
    trusted = False
    if cafile:
        verify = ssl.create_default_context(cafile=cafile)
        verify.check_hostname = False
        try:
            with handshake(connector, address, port, server_name, limits, verify):
                trusted = True
        except (OSError, ssl.SSLError):
            trusted = False
    chain = (parse_certificate(der),) if der else ()
    return TlsInfo(versions=tuple(offered), chain=chain, server_name=server_name, trusted=trusted,
                   cipher=cipher, weak_ciphers=tuple(weak))


def _weak_context() -> ssl.SSLContext:
    context = _context(None, WEAK_CIPHERS + ":@SECLEVEL=0")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        context.minimum_version = ssl.TLSVersion.TLSv1
    context.maximum_version = ssl.TLSVersion.TLSv1_2
    return context


def wrap(sock: socket.socket, server_name: str) -> ssl.SSLSocket:
    """A TLS client socket over `sock` (for application probes over TLS: HTTPS, LDAPS)."""
    return _context().wrap_socket(sock, server_hostname=server_name or None)
