"""TLS: the certificate chain the server sends, and which protocol versions and weak suites it accepts,
each by a separate handshake at OpenSSL security level 0 (so old protocols can be offered).

Python 3.11's ssl module hands over only the leaf certificate, so the whole chain is read by one more
handshake through pyOpenSSL (`Connection.get_peer_cert_chain`); when that handshake fails (a protocol
pyOpenSSL's OpenSSL no longer speaks), the leaf read by ssl is kept alone. Certificates are parsed with
cryptography."""

from __future__ import annotations

import hashlib
import re
import select
import socket
import ssl
import time
import warnings
from collections.abc import Sequence
from datetime import timezone
from functools import lru_cache

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import NameOID
from OpenSSL import SSL

from .._model import Certificate, TlsInfo
from ..limits import Limits
from ..net import Connector
from .tlshello import legacy_suite

VERSIONS: tuple[tuple[str, ssl.TLSVersion], ...] = (
    ("TLSv1", ssl.TLSVersion.TLSv1), ("TLSv1.1", ssl.TLSVersion.TLSv1_1),
    ("TLSv1.2", ssl.TLSVersion.TLSv1_2), ("TLSv1.3", ssl.TLSVersion.TLSv1_3),
)
# Broken suites: no encryption, no authentication, export-grade, RC4, single and triple DES (64-bit
# blocks: SWEET32), MD5 MACs. Debian's OpenSSL 3 has compiled out RC4, DES and 3DES, so of these it can
# only offer the NULL and anonymous ones; the others are asked for by a bare ClientHello (tlshello.py).
WEAK_CIPHERS = "eNULL:aNULL:EXPORT:LOW:RC4:3DES:DES:MD5:IDEA"
# RSA key exchange: a recorded session can be decrypted later by whoever obtains the server's key
STATIC_RSA_CIPHERS = "kRSA:!eNULL:!aNULL:!EXPORT:!LOW:!RC4:!3DES:!DES:!MD5"


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
    weak = _accepted_suite(connector, address, port, server_name, limits, WEAK_CIPHERS)
    legacy = legacy_suite(connector, address, port, server_name, limits)  # what this OpenSSL cannot offer
    weak = tuple(dict.fromkeys(weak + ((legacy,) if legacy else ())))
    static_rsa = _accepted_suite(connector, address, port, server_name, limits, STATIC_RSA_CIPHERS)
    trusted = False
    if cafile:
        verify = ssl.create_default_context(cafile=cafile)
        verify.check_hostname = False
        try:
            with handshake(connector, address, port, server_name, limits, verify):
                trusted = True
        except (OSError, ssl.SSLError):
            trusted = False
    sent = fetch_chain(connector, address, port, server_name, limits) or ((der,) if der else ())
    readable: list[tuple[Certificate, x509.Certificate]] = []
    for item in sent:
        try:
            readable.append((parse_certificate(item), x509.load_der_x509_certificate(item)))
        except ValueError:  # a malformed certificate in the chain: the others are still judged
            continue
    return TlsInfo(versions=tuple(offered), chain=tuple(parsed for parsed, _ in readable),
                   server_name=server_name, trusted=trusted, cipher=cipher, weak_ciphers=weak,
                   no_forward_secrecy=static_rsa,
                   chain_complete=chain_complete([cert for _, cert in readable], cafile))


def _accepted_suite(connector: Connector, address: str, port: int, server_name: str, limits: Limits,
                    ciphers: str) -> tuple[str, ...]:
    """The suite the server picks when the client offers only `ciphers` (TLS 1.0 to 1.2), or ()."""
    try:
        context = _context(None, ciphers + ":@SECLEVEL=0")
    except ssl.SSLError:  # this OpenSSL has none of these suites: nothing it could detect
        return ()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        context.minimum_version = ssl.TLSVersion.TLSv1
    context.maximum_version = ssl.TLSVersion.TLSv1_2  # TLS 1.3 has only strong suites
    try:
        with handshake(connector, address, port, server_name, limits, context) as tls:
            info = tls.cipher()
            return (info[0],) if info else ()
    except (OSError, ssl.SSLError, ValueError):
        return ()


def fetch_chain(connector: Connector, address: str, port: int, server_name: str, limits: Limits) -> tuple[bytes, ...]:
    """The DER certificates the server sends, in its order (leaf first); () when the handshake fails."""
    try:
        raw = connector.connect(address, port, limits.read_timeout)
    except OSError:
        return ()
    try:
        context = SSL.Context(SSL.TLS_CLIENT_METHOD)
        context.set_verify(SSL.VERIFY_NONE)
        context.set_cipher_list(b"ALL:@SECLEVEL=0")
        try:
            context.set_min_proto_version(SSL.TLS1_VERSION)
        except SSL.Error:
            pass  # this OpenSSL has no TLS 1.0: the newer versions are still tried
        connection = SSL.Connection(context, raw)
        if server_name:
            connection.set_tlsext_host_name(server_name.encode("ascii"))
        connection.set_connect_state()
        deadline = time.monotonic() + limits.read_timeout
        while True:
            try:
                connection.do_handshake()
                break
            except SSL.WantReadError:
                _wait(raw, deadline, read=True)
            except SSL.WantWriteError:
                _wait(raw, deadline, read=False)
        chain = connection.get_peer_cert_chain(as_cryptography=True) or []
        return tuple(cert.public_bytes(Encoding.DER) for cert in chain)
    except (SSL.Error, OSError, UnicodeError):
        return ()
    finally:
        raw.close()


def _wait(sock: socket.socket, deadline: float, *, read: bool) -> None:
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise TimeoutError("TLS handshake timed out")
    ready = select.select([sock], [], [], remaining) if read else select.select([], [sock], [], remaining)
    if not any(ready):
        raise TimeoutError("TLS handshake timed out")


def chain_complete(chain: Sequence[x509.Certificate], cafile: str | None) -> bool | None:
    """Whether the certificates sent lead from the leaf, issuer by issuer, to a self-signed certificate
    or to an authority of the trust store (`cafile` and the system's); None when no store can be read.
    A missing intermediate breaks clients that do not fetch it themselves (most non-browser clients)."""
    if not chain:
        return None
    anchors = _anchors(cafile) | _anchors(ssl.get_default_verify_paths().cafile)
    current, seen = chain[0], {0}
    while current.issuer != current.subject:
        following = next((i for i, cert in enumerate(chain) if i not in seen and cert.subject == current.issuer), None)
        if following is None:
            return True if current.issuer in anchors else (False if anchors else None)
        seen.add(following)
        current = chain[following]
    return True


@lru_cache(maxsize=8)
def _anchors(cafile: str | None) -> frozenset[x509.Name]:
    """The subjects of the certificates of a PEM trust store (empty when it cannot be read)."""
    if not cafile:
        return frozenset()
    try:
        with open(cafile, "rb") as handle:
            text = handle.read()
    except OSError:
        return frozenset()
    subjects: set[x509.Name] = set()
    for block in re.findall(rb"-----BEGIN CERTIFICATE-----.+?-----END CERTIFICATE-----", text, re.S):
        with warnings.catch_warnings():  # a system store may hold an old root with a non-positive serial
            warnings.simplefilter("ignore")
            try:
                subjects.add(x509.load_pem_x509_certificate(block).subject)
            except ValueError:  # one unreadable authority does not void the store
                continue
    return frozenset(subjects)


def wrap(sock: socket.socket, server_name: str) -> ssl.SSLSocket:
    """A TLS client socket over `sock` (for application probes over TLS: HTTPS, LDAPS)."""
    return _context().wrap_socket(sock, server_hostname=server_name or None)
