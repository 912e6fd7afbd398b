"""CPE 2.3 names: building one for an identified product, parsing one, and comparing versions.

`make_cpe` is what the probes call once they know a product and its version (their table of products is
probes/products.py); `parse_cpe`,
`compare_versions` and `version_in_range` are what the knowledge base uses to match a service's CPE
against the vulnerable ranges of a feed (NVD `cpeMatch` entries).

Versions are compared token by token, numbers as numbers, so 2.4.58 > 2.4.6 and 9.2p1 < 9.3.
Separators (".", "-", "_", "(", ")", "+", ":") only split. A letter token after a number is a
suffix that ranks above the bare number (OpenSSH 9.2p1 > 9.2, PAN-OS 10.2.9-h1 > 10.2.9,
Ivanti 22.7R2.5 > 22.7) except the pre-release markers (alpha, beta, rc, pre, dev), which rank below
(1.0rc1 < 1.0). Trailing zero components are ignored (2.4 == 2.4.0). The spelled-out markers NVD puts in
CPE update fields read as the vendors' short ones ("update1c" as "U1c" for VMware, "patch31" as "p31"
for Zimbra), so a range written either way judges a CPE written either way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_FIELDS = ("part", "vendor", "product", "version", "update", "edition", "language",
           "sw_edition", "target_sw", "target_hw", "other")
_PRERELEASE = frozenset({"alpha", "a", "beta", "b", "rc", "pre", "preview", "dev", "snapshot"})
_TOKEN = re.compile(r"\d+|[a-z]+")
_SPELLED_OUT = {"update": "u", "patch": "p"}


def _escape(value: str) -> str:
    value = value.strip().lower().replace(" ", "_")
    return re.sub(r"([^a-z0-9_.\-~])", r"\\\1", value) if value else "*"


def make_cpe(vendor: str, product: str, version: str) -> str:
    """A CPE 2.3 application name, e.g. make_cpe("openbsd", "openssh", "9.2p1")."""
    return f"cpe:2.3:a:{_escape(vendor)}:{_escape(product)}:{_escape(version)}:*:*:*:*:*:*:*"


@dataclass(frozen=True, slots=True)
class Cpe:
    part: str
    vendor: str
    product: str
    version: str  # "*" any, "-" not applicable
    update: str = "*"

    @property
    def full_version(self) -> str:
        """The version with its update joined when the update is a real value ("9.2" + "p1")."""
        if self.update in ("*", "-", ""):
            return self.version
        return f"{self.version}{self.update}"


def parse_cpe(name: str) -> Cpe:
    """Parse a CPE 2.3 formatted string; ValueError when it is not one."""
    if not name.startswith("cpe:2.3:"):
        raise ValueError(f"not a CPE 2.3 name: {name!r}")
    fields: list[str] = []
    current: list[str] = []
    escaped = False
    for char in name[len("cpe:2.3:"):]:
        if escaped:
            current.append(char)
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == ":":
            fields.append("".join(current))
            current = []
        else:
            current.append(char)
    fields.append("".join(current))
    if len(fields) != len(_FIELDS) or fields[0] not in ("a", "o", "h"):
        raise ValueError(f"not a CPE 2.3 name (expected 13 components, part a/o/h): {name!r}")
    return Cpe(part=fields[0], vendor=fields[1].lower(), product=fields[2].lower(),
               version=fields[3].lower() or "*", update=fields[4].lower() or "*")


def _tokens(version: str) -> list[tuple[int, int, str]]:
    out: list[tuple[int, int, str]] = []
    for token in _TOKEN.findall(version.lower()):
        if token.isdigit():
            out.append((3, int(token), ""))
        elif token in _PRERELEASE:
            out.append((0, 0, token))
        else:
            out.append((2, 0, _SPELLED_OUT.get(token, token)))
    return out


_END = (1, 0, "")
_ZERO = (3, 0, "")


def _pad(other: tuple[int, int, str]) -> tuple[int, int, str]:
    """What a shorter version has where the longer one goes on: 0 against a number (2.4 == 2.4.0), else
    its end (1.0 > 1.0rc1, 9.2 < 9.2p1)."""
    return _ZERO if other[0] == 3 else _END


def compare_versions(left: str, right: str) -> int:
    """-1, 0 or 1 as `left` is older than, the same as, or newer than `right`."""
    a, b = _tokens(left), _tokens(right)
    for index in range(max(len(a), len(b))):
        x = a[index] if index < len(a) else _pad(b[index])
        y = b[index] if index < len(b) else _pad(a[index])
        if x != y:
            return -1 if x < y else 1
    return 0


def version_in_range(version: str, *, exact: str = "", start_including: str = "", start_excluding: str = "",
                     end_including: str = "", end_excluding: str = "") -> bool:
    """Whether `version` lies in a range given as NVD states it (bounds left empty are open).

    `exact` is the criteria's own version when it names one (not "*" or "-"): then only that version matches."""
    if not version or version in ("*", "-"):
        return False
    if exact and exact not in ("*", "-"):
        return compare_versions(version, exact) == 0
    if start_including and compare_versions(version, start_including) < 0:
        return False
    if start_excluding and compare_versions(version, start_excluding) <= 0:
        return False
    if end_including and compare_versions(version, end_including) > 0:
        return False
    if end_excluding and compare_versions(version, end_excluding) >= 0:
        return False
    return True
