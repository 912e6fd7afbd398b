"""Errors raised by the directory engine.

Tree (catch the root to handle every engine failure)::

    DirectoryError                 root of every engine error
    ├── ConfigurationError         bad ConnectionSettings (unknown security or auth mode, missing file)
    ├── ConnectionFailed           TCP/TLS connection to the directory failed (refused, timeout, bad cert)
    ├── AuthenticationFailed       the server refused the bind (wrong credentials, mechanism refused)
    ├── UnsupportedMechanism       the auth mechanism is not available here (e.g. gssapi not installed)
    ├── CollectionError            a search failed after the bind (size limit, missing naming context)
    └── SnapshotError              unreadable snapshot file; carries ``file`` and ``line`` (1-based)
"""

from __future__ import annotations

from pathlib import Path

__all__ = [
    "AuthenticationFailed",
    "CollectionError",
    "ConfigurationError",
    "ConnectionFailed",
    "DirectoryError",
    "SnapshotError",
    "UnsupportedMechanism",
]


class DirectoryError(Exception):
    """Root of every error raised by ``vigie.directory.engine``."""


class ConfigurationError(DirectoryError):
    """The connection settings are inconsistent or refer to a missing file."""


class ConnectionFailed(DirectoryError):
    """The directory could not be reached (network, TLS handshake, certificate)."""


class AuthenticationFailed(DirectoryError):
    """The directory refused the credentials or the authentication mechanism."""


class UnsupportedMechanism(DirectoryError):
    """The requested authentication mechanism cannot be used in this installation."""


class CollectionError(DirectoryError):
    """A search failed after a successful bind."""


class SnapshotError(DirectoryError):
    """A snapshot file is truncated, malformed or of an unknown format/version.

    ``file`` is the snapshot path, ``line`` the 1-based JSON line at fault (0 when the
    problem is not tied to one line, e.g. a gzip stream cut short).
    """

    def __init__(self, file: Path | str, line: int, message: str) -> None:
        self.file = str(file)
        self.line = line
        self.message = message
        where = f"{self.file}, line {line}" if line else self.file
        super().__init__(f"{where}: {message}")
