"""A throw-away Samba AD domain controller on a loopback address, seeded with known weaknesses.

Follows ../shared/recipes/samba-ad-dc.sh: provision into a temporary directory, harden smb.conf (no DNS
forwarder, no dynamic updates, bind only the chosen loopback address), seed weak and clean objects
*offline* with ldbadd/ldbmodify on sam.ldb (fast, and the only way to set some attributes), back-date
passwords with faketime, then start ``samba`` and stop it by PID at the end.

Nothing here talks to any address but the loopback one it binds.
"""

from __future__ import annotations

import base64
import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

REALM = "TEST.LOCAL"
DOMAIN = "TEST"
BASE = "DC=test,DC=local"
ADMIN_PW = "Passw0rd!Adm1n"
USER_PW = "Passw0rd!User1"
PACKAGES = ("samba", "samba-ad-dc", "samba-ad-provision", "ldb-tools", "faketime")

# Seeded objects: name -> what it is meant to trigger (the tests read this table).
WEAK = {
    "admin2": "Domain Admins member with an SPN and unconstrained delegation, no adminCount",
    "privasrep": "privileged through a nested group, no pre-auth, reversible, never expires",
    "asrep": "no Kerberos pre-authentication",
    "svc_sql": "SPN (not privileged) and an orphan adminCount=1",
    "neverexp": "password never expires",
    "dormant": "last logon in 2012, password from 2019",
    "revuser": "reversible encryption",
    "desuser": "DES-only keys",
    "eve": "GenericAll on AdminSDHolder",
    "mallory": "DS-Replication-Get-Changes-All on the domain root",
    "Directory Service": "dsHeuristics allows anonymous LDAP operations",
    "SRV01$": "server with unconstrained delegation, no LAPS, password from 2019",
    "WS01$": "constrained delegation with protocol transition to the DC's cifs service",
}
CLEAN = ("alice", "auditor", "cleanadm", "WS02$")


@dataclass(frozen=True)
class SambaDC:
    address: str
    ldaps_port: int
    ldap_port: int
    directory: Path
    admin_user: str
    admin_password: str
    reader_user: str
    reader_password: str
    krb5_conf: Path
    base_dn: str = BASE
    kerberos_host: str = "dc1.test.local"  # the DC's ldap/ service principal (provisioned --host-name=dc1)


def have_samba() -> bool:
    return all(shutil.which(x) for x in ("samba", "samba-tool", "ldbadd", "ldbmodify"))


def install_samba() -> bool:
    """Install Debian's samba when missing (root only); True when usable."""
    if have_samba():
        return True
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        return False
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], env=env, check=False, capture_output=True)
    subprocess.run(["apt-get", "install", "-y", "-qq", "--no-install-recommends", *PACKAGES], env=env,
                   check=False, capture_output=True)
    return have_samba()


def _pw(pw: str) -> str:
    return base64.b64encode(f'"{pw}"'.encode("utf-16-le")).decode()


def _user(cn: str, uac: int = 0x200, extra: str = "", ou: str = "CN=Users") -> str:
    return (f"dn: CN={cn},{ou},{BASE}\nobjectClass: user\nsAMAccountName: {cn}\n"
            f"userPrincipalName: {cn}@test.local\nunicodePwd:: {_pw(USER_PW)}\nuserAccountControl: {uac}\n"
            f"{extra}\n")


def _computer(name: str, uac: int, extra: str = "") -> str:
    return (f"dn: CN={name},CN=Computers,{BASE}\nobjectClass: computer\nsAMAccountName: {name}$\n"
            f"dNSHostName: {name.lower()}.test.local\nunicodePwd:: {_pw(USER_PW)}\nuserAccountControl: {uac}\n"
            f"{extra}\n")


def seed_ldif() -> str:
    u = BASE
    parts = [
        _user("alice"), _user("auditor"),
        _user("cleanadm", 0x200 | 0x100000, "adminCount: 1\n"),
        _user("admin2", extra="servicePrincipalName: HTTP/web01.test.local\n"),
        _user("privasrep", 0x200 | 0x400000 | 0x80 | 0x10000),
        _user("asrep", 0x200 | 0x400000),
        _user("svc_sql", extra="servicePrincipalName: MSSQLSvc/sql01.test.local:1433\nadminCount: 1\n"),
        _user("neverexp", 0x200 | 0x10000),
        _user("dormant", extra="lastLogonTimestamp: 130000000000000000\n"),
        _user("revuser", 0x200 | 0x80),
        _user("desuser", 0x200 | 0x200000),
        _user("eve"), _user("mallory"),
        _computer("SRV01", 0x1000 | 0x80000, "operatingSystem: Windows Server 2019 Standard\n"),
        _computer("WS01", 0x1000 | 0x1000000, "operatingSystem: Windows 11 Enterprise\n"
                  "msDS-AllowedToDelegateTo: cifs/dc1.test.local\n"),
        _computer("WS02", 0x1000 | 0x1000000, "operatingSystem: Windows 11 Enterprise\n"
                  "msDS-AllowedToDelegateTo: cifs/srv01.test.local\n"),
        f"dn: CN=TierAdmins,CN=Users,{u}\nobjectClass: group\nsAMAccountName: TierAdmins\n"
        f"member: CN=privasrep,CN=Users,{u}\n\n",
    ]
    return "".join(parts)


MODIFY_LDIF = f"""dn: CN=Domain Admins,CN=Users,{BASE}
changetype: modify
add: member
member: CN=admin2,CN=Users,{BASE}
member: CN=TierAdmins,CN=Users,{BASE}
member: CN=cleanadm,CN=Users,{BASE}

dn: CN=Protected Users,CN=Users,{BASE}
changetype: modify
add: member
member: CN=cleanadm,CN=Users,{BASE}

dn: CN=Directory Service,CN=Windows NT,CN=Services,CN=Configuration,{BASE}
changetype: modify
replace: dSHeuristics
dSHeuristics: 0000002

dn: CN=Guest,CN=Users,{BASE}
changetype: modify
replace: userAccountControl
userAccountControl: 66080

"""


def _harden(conf: Path, d: Path) -> None:
    s = conf.read_text()
    s = re.sub(r"^\s*dns forwarder = .*\n", "", s, flags=re.M)
    extra = (f"\tdns update command = /bin/true\n\tload printers = no\n\tprinting = bsd\n"
             f"\tprintcap name = /dev/null\n\tdisable spoolss = yes\n\tpid directory = {d}/run\n"
             f"\tntp signd socket directory = {d}/ntp_signd\n")
    s = re.sub(r"^\s*log file = .*\n", f"\tlog file = {d}/log/log.%m\n", s, flags=re.M)
    s = s.replace("[global]\n", "[global]\n" + extra, 1)
    s = re.sub(r"\[printers\].*?(?=\[sysvol\])", "", s, flags=re.S)
    conf.write_text(s)


def _run(*cmd: str, input_text: str | None = None, faketime: str | None = None) -> str:
    if faketime:
        cmd = ("faketime", faketime, *cmd)
    p = subprocess.run(cmd, input=input_text, capture_output=True, text=True, timeout=180)
    if p.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({p.returncode}): {p.stderr[-2000:]}{p.stdout[-500:]}")
    return p.stdout


def provision(d: Path, address: str, *extra: str) -> Path:
    """Provision a new domain into ``d`` (``extra`` options go to samba-tool); return the smb.conf path."""
    _run("samba-tool", "domain", "provision", "--use-rfc2307", f"--realm={REALM}", f"--domain={DOMAIN}",
         "--server-role=dc", "--dns-backend=SAMBA_INTERNAL", f"--adminpass={ADMIN_PW}", f"--targetdir={d}",
         f"--option=interfaces={address}", "--option=bind interfaces only=yes", "--option=netbios name=DC1", "--host-name=dc1", *extra)
    conf = d / "etc" / "smb.conf"
    _harden(conf, d)
    for sub in ("log", "run", "cache"):
        (d / sub).mkdir(exist_ok=True)
    return conf


def write_krb5_conf(d: Path, address: str) -> Path:
    """A krb5.conf for the clients: Samba's KDC on ``address``, no DNS look-up of any kind."""
    path = d / "krb5.conf"
    path.write_text(f"""[libdefaults]
    default_realm = {REALM}
    dns_lookup_realm = false
    dns_lookup_kdc = false
    dns_canonicalize_hostname = false
    rdns = false
    udp_preference_limit = 1
[realms]
    {REALM} = {{
        kdc = {address}:88
    }}
[domain_realm]
    .test.local = {REALM}
    test.local = {REALM}
""")
    return path


def laps_schema(sam: Path) -> None:
    attrs = f"""dn: CN=ms-Mcs-AdmPwdExpirationTime,CN=Schema,CN=Configuration,{BASE}
objectClass: attributeSchema
cn: ms-Mcs-AdmPwdExpirationTime
lDAPDisplayName: ms-Mcs-AdmPwdExpirationTime
attributeID: 1.2.840.113556.1.8000.2554.50051.45980.28112.18903.35903.6685103.1224907.2.1
attributeSyntax: 2.5.5.16
oMSyntax: 65
isSingleValued: TRUE
searchFlags: 0

"""
    opt = "--option=dsdb:schema update allowed=true"
    _run("ldbadd", "-H", str(sam), opt, input_text=attrs)
    _run("ldbmodify", "-H", str(sam), opt, input_text="dn:\nchangetype: modify\nadd: schemaUpdateNow\nschemaUpdateNow: 1\n")
    _run("ldbmodify", "-H", str(sam), opt, input_text=(
        f"dn: CN=Computer,CN=Schema,CN=Configuration,{BASE}\nchangetype: modify\nadd: mayContain\n"
        "mayContain: ms-Mcs-AdmPwdExpirationTime\n"))
    for ws in ("WS01", "WS02"):
        _run("ldbmodify", "-H", str(sam), input_text=(
            f"dn: CN={ws},CN=Computers,{BASE}\nchangetype: modify\nreplace: ms-Mcs-AdmPwdExpirationTime\n"
            "ms-Mcs-AdmPwdExpirationTime: 134500000000000000\n"))


def sid_of(sam: Path, name: str) -> str:
    out = _run("ldbsearch", "-H", str(sam), "-b", BASE, f"(sAMAccountName={name})", "objectSid")
    m = re.search(r"^objectSid: (S-[0-9-]+)$", out, flags=re.M)
    if not m:
        raise RuntimeError(f"no SID for {name}")
    return m.group(1)


def seed(d: Path, conf: Path) -> None:
    sam = d / "private" / "sam.ldb"
    _run("ldbadd", "-H", str(sam), input_text=seed_ldif())
    _run("ldbmodify", "-H", str(sam), input_text=MODIFY_LDIF)
    if shutil.which("faketime"):
        for who in ("dormant", "krbtgt", "SRV01$"):
            _run("samba-tool", "user", "setpassword", who, f"--newpassword={USER_PW}x", "-H", str(sam),
                 faketime="2019-01-15 10:00:00")
        _run("samba-tool", "user", "disable", "krbtgt", "-H", str(sam))
    eve, mallory = sid_of(sam, "eve"), sid_of(sam, "mallory")
    _run("samba-tool", "dsacl", "set", "-H", str(sam), f"--objectdn=CN=AdminSDHolder,CN=System,{BASE}",
         f"--sddl=(A;;GA;;;{eve})")
    _run("samba-tool", "dsacl", "set", "-H", str(sam), f"--objectdn={BASE}",
         f"--sddl=(OA;;CR;1131f6ad-9c07-11d1-f79f-00c04fc2dcd2;;{mallory})")
    laps_schema(sam)


def _port_open(address: str, port: int) -> bool:
    try:
        socket.create_connection((address, port), timeout=0.5).close()
        return True
    except OSError:
        return False


def _ldaps_ready(address: str, port: int) -> bool:
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    try:
        with socket.create_connection((address, port), timeout=1) as s, ctx.wrap_socket(s):
            return True
    except OSError:
        return False


@contextmanager
def samba_dc(workdir: Path, address: str = "127.0.0.1") -> Iterator[SambaDC]:
    """Provision, seed, start; yield the connection facts; stop samba (by PID) at exit.

    The DC needs the fixed AD ports of ``address``, so concurrent test runs (several pytest sessions,
    the benchmark) take turns through an exclusive lock file instead of failing.
    """
    with _exclusive(LOCK_FILE, timeout=LOCK_TIMEOUT):
        if _port_open(address, 636):
            raise RuntimeError(f"something already listens on {address}:636")
        with _running(workdir, address) as dc:
            yield dc


LOCK_FILE = Path("/tmp/vigie-samba-ad-testbed.lock")
LOCK_TIMEOUT = 900.0


@contextmanager
def _exclusive(path: Path, timeout: float) -> Iterator[None]:
    import fcntl

    with open(path, "a") as f:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"another Samba test DC held {path} for {timeout:.0f}s") from None
                time.sleep(0.5)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


@contextmanager
def _running(workdir: Path, address: str) -> Iterator[SambaDC]:
    conf = provision(workdir, address)
    seed(workdir, conf)
    log = open(workdir / "log" / "samba.stdout", "wb")
    proc = subprocess.Popen(["samba", "-s", str(conf), "-F", "--no-process-group"], stdout=log,
                            stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while not _ldaps_ready(address, 636):
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"samba did not start; see {workdir}/log")
            time.sleep(0.2)
        yield SambaDC(address, 636, 389, workdir, "Administrator@test.local", ADMIN_PW,
                      "auditor@test.local", USER_PW, write_krb5_conf(workdir, address))
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()
        dcerpcd = workdir / "run" / "samba-dcerpcd.pid"
        if dcerpcd.exists():
            try:
                os.kill(int(dcerpcd.read_text().strip()), signal.SIGTERM)
            except (ValueError, ProcessLookupError):
                pass
