"""Secrets at rest: directory credentials are encrypted with AES-256-GCM under a key derived by HKDF.

The input key material is `VIGIE_CREDENTIALS_KEY` when set, else `SECRET_KEY` (both from the environment
or the data directory, never the database). A stored value reads `v1:<base64(nonce | ciphertext+tag)>`;
the directory's uuid is bound as associated data, so a value copied onto another directory does not
decrypt. A wrong key, or a value changed in the database, raises `CredentialsError` with a clear message.
"""

import base64
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.utils.translation import gettext

VERSION = "v1"
INFO = b"vigie directory credentials v1"


class CredentialsError(Exception):
    """Stored credentials cannot be read back (wrong key, or a tampered value)."""


def _key() -> bytes:
    material = getattr(settings, "VIGIE_CREDENTIALS_KEY", "") or settings.SECRET_KEY
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=INFO).derive(material.encode())


def encrypt(plaintext: str, context: str) -> str:
    nonce = os.urandom(12)
    sealed = AESGCM(_key()).encrypt(nonce, plaintext.encode(), context.encode())
    return f"{VERSION}:{base64.b64encode(nonce + sealed).decode()}"


def decrypt(token: str, context: str) -> str:
    version, _sep, payload = token.partition(":")
    if version != VERSION or not payload:
        raise CredentialsError(gettext("The stored credentials are not in a known format: enter them again."))
    try:
        raw = base64.b64decode(payload, validate=True)
        return AESGCM(_key()).decrypt(raw[:12], raw[12:], context.encode()).decode()
    except (InvalidTag, ValueError):
        raise CredentialsError(gettext(
            "The stored credentials cannot be decrypted: the encryption key (VIGIE_CREDENTIALS_KEY or "
            "VIGIE_SECRET_KEY) changed since they were entered. Enter the password again.")) from None
