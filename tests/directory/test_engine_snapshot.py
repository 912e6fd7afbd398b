"""Snapshot files: round trip, and clear errors (file and line) on damaged files."""

from __future__ import annotations

import gzip
import json
from datetime import datetime, timezone

import pytest

from vigie.directory.engine import (
    DirectoryObject,
    Snapshot,
    SnapshotError,
    SnapshotInfo,
    analyse,
    load_snapshot,
    read_info,
    to_json,
    write_snapshot,
)
from vigie.directory.engine.sd import Ace, SecurityDescriptor

from .builders import build


def test_round_trip(tmp_path):
    """Writing then loading gives the same objects, security descriptors and analysis."""
    snap = build()
    path = tmp_path / "s.jsonl.gz"
    info = write_snapshot(snap, path)
    assert info.path == path and read_info(path).domain == "example.local"
    again = load_snapshot(path)
    assert again.objects == snap.objects
    assert again.info.domain_sid == snap.info.domain_sid
    now = datetime(2026, 6, 1, tzinfo=timezone.utc)
    assert to_json(analyse(again, now=now)) == to_json(analyse(snap, now=now))


def _lines(path):
    with gzip.open(path, "rb") as f:
        return f.read().splitlines(keepends=True)


def _write(path, lines):
    with gzip.open(path, "wb") as f:
        f.writelines(lines)


def test_truncated_compressed_stream(tmp_path):
    """A gzip stream cut in the middle gives SnapshotError naming the file."""
    path = tmp_path / "s.jsonl.gz"
    write_snapshot(build(), path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(SnapshotError) as e:
        load_snapshot(path)
    assert e.value.file == str(path) and "truncated" in str(e.value)


def test_missing_trailer_is_truncation(tmp_path):
    """A file cut at a line boundary (no end line) is reported as truncated, with the line."""
    path = tmp_path / "s.jsonl.gz"
    write_snapshot(build(), path)
    lines = _lines(path)
    _write(path, lines[:5])
    with pytest.raises(SnapshotError) as e:
        load_snapshot(path)
    assert e.value.line == 6 and "end-of-snapshot line missing" in e.value.message


def test_malformed_line(tmp_path):
    """Broken JSON on line 3 is reported as line 3."""
    path = tmp_path / "s.jsonl.gz"
    write_snapshot(build(), path)
    lines = _lines(path)
    lines[2] = b'{"dn": "CN=x", "nc": \n'
    _write(path, lines)
    with pytest.raises(SnapshotError) as e:
        load_snapshot(path)
    assert e.value.line == 3 and str(path) in str(e.value)


def test_invalid_record(tmp_path):
    """A JSON object without the expected fields is reported with its line."""
    path = tmp_path / "s.jsonl.gz"
    write_snapshot(build(), path)
    lines = _lines(path)
    lines[3] = b'{"dn": "CN=x"}\n'
    _write(path, lines)
    with pytest.raises(SnapshotError) as e:
        load_snapshot(path)
    assert e.value.line == 4 and "invalid object record" in e.value.message


def test_wrong_format_and_version(tmp_path):
    """Another file format or a newer version is refused on line 1."""
    path = tmp_path / "s.jsonl.gz"
    _write(path, [json.dumps({"format": "other"}).encode() + b"\n"])
    with pytest.raises(SnapshotError, match="not a Vigie AD snapshot") as e:
        load_snapshot(path)
    assert e.value.line == 1
    _write(path, [json.dumps({"format": "vigie-ad-snapshot", "version": 99}).encode() + b"\n"])
    with pytest.raises(SnapshotError, match="unsupported snapshot version"):
        load_snapshot(path)


def test_not_gzip(tmp_path):
    """A plain text file is not mistaken for a snapshot."""
    path = tmp_path / "s.jsonl.gz"
    path.write_text("hello\n")
    with pytest.raises(SnapshotError):
        load_snapshot(path)


def test_security_descriptor_json_round_trip():
    sd = SecurityDescriptor("S-1-5-18", None, (Ace(5, 0, 0x100, "S-1-5-11", "1131f6aa-9c07-11d1-f79f-00c04fc2dcd2"),))
    assert SecurityDescriptor.from_json(json.loads(json.dumps(sd.to_json()))) == sd


def test_standalone_sd_record_becomes_object(tmp_path):
    """A security-descriptor record for a container not collected otherwise (AdminSDHolder) is kept."""
    info = SnapshotInfo(None, "vigie-ad-snapshot", 1, datetime(2026, 1, 1, tzinfo=timezone.utc), "x.local",
                        "DC=x,DC=local", "S-1-5-21-1-2-3", "dc")
    sd = SecurityDescriptor("S-1-5-32-544", None, ())
    snap = Snapshot(info, (DirectoryObject("CN=AdminSDHolder,CN=System,DC=x,DC=local", "sd",
                                           {"cn": ("AdminSDHolder",)}, sd),))
    write_snapshot(snap, tmp_path / "s.gz")
    loaded = load_snapshot(tmp_path / "s.gz")
    assert loaded.objects[0].sd == sd and loaded.objects[0].nc == "domain"
