"""MANIFEST.sha256: the hash of every file of a kit, in the format ``sha256sum -c`` reads.

One line per file, ``<64 hex digits><two spaces><relative path>``, sorted by path, POSIX separators. The
manifest does not list itself (it cannot hold its own hash): its hash is returned by ``build_kit`` for
the app to show beside the download, so a reader can check the manifest too.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path, PurePosixPath

from .errors import KitError, ManifestError
from .model import KitFile, KitVerification

__all__ = ["MANIFEST", "read_manifest", "verify_kit", "write_manifest"]

MANIFEST = "MANIFEST.sha256"
_LINE = re.compile(r"^(?P<hash>[0-9a-fA-F]{64}) [ *](?P<path>.+)$")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()


def _files(directory: Path) -> list[str]:
    """Every file below ``directory`` (relative POSIX paths, sorted), the manifest excepted."""
    found = []
    for path in directory.rglob("*"):
        if path.is_file() or path.is_symlink():
            relative = path.relative_to(directory).as_posix()
            if relative != MANIFEST:
                found.append(relative)
    return sorted(found)


def write_manifest(directory: Path) -> tuple[KitFile, ...]:
    """Hash every file of ``directory`` and write MANIFEST.sha256; returns the entries written."""
    entries = tuple(KitFile(path, _sha256(directory / path), (directory / path).stat().st_size)
                    for path in _files(directory))
    (directory / MANIFEST).write_text("".join(f"{e.sha256}  {e.path}\n" for e in entries), encoding="utf-8",
                                      newline="\n")
    return entries


def read_manifest(directory: Path) -> tuple[KitFile, ...]:
    """The entries of ``directory``/MANIFEST.sha256 (size 0: the manifest does not hold sizes)."""
    manifest = Path(directory) / MANIFEST
    try:
        text = manifest.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ManifestError(manifest, 0, "the kit has no MANIFEST.sha256") from None
    except UnicodeDecodeError:
        raise ManifestError(manifest, 0, "not a text file (expected UTF-8 sha256sum lines)") from None
    entries: list[KitFile] = []
    seen: set[str] = set()
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        match = _LINE.match(line)
        if match is None:
            raise ManifestError(manifest, number, "expected '<64 hexadecimal digits>  <file>' as sha256sum writes it")
        path = match["path"]
        pure = PurePosixPath(path)
        if pure.is_absolute() or ".." in pure.parts or "\\" in path:
            raise ManifestError(manifest, number, f"{path!r} is not a relative path inside the kit")
        if path in seen:
            raise ManifestError(manifest, number, f"{path!r} is listed twice")
        seen.add(path)
        entries.append(KitFile(path, match["hash"].lower(), 0))
    return tuple(entries)


def verify_kit(directory: Path) -> KitVerification:
    """Compare the files of ``directory`` with its manifest: altered, missing and extra files."""
    directory = Path(directory)
    if not directory.is_dir():
        raise KitError(directory, "is not a folder")
    entries = read_manifest(directory)
    altered, missing, checked = [], [], 0
    for entry in entries:
        path = directory / entry.path
        if not path.is_file():
            missing.append(entry.path)
        elif _sha256(path) != entry.sha256:
            altered.append(entry.path)
        else:
            checked += 1
    listed = {e.path for e in entries}
    extra = [path for path in _files(directory) if path not in listed]
    return KitVerification(altered=tuple(altered), missing=tuple(missing), extra=tuple(extra), checked=checked)
