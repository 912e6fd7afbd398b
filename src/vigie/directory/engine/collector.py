"""LDAP collector (ldap3): binds read-only, streams the directory into a snapshot file.

The connection is the seam: :func:`collect` opens it through :func:`open_connection`, and
:func:`collect_from` works on any object with ldap3's ``search``/``extend`` interface, so unit tests
can pass a fake.
"""

from __future__ import annotations

import ssl
import tempfile
import uuid
from collections.abc import Callable, Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Protocol

from . import sasl
from .errors import (AuthenticationFailed, CollectionError, ConnectionFailed, DirectoryError,
                     UnsupportedMechanism)
from .model import PRIVILEGED_BUILTIN, PRIVILEGED_RIDS, UAC, DirectoryObject, SnapshotInfo
from .sd import parse_sd, parse_sid
from .settings import ConnectionSettings
from .snapshot import FORMAT, VERSION, BodyWriter, assemble

__all__ = ["ACCOUNT_ATTRIBUTES", "LdapConnection", "ProgressCallback", "collect", "collect_from",
           "open_connection"]

ProgressCallback = Callable[[int, int, str], None]

ACCOUNT_ATTRIBUTES = (
    "objectClass", "cn", "sAMAccountName", "objectSid", "objectGUID", "userAccountControl", "pwdLastSet",
    "lastLogonTimestamp", "whenCreated", "servicePrincipalName", "adminCount", "member", "primaryGroupID",
    "msDS-AllowedToDelegateTo", "sIDHistory", "operatingSystem", "dNSHostName", "ms-DS-MachineAccountQuota",
    "msDS-Behavior-Version", "trustAttributes", "trustDirection", "trustType", "trustPartner",
    "msDS-SupportedEncryptionTypes",
)
LAPS_ATTRIBUTES = ("ms-Mcs-AdmPwdExpirationTime", "msLAPS-PasswordExpirationTime")
_SID_ATTRS = {"objectsid", "sidhistory"}
_FILTER = ("(|(objectClass=user)(objectClass=group)(objectClass=trustedDomain)"
           "(objectClass=foreignSecurityPrincipal)(objectClass=domainDNS))")
SD_FLAGS = 0x05  # OWNER + DACL: readable by a non-admin with the SD flags control


class LdapConnection(Protocol):
    """The subset of ``ldap3.Connection`` the collector uses."""

    response: Any
    result: Any
    extend: Any

    def search(self, search_base: str, search_filter: str, search_scope: Any = ..., attributes: Any = ...,
               controls: Any = ..., **kw: Any) -> bool: ...

    def unbind(self) -> bool: ...


def open_connection(settings: ConnectionSettings) -> Any:
    """Open and bind an ldap3 connection; maps failures to engine errors."""
    # heavy import: ldap3 (~0.13 s) loads only when a directory is read
    import ldap3
    from ldap3.core import exceptions as lx

    tls = ldap3.Tls(
        validate=ssl.CERT_REQUIRED if settings.verify_tls else ssl.CERT_NONE,
        ca_certs_file=str(settings.ca_file) if settings.ca_file else None,
        version=ssl.PROTOCOL_TLS_CLIENT,
    )
    server = ldap3.Server(settings.server, port=settings.effective_port, use_ssl=settings.security == "ldaps",
                          tls=tls, get_info=ldap3.NONE, connect_timeout=settings.connect_timeout)
    kw: dict[str, Any] = {"read_only": True, "receive_timeout": max(1, int(settings.receive_timeout)),
                          "raise_exceptions": False, "return_empty_attributes": False}
    if settings.auth == "simple":
        if settings.security == "plain-signed":
            raise UnsupportedMechanism("plain LDAP with signing needs NTLM or Kerberos; use ldaps or starttls")
        kw.update(user=settings.username, password=settings.password, authentication=ldap3.SIMPLE)
    conn = ldap3.Connection(server, **kw)
    try:
        conn.open()
        if settings.security == "starttls" and not conn.start_tls():
            raise ConnectionFailed(f"StartTLS refused by {settings.server}: {conn.result}")
    except lx.LDAPException as exc:
        raise ConnectionFailed(f"cannot connect to {settings.server}:{settings.effective_port}: {exc}") from None
    except (OSError, ssl.SSLError) as exc:
        raise ConnectionFailed(f"cannot connect to {settings.server}:{settings.effective_port}: {exc}") from None
    if settings.auth != "simple":
        # ldap3's own GSSAPI bind has no security layer and its NTLM bind is Microsoft's "Sicily" one,
        # which Samba drops: both go through our SASL driver (engine/sasl.py)
        mechanism, make = (("GSSAPI", sasl.kerberos_context) if settings.auth == "kerberos"
                           else ("NTLM", sasl.ntlm_context))
        try:
            sasl.sasl_bind(conn, mechanism, make, settings.kerberos_host or settings.server, settings.username,
                           settings.password)
        except lx.LDAPException as exc:
            raise AuthenticationFailed(f"{mechanism} bind failed: {exc}") from None
        except DirectoryError:
            _close(conn)
            raise
        return conn
    try:
        ok = conn.bind()
    except lx.LDAPException as exc:
        raise AuthenticationFailed(f"bind failed: {exc}") from None
    if not ok:
        r = conn.result or {}
        raise AuthenticationFailed(f"bind refused: {r.get('description')} {r.get('message', '')}".strip())
    return conn


def _close(conn: Any) -> None:
    try:
        conn.unbind()
    except Exception:  # noqa: BLE001 - closing a dead socket must not hide the real error
        pass


def _decode(name: str, values: list[bytes]) -> tuple[str, ...]:
    if name in _SID_ATTRS:
        return tuple(parse_sid(v)[0] for v in values)
    if name == "objectguid":
        return tuple(str(uuid.UUID(bytes_le=bytes(v))) for v in values)
    return tuple(v.decode("utf-8", "replace") for v in values)


def _entry(dn: str, nc: str, raw: dict[str, list[bytes]]) -> DirectoryObject:
    attrs = {}
    for k, v in raw.items():
        if v:
            lk = k.lower().split(";", 1)[0]
            attrs[lk] = _decode(lk, v)
    return DirectoryObject(dn, nc, attrs)


def _paged(conn: Any, base: str, flt: str, attrs: tuple[str, ...], page: int) -> Iterator[tuple[str, dict[str, Any]]]:
    # heavy import: ldap3, as in open_connection
    import ldap3

    for e in conn.extend.standard.paged_search(base, flt, search_scope=ldap3.SUBTREE, attributes=list(attrs),
                                                paged_size=page, generator=True):
        if e.get("type") == "searchResEntry":
            yield e["dn"], e["raw_attributes"]
    r = conn.result or {}
    if r.get("result", 0) not in (0,):
        raise CollectionError(f"search of {base} failed: {r.get('description')} {r.get('message', '')}")


def _base(conn: Any, dn: str, attrs: list[str], controls: Any = None) -> dict[str, Any] | None:
    # heavy import: ldap3, as in open_connection
    import ldap3

    conn.search(dn, "(objectClass=*)", search_scope=ldap3.BASE, attributes=attrs, controls=controls)
    for e in conn.response or []:
        if e.get("type") == "searchResEntry":
            raw: dict[str, Any] = e["raw_attributes"]
            return raw
    return None


def collect_from(conn: Any, settings: ConnectionSettings, snapshot_path: Path, *,
                 on_progress: ProgressCallback | None = None) -> SnapshotInfo:
    """Collect through an already bound connection."""
    # heavy import: ldap3, as in open_connection
    from ldap3.protocol.microsoft import security_descriptor_control

    progress = on_progress or (lambda done, total, msg: None)
    root = _base(conn, "", ["defaultNamingContext", "configurationNamingContext", "schemaNamingContext",
                            "dnsHostName"])
    if root is None:
        raise CollectionError("the server did not return its rootDSE")
    def first(raw: dict[str, Any], k: str) -> str:
        for key, v in raw.items():
            if key.lower() == k.lower() and v:
                return str(v[0].decode())
        return ""
    domain_dn = settings.base_dn or first(root, "defaultNamingContext")
    config_dn, schema_dn = first(root, "configurationNamingContext"), first(root, "schemaNamingContext")
    if not domain_dn:
        raise CollectionError("no default naming context; give base_dn")
    snapshot_path = Path(snapshot_path)
    snapshot_path.parent.mkdir(parents=True, exist_ok=True)
    tmpdir = tempfile.mkdtemp(prefix="vigie-ad-", dir=snapshot_path.parent)
    body = BodyWriter(Path(tmpdir) / "body.gz")
    counts = {"users": 0, "computers": 0, "groups": 0, "trusts": 0, "configuration": 0, "schema": 0,
              "security_descriptors": 0}
    try:
        # schema: which optional attributes (LAPS) exist
        laps: list[str] = []
        schema_flt = "(|" + "".join(f"(lDAPDisplayName={a})" for a in LAPS_ATTRIBUTES) + ")"
        for dn, raw in _paged(conn, schema_dn, schema_flt, ("lDAPDisplayName", "cn", "attributeID"),
                              settings.page_size):
            o = _entry(dn, "schema", raw)
            body.write(o)
            counts["schema"] += 1
            laps.append(o.get("ldapdisplayname") or "")
        progress(0, 0, "schema read")
        # configuration: partitions (forest level), directory service (dsHeuristics)
        for rel, attrs in (("CN=Partitions", ["msDS-Behavior-Version", "objectClass", "cn"]),
                           ("CN=Directory Service,CN=Windows NT,CN=Services",
                            ["dSHeuristics", "objectClass", "cn"])):
            raw2 = _base(conn, f"{rel},{config_dn}", attrs)
            if raw2 is not None:
                body.write(_entry(f"{rel},{config_dn}", "configuration", raw2))
                counts["configuration"] += 1
        # domain objects, streamed; keep only what is needed to find privileged objects
        domain_sid = ""
        group_members: dict[str, list[str]] = {}
        sid_of: dict[str, str] = {}
        primary: dict[str, list[str]] = {}
        dcs: list[str] = []
        n = 0
        for dn, raw in _paged(conn, domain_dn, _FILTER, (*ACCOUNT_ATTRIBUTES, *laps), settings.page_size):
            o = _entry(dn, "domain", raw)
            body.write(o)
            n += 1
            cls = o.classes
            if o.sid:
                sid_of[o.sid] = dn.lower()
            if "domaindns" in cls and dn.lower() == domain_dn.lower():
                domain_sid = o.sid or ""
            elif "computer" in cls:
                counts["computers"] += 1
                if o.uac & (UAC.SERVER_TRUST_ACCOUNT | UAC.PARTIAL_SECRETS_ACCOUNT):
                    dcs.append(dn)
            elif "user" in cls:
                counts["users"] += 1
            elif "group" in cls:
                counts["groups"] += 1
                group_members[dn.lower()] = [m.lower() for m in o.values("member")]
            elif "trusteddomain" in cls:
                counts["trusts"] += 1
            pg = o.get("primarygroupid")
            if pg:
                primary.setdefault(pg, []).append(dn.lower())
            if n % 1000 == 0:
                progress(n, 0, "objects read")
        progress(n, 0, "objects read")
        if not domain_sid:
            raise CollectionError(f"domain object {domain_dn} not readable")
        # sensitive objects: domain root, AdminSDHolder, GPO container, DCs, privileged groups + members
        for rid in PRIVILEGED_RIDS:
            gdn = sid_of.get(f"{domain_sid}-{rid}")
            if gdn:
                group_members.setdefault(gdn, []).extend(primary.get(str(rid), []))
        sensitive: dict[str, None] = dict.fromkeys(
            [domain_dn, f"CN=AdminSDHolder,CN=System,{domain_dn}", f"CN=Policies,CN=System,{domain_dn}", *dcs])
        stack = [sid_of[s] for s in [*(f"{domain_sid}-{r}" for r in PRIVILEGED_RIDS), *PRIVILEGED_BUILTIN]
                 if s in sid_of]
        seen: set[str] = set()
        while stack:
            g = stack.pop()
            if g in seen:
                continue
            seen.add(g)
            sensitive[g] = None
            stack.extend(group_members.get(g, []))
        control = security_descriptor_control(sdflags=SD_FLAGS)
        total = len(sensitive)
        for i, sdn in enumerate(sensitive, 1):
            raw3 = _base(conn, sdn, ["nTSecurityDescriptor", "objectClass", "cn"], controls=control)
            if raw3 is None:
                continue
            sd_raw = next((v for k, v in raw3.items() if k.lower() == "ntsecuritydescriptor" and v), None)
            if sd_raw:
                try:
                    sd = parse_sd(bytes(sd_raw[0]))
                except (ValueError, IndexError) as exc:
                    raise CollectionError(f"unparsable security descriptor on {sdn}: {exc}") from None
                extra = _entry(sdn, "sd", {k: v for k, v in raw3.items() if k.lower() != "ntsecuritydescriptor"})
                body.write(DirectoryObject(sdn, "sd", extra.attrs, sd))
                counts["security_descriptors"] += 1
            if i % 50 == 0 or i == total:
                progress(i, total, "security descriptors read")
        body.close()
        info = SnapshotInfo(snapshot_path, FORMAT, VERSION, datetime.now(timezone.utc),
                            ".".join(p.split("=", 1)[1] for p in domain_dn.split(",") if "=" in p).lower(),
                            domain_dn, domain_sid, settings.server, counts)
        assemble(snapshot_path, info, body)
        return info
    finally:
        body.close()
        body.path.unlink(missing_ok=True)
        Path(tmpdir).rmdir()


def collect(settings: ConnectionSettings, snapshot_path: Path, *,
            on_progress: ProgressCallback | None = None) -> SnapshotInfo:
    """Bind with ``settings`` and stream the directory into ``snapshot_path`` (gzip'd JSON Lines)."""
    conn = open_connection(settings)
    try:
        if on_progress:
            on_progress(0, 0, "connected")
        return collect_from(conn, settings, snapshot_path, on_progress=on_progress)
    finally:
        _close(conn)
