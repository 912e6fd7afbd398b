"""Rule families; importing this package registers every rule in ``CATALOGUE``."""

from __future__ import annotations

from . import accounts, acl, computers, delegation, domain, kerberos, privileged, trusts

__all__ = ["accounts", "acl", "computers", "delegation", "domain", "kerberos", "privileged", "trusts"]
