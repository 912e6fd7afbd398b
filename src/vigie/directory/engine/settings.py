"""Connection settings of one directory (plain data, no I/O)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from .errors import ConfigurationError

__all__ = ["Auth", "ConnectionSettings", "Security"]

Security = Literal["ldaps", "starttls", "plain-signed"]
Auth = Literal["simple", "ntlm", "kerberos"]

_SECURITY = ("ldaps", "starttls", "plain-signed")
_AUTH = ("simple", "ntlm", "kerberos")


@dataclass(frozen=True, slots=True)
class ConnectionSettings:
    """How to reach and bind to a domain controller.

    ``port`` 0 means the default for ``security`` (636 for LDAPS, 389 otherwise).
    ``username`` may be ``user@realm``, ``DOMAIN\\user`` or a DN for simple binds.
    ``verify_tls=False`` accepts any certificate (tests, first contact); ``ca_file``
    pins the CA bundle otherwise. Timeouts are in seconds; ``page_size`` is the LDAP
    paging size. ``kerberos_host`` is the DC host name of the ``ldap/<host>`` service principal when
    ``server`` is an address; the KDC is found through the system's Kerberos configuration
    (``KRB5_CONFIG``). With Kerberos and a password, a ticket is obtained in memory; without a
    password, the caller's ticket cache (kinit) is used.
    """

    server: str
    port: int = 0
    security: Security = "ldaps"
    auth: Auth = "simple"
    username: str = ""
    password: str = ""
    base_dn: str | None = None
    ca_file: Path | None = None
    verify_tls: bool = True
    connect_timeout: float = 10.0
    receive_timeout: float = 120.0
    page_size: int = 1000
    kerberos_host: str | None = None

    def __post_init__(self) -> None:
        if self.security not in _SECURITY:
            raise ConfigurationError(f"unknown security mode {self.security!r}; expected one of {_SECURITY}")
        if self.auth not in _AUTH:
            raise ConfigurationError(f"unknown authentication {self.auth!r}; expected one of {_AUTH}")
        if not self.server:
            raise ConfigurationError("server is required")
        if self.ca_file is not None and not Path(self.ca_file).is_file():
            raise ConfigurationError(f"CA file not found: {self.ca_file}")
        if not 0 <= self.port <= 65535:
            raise ConfigurationError(f"invalid port {self.port}")

    @property
    def effective_port(self) -> int:
        return self.port or (636 if self.security == "ldaps" else 389)

    def __repr__(self) -> str:  # never print the password
        return (f"ConnectionSettings(server={self.server!r}, port={self.effective_port}, security={self.security!r}, "
                f"auth={self.auth!r}, username={self.username!r}, base_dn={self.base_dn!r})")
