"""Kerberos and NTLM binds against the real Samba DC (its own KDC on loopback), sealed on plain LDAP.

Samba 4.17 wants SASL binds on plain LDAP to sign or seal and refuses both inside TLS (engine/sasl.py
says what it answers); these tests pin both behaviours, and check on the wire that the session is sealed.
"""

from __future__ import annotations

import dataclasses
import sys

import pytest

from vigie.directory.engine import AuthenticationFailed, UnsupportedMechanism, collect, load_snapshot
from vigie.directory.engine.collector import open_connection
from vigie.directory.engine.sasl import SaslSocket


@pytest.fixture
def kerberos_settings(krb5, reader_settings):
    return dataclasses.replace(reader_settings, security="plain-signed", port=krb5.ldap_port, auth="kerberos",
                               username="auditor@TEST.LOCAL", kerberos_host=krb5.kerberos_host)


@pytest.fixture
def ntlm_settings(samba, reader_settings):
    return dataclasses.replace(reader_settings, security="plain-signed", port=samba.ldap_port, auth="ntlm",
                               username="TEST\\auditor")


class Tap:
    """Records what the sealed socket reads from the real one."""

    def __init__(self, sock):
        self.sock, self.seen = sock, bytearray()

    def recv(self, n, flags=0):
        data = self.sock.recv(n)
        self.seen += data
        return data

    def __getattr__(self, name):
        return getattr(self.sock, name)


def _search_tapped(settings) -> tuple[list, bytes]:
    import ldap3

    conn = open_connection(settings)
    try:
        assert isinstance(conn.socket, SaslSocket)
        tap = Tap(conn.socket._sock)
        conn.socket._sock = tap
        conn.search("DC=test,DC=local", "(sAMAccountName=privasrep)", ldap3.SUBTREE,
                    attributes=["sAMAccountName", "description"])
        return [e for e in conn.response if e.get("type") == "searchResEntry"], bytes(tap.seen)
    finally:
        conn.unbind()


def test_kerberos_collects_sealed(kerberos_settings, tmp_path):
    """A ticket from the password, a sealed session, the whole collection."""
    entries, wire = _search_tapped(kerberos_settings)
    assert [e["raw_attributes"]["sAMAccountName"] for e in entries] == [[b"privasrep"]]
    assert wire and b"privasrep" not in wire and b"CN=Users" not in wire  # encrypted on the wire
    info = collect(kerberos_settings, tmp_path / "k.gz")
    assert info.counts["users"] >= 15 and info.counts["security_descriptors"] >= 10
    assert any(o.dn.startswith("CN=admin2,") for o in load_snapshot(info.path).objects)


def test_kerberos_from_ticket_cache(kerberos_settings, krb5, tmp_path):
    """Without a password the caller's ticket cache is used (what kinit leaves)."""
    import gssapi
    import gssapi.raw

    name = gssapi.Name("auditor@TEST.LOCAL", gssapi.NameType.user)
    creds = gssapi.raw.acquire_cred_with_password(name, krb5.reader_password.encode(), usage="initiate").creds
    gssapi.Credentials(base=creds).store(store={b"ccache": f"FILE:{tmp_path}/ccache".encode()}, overwrite=True,
                                         set_default=True)
    info = collect(dataclasses.replace(kerberos_settings, password=""), tmp_path / "c.gz")
    assert info.counts["users"] >= 15


def test_kerberos_without_ticket(kerberos_settings, tmp_path):
    """No password and an empty ticket cache: a clear AuthenticationFailed, no snapshot."""
    with pytest.raises(AuthenticationFailed, match="Kerberos"):
        collect(dataclasses.replace(kerberos_settings, password=""), tmp_path / "n.gz")
    assert not (tmp_path / "n.gz").exists()


def test_kerberos_wrong_password(kerberos_settings, tmp_path):
    with pytest.raises(AuthenticationFailed, match="cannot obtain a ticket for auditor@TEST.LOCAL"):
        collect(dataclasses.replace(kerberos_settings, password="wrong"), tmp_path / "s.gz")


def test_kerberos_unknown_service(kerberos_settings, tmp_path):
    """A host name with no ldap/ principal: the KDC's answer, as an engine error."""
    with pytest.raises(AuthenticationFailed, match="not found in Kerberos database"):
        collect(dataclasses.replace(kerberos_settings, kerberos_host="nodc.test.local"), tmp_path / "s.gz")


def test_kerberos_inside_tls_refused_by_samba(kerberos_settings, krb5, tmp_path):
    """Inside TLS the bind asks for no security layer (Windows DCs accept it); Samba 4.17 does not."""
    s = dataclasses.replace(kerberos_settings, security="ldaps", port=krb5.ldaps_port)
    with pytest.raises(AuthenticationFailed, match="Sign or Seal are required"):
        collect(s, tmp_path / "s.gz")


def test_ntlm_collects_sealed(ntlm_settings, tmp_path):
    entries, wire = _search_tapped(ntlm_settings)
    assert [e["raw_attributes"]["sAMAccountName"] for e in entries] == [[b"privasrep"]]
    assert wire and b"privasrep" not in wire
    for user in ("TEST\\auditor", "auditor@test.local"):
        info = collect(dataclasses.replace(ntlm_settings, username=user), tmp_path / "n.gz")
        assert info.counts["users"] >= 15


def test_ntlm_wrong_password(ntlm_settings, tmp_path):
    with pytest.raises(AuthenticationFailed, match="invalidCredentials"):
        collect(dataclasses.replace(ntlm_settings, password="wrong"), tmp_path / "s.gz")
    assert not (tmp_path / "s.gz").exists()


def test_ntlm_inside_tls_refused_by_samba(ntlm_settings, samba, tmp_path):
    """Samba refuses NTLM signing inside TLS, and an unsigned NTLM bind with an invalid-parameter error."""
    s = dataclasses.replace(ntlm_settings, security="ldaps", port=samba.ldaps_port)
    with pytest.raises(AuthenticationFailed, match="NTLM bind refused"):
        collect(s, tmp_path / "s.gz")


def test_simple_bind_needs_tls(reader_settings, samba, tmp_path):
    with pytest.raises(UnsupportedMechanism, match="needs NTLM or Kerberos"):
        collect(dataclasses.replace(reader_settings, security="plain-signed", port=samba.ldap_port),
                tmp_path / "s.gz")


def test_kerberos_without_gssapi_is_unsupported(kerberos_settings, monkeypatch, tmp_path):
    """Without the optional gssapi package the error says what to install."""
    monkeypatch.setitem(sys.modules, "gssapi", None)
    monkeypatch.setitem(sys.modules, "gssapi.raw", None)
    with pytest.raises(UnsupportedMechanism, match="gssapi"):
        collect(kerberos_settings, tmp_path / "s.gz")
