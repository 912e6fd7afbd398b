"""Fixtures for the directory tests: one real Samba AD DC per session, and one collection from it.

Without samba (and no way to install it) the tests that need the DC skip locally and fail in CI
(VIGIE_TEST_REQUIRE_SERVICES=1), like ``require_service``.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from tests.testbeds.samba_ad import SambaDC, install_samba, samba_dc as _samba_dc


def _missing(message: str) -> None:
    if os.environ.get("VIGIE_TEST_REQUIRE_SERVICES") == "1":
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="session")
def samba():
    """A running, seeded Samba AD DC on 127.0.0.1 (see tests/testbeds/samba_ad.py)."""
    if not install_samba():
        _missing("Samba AD DC is not installed and cannot be installed here; scripts/test installs it")
    workdir = Path(tempfile.mkdtemp(prefix="vigie-samba-"))
    try:
        with _samba_dc(workdir) as dc:
            yield dc
    except RuntimeError as exc:
        _missing(f"Samba AD DC could not start: {exc}")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


@pytest.fixture
def krb5(samba: SambaDC, monkeypatch, tmp_path):
    """The test bed's krb5.conf (KDC on 127.0.0.1, no DNS) and a ticket cache of this test only.

    gssapi is a test dependency (scripts/test installs the krb5 headers it builds against): missing, the
    Kerberos tests skip locally and fail in CI.
    """
    try:
        import gssapi  # noqa: F401
    except ImportError as exc:
        _missing(f"the gssapi package is missing ({exc}); scripts/test installs it with libkrb5-dev")
    monkeypatch.setenv("KRB5_CONFIG", str(samba.krb5_conf))
    monkeypatch.setenv("KRB5CCNAME", f"FILE:{tmp_path}/ccache")
    return samba


@pytest.fixture(scope="session")
def reader_settings(samba: SambaDC):
    from vigie.directory.engine import ConnectionSettings

    return ConnectionSettings(samba.address, port=samba.ldaps_port, security="ldaps",
                              username=samba.reader_user, password=samba.reader_password, verify_tls=False)


@pytest.fixture(scope="session")
def collected(samba: SambaDC, reader_settings, tmp_path_factory):
    """(SnapshotInfo, AuditResult, progress calls) of one collection by the unprivileged 'auditor'."""
    from vigie.directory.engine import analyse, collect, load_snapshot

    calls: list[tuple[int, int, str]] = []
    path = tmp_path_factory.mktemp("ad") / "test.vigie-ad.jsonl.gz"
    info = collect(reader_settings, path, on_progress=lambda d, t, m: calls.append((d, t, m)))
    return info, analyse(load_snapshot(path)), calls
