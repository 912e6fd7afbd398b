"""Collection from the real Samba AD DC: read-only account, LDAPS and StartTLS, security descriptors,
progress, and clear errors."""

from __future__ import annotations

import dataclasses
import socket

import pytest

from vigie.directory.engine import (
    AuthenticationFailed,
    ConfigurationError,
    ConnectionFailed,
    ConnectionSettings,
    UnsupportedMechanism,
    collect,
    load_snapshot,
    read_info,
)


def test_collect_as_unprivileged_reader(collected):
    """A plain domain user collects everything the rules need, security descriptors included."""
    info, _result, calls = collected
    assert info.domain == "test.local" and info.domain_sid.startswith("S-1-5-21-")
    assert info.counts["users"] >= 15 and info.counts["computers"] == 4 and info.counts["schema"] == 1
    assert info.counts["security_descriptors"] >= 10
    snap = load_snapshot(info.path)
    root = next(o for o in snap.objects if o.dn == "DC=test,DC=local")
    assert root.sd is not None and root.sd.owner and len(root.sd.dacl) > 10
    assert read_info(info.path).counts == info.counts
    assert calls[0] == (0, 0, "connected") and calls[-1][0] == calls[-1][1]


def test_starttls(samba, reader_settings, tmp_path):
    """StartTLS on the plain LDAP port works too."""
    s = dataclasses.replace(reader_settings, security="starttls", port=samba.ldap_port)
    info = collect(s, tmp_path / "s.gz")
    assert info.counts["users"] >= 15


def test_wrong_password(reader_settings, tmp_path):
    with pytest.raises(AuthenticationFailed, match="bind refused"):
        collect(dataclasses.replace(reader_settings, password="wrong"), tmp_path / "s.gz")
    assert not (tmp_path / "s.gz").exists()


def test_certificate_checked_by_default(reader_settings, tmp_path):
    """The testbed's self-signed certificate is refused unless verification is turned off."""
    with pytest.raises(ConnectionFailed):
        collect(dataclasses.replace(reader_settings, verify_tls=True), tmp_path / "s.gz")


def test_connection_refused(tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(ConnectionFailed):
        collect(ConnectionSettings("127.0.0.1", port=port, username="x", password="y", verify_tls=False,
                                   connect_timeout=2), tmp_path / "s.gz")


def test_settings_validation(tmp_path):
    with pytest.raises(ConfigurationError):
        ConnectionSettings("dc", security="plain")  # type: ignore[arg-type]
    with pytest.raises(ConfigurationError):
        ConnectionSettings("dc", ca_file=tmp_path / "missing.pem")
    assert "secret" not in repr(ConnectionSettings("dc", password="secret"))
    with pytest.raises(UnsupportedMechanism):
        collect(ConnectionSettings("127.0.0.1", port=1, security="plain-signed", verify_tls=False),
                tmp_path / "s.gz")
