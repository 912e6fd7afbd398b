"""Snapshot files: gzip'd JSON Lines, documented in docs/directory-snapshot.md.

Line 1 is the header, then one line per directory object, then a trailer line
``{"end": true, "objects": N}``. A file without its trailer is truncated. The file is written as
three concatenated gzip members (header, body streamed during collection, trailer), which any
gzip reader sees as one stream.
"""

from __future__ import annotations

import gzip
import json
import shutil
import zlib
from collections.abc import Iterator, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from .errors import SnapshotError
from .model import DirectoryObject, Snapshot, SnapshotInfo
from .sd import SecurityDescriptor

__all__ = ["FORMAT", "VERSION", "BodyWriter", "load_snapshot", "read_info", "write_snapshot"]

FORMAT = "vigie-ad-snapshot"
VERSION = 1


def object_to_json(o: DirectoryObject) -> dict[str, Any]:
    d: dict[str, Any] = {"dn": o.dn, "nc": o.nc, "a": {k: list(v) for k, v in o.attrs.items()}}
    if o.sd is not None:
        d["sd"] = o.sd.to_json()
    return d


class BodyWriter:
    """Streams object lines into a temporary gzip member; counts what it writes."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.count = 0
        self._gz: gzip.GzipFile = gzip.GzipFile(path, "wb", compresslevel=5)

    def write(self, o: DirectoryObject) -> None:
        self._gz.write(json.dumps(object_to_json(o), separators=(",", ":"), ensure_ascii=False).encode() + b"\n")
        self.count += 1

    def close(self) -> None:
        if not self._gz.closed:
            self._gz.close()


def _header(info: SnapshotInfo) -> dict[str, Any]:
    return {"format": FORMAT, "version": VERSION, "collected_at": info.collected_at.isoformat(),
            "domain": info.domain, "domain_dn": info.domain_dn, "domain_sid": info.domain_sid,
            "server": info.server, "counts": dict(info.counts)}


def assemble(path: Path, info: SnapshotInfo, body: BodyWriter) -> None:
    """Write header + streamed body + trailer into ``path`` (atomically via a .part file)."""
    part = path.with_name(path.name + ".part")
    with open(part, "wb") as out:
        out.write(gzip.compress(json.dumps(_header(info)).encode() + b"\n"))
        with open(body.path, "rb") as src:
            shutil.copyfileobj(src, out, 1 << 20)
        out.write(gzip.compress(json.dumps({"end": True, "objects": body.count}).encode() + b"\n"))
    part.replace(path)


def write_snapshot(snapshot: Snapshot, path: Path) -> SnapshotInfo:
    """Write an in-memory snapshot (tests, conversions)."""
    path = Path(path)
    body = BodyWriter(path.with_name(path.name + ".body"))
    try:
        for o in snapshot.objects:
            body.write(o)
        body.close()
        assemble(path, snapshot.info, body)
    finally:
        body.path.unlink(missing_ok=True)
    return SnapshotInfo(path, FORMAT, VERSION, snapshot.info.collected_at, snapshot.info.domain,
                        snapshot.info.domain_dn, snapshot.info.domain_sid, snapshot.info.server,
                        snapshot.info.counts)


def _lines(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    lineno = 0
    try:
        with gzip.open(path, "rb") as f:
            for lineno, raw in enumerate(f, start=1):  # noqa: B007
                if not raw.endswith(b"\n"):
                    raise SnapshotError(path, lineno, "truncated line (no end of line)")
                try:
                    value = json.loads(raw)
                except ValueError as exc:
                    raise SnapshotError(path, lineno, f"not valid JSON: {exc}") from None
                if not isinstance(value, dict):
                    raise SnapshotError(path, lineno, "expected a JSON object")
                yield lineno, value
    except (EOFError, zlib.error, gzip.BadGzipFile) as exc:
        raise SnapshotError(path, lineno + 1, f"compressed stream is truncated or corrupt ({exc})") from None
    except OSError as exc:
        raise SnapshotError(path, lineno, f"cannot read snapshot: {exc}") from None


def _info(path: Path, h: Mapping[str, Any]) -> SnapshotInfo:
    if h.get("format") != FORMAT:
        raise SnapshotError(path, 1, f"not a Vigie AD snapshot (format {h.get('format')!r})")
    if h.get("version") != VERSION:
        raise SnapshotError(path, 1, f"unsupported snapshot version {h.get('version')!r} (this Vigie reads {VERSION})")
    try:
        return SnapshotInfo(path, FORMAT, VERSION, datetime.fromisoformat(h["collected_at"]), str(h["domain"]),
                            str(h["domain_dn"]), str(h["domain_sid"]), str(h.get("server", "")),
                            {str(k): int(v) for k, v in dict(h.get("counts") or {}).items()})
    except (KeyError, TypeError, ValueError) as exc:
        raise SnapshotError(path, 1, f"invalid header: {exc!r}") from None


def read_info(path: Path | str) -> SnapshotInfo:
    """Read only the header."""
    path = Path(path)
    for _n, h in _lines(path):
        return _info(path, h)
    raise SnapshotError(path, 1, "empty snapshot")


def _object(path: Path, n: int, d: Mapping[str, Any]) -> DirectoryObject:
    try:
        attrs = d["a"]
        if not isinstance(attrs, dict):
            raise TypeError("attributes must be an object")
        sd = d.get("sd")
        return DirectoryObject(str(d["dn"]), str(d["nc"]),
                               {str(k): tuple(str(x) for x in v) for k, v in attrs.items()},
                               SecurityDescriptor.from_json(sd) if sd is not None else None)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise SnapshotError(path, n, f"invalid object record: {exc!r}") from None


def load_snapshot(path: Path | str) -> Snapshot:
    """Load a snapshot file; raises :class:`SnapshotError` with file and line on any defect."""
    path = Path(path)
    info: SnapshotInfo | None = None
    objects: list[DirectoryObject] = []
    sds: dict[str, DirectoryObject] = {}
    ended = False
    last = 0
    for n, d in _lines(path):
        last = n
        if info is None:
            info = _info(path, d)
        elif ended:
            raise SnapshotError(path, n, "data after the end-of-snapshot line")
        elif d.get("end") is True:
            if d.get("objects") != len(objects) + len(sds):
                raise SnapshotError(path, n, f"trailer announces {d.get('objects')} records, "
                                             f"file holds {len(objects) + len(sds)}")
            ended = True
        elif d.get("nc") == "sd":
            sds[str(d.get("dn", "")).lower()] = _object(path, n, d)
        else:
            objects.append(_object(path, n, d))
    if info is None:
        raise SnapshotError(path, 1, "empty snapshot")
    if not ended:
        raise SnapshotError(path, last + 1, "truncated: end-of-snapshot line missing")
    if sds:  # security descriptor records: attach to their object, or stand alone (containers)
        merged = []
        for o in objects:
            rec = sds.pop(o.dn.lower(), None)
            merged.append(o if rec is None else DirectoryObject(o.dn, o.nc, o.attrs, rec.sd))
        merged.extend(DirectoryObject(r.dn, "domain", r.attrs, r.sd) for r in sds.values())
        objects = merged
    return Snapshot(info, tuple(objects))
