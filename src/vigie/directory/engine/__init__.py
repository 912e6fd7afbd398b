"""Active Directory audit engine: collector, snapshot files, ANSSI checkpoint rules, levels.

Pure Python, no Django. Typical use::

    from vigie.directory.engine import ConnectionSettings, collect, load_snapshot, analyse, to_json
    info = collect(ConnectionSettings("dc1.example", security="ldaps", username="audit@example",
                                      password="…"), Path("ad.vigie.jsonl.gz"))
    result = analyse(load_snapshot(info.path))
    result.level, result.findings

Progress is reported through ``on_progress(done, total, message)`` (``total`` may be 0 when unknown).
"""

from __future__ import annotations

from .analysis import analyse, compute_level
from .catalogue import CATALOGUE, NOT_COMPUTABLE
from .collector import ProgressCallback, collect
from .errors import (
    AuthenticationFailed,
    CollectionError,
    ConfigurationError,
    ConnectionFailed,
    DirectoryError,
    SnapshotError,
    UnsupportedMechanism,
)
from .model import DirectoryObject, Snapshot, SnapshotInfo
from .report import render_html, to_json
from .results import AffectedObject, AuditResult, Finding, RuleInfo
from .settings import ConnectionSettings
from .snapshot import load_snapshot, read_info, write_snapshot

__all__ = [
    "CATALOGUE",
    "NOT_COMPUTABLE",
    "AffectedObject",
    "AuditResult",
    "AuthenticationFailed",
    "CollectionError",
    "ConfigurationError",
    "ConnectionFailed",
    "ConnectionSettings",
    "DirectoryError",
    "DirectoryObject",
    "Finding",
    "ProgressCallback",
    "RuleInfo",
    "Snapshot",
    "SnapshotError",
    "SnapshotInfo",
    "UnsupportedMechanism",
    "analyse",
    "collect",
    "compute_level",
    "load_snapshot",
    "read_info",
    "render_html",
    "to_json",
    "write_snapshot",
]
