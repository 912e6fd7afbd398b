"""CPE 2.3 names for identified products (the probes' table of products is probes/products.py)."""

from __future__ import annotations

import re


def _escape(value: str) -> str:
    value = value.strip().lower().replace(" ", "_")
    return re.sub(r"([^a-z0-9_.\-~])", r"\\\1", value) if value else "*"


def make_cpe(vendor: str, product: str, version: str) -> str:
    """A CPE 2.3 application name, e.g. make_cpe("openbsd", "openssh", "9.2p1")."""
    return f"cpe:2.3:a:{_escape(vendor)}:{_escape(product)}:{_escape(version)}:*:*:*:*:*:*:*"
