"""A small internet in network namespaces for the exposure engine's tests and benchmark.

Each test host is a namespace `vx<pid>h<i>` with one veth into the root namespace: the host gets
198.19.<run>.<4i+2>/30 and fd00:5669:6769:<run>::<4i+2>/126, the root side .<4i+1>, so the root namespace
only gains routes to those ranges (a host with `delay_ms` gets a TUN pair and a delaying relay instead
of the veth, delayline.py: a high-latency path without netem). Services are the real daemon where
practical (OpenSSH) and small Python servers otherwise (fakeservices.py); a dnspython DNS server (dnsserver.py) serves the test zones,
with zone transfer open on ns1 and refused on ns2. Filtered ports are nftables DROP rules. Everything
is named with the process id and torn down by `stop()`.

The host table is declarative: other tests extend `HOSTS` (before the session fixture starts) or pass
their own table to `Testbed(hosts=…)`.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID

ROOT = Path(__file__).resolve().parents[2]
ZONE = "ch-test.test"  # SPF, DMARC, CAA, open AXFR on ns1
BARE_ZONE = "autre-test.test"  # MX but no SPF nor DMARC
CLEAN_ZONE = "propre-test.test"  # MX, SPF, DMARC, served by ns2 only (zone transfer refused)
OUTSIDE = "127.0.0.9"  # what `dehors.ch-test.test` resolves to: out of scope, harmless loopback


@dataclass(frozen=True)
class TestHost:
    name: str  # label under ch-test.test
    services: tuple[tuple[int, str], ...] = ()  # (port, fakeservices kind)
    filtered: tuple[int, ...] = ()  # ports dropped silently by nftables
    ssh_port: int = 0  # run Debian's sshd on this port
    dns: str = ""  # "axfr" (zone transfer open) or "noaxfr"
    cert_names: tuple[str, ...] = ()  # extra names in the https certificates
    delay_ms: int = 0  # added to every packet each way: the link is a TUN pair and a relay (delayline.py)


HOSTS: list[TestHost] = [
    TestHost("ns1", dns="axfr"),
    TestHost("ns2", dns="noaxfr"),
    TestHost("web", ((80, "http"), (443, "https-good"), (8080, "http-apache")), filtered=(8443, 9443),
             cert_names=("dossier-patient.ch-test.test",)),
    TestHost("expire", ((443, "https-expired"), (8443, "https-old"))),
    TestHost("autosigne", ((443, "https-self"),)),
    TestHost("bastion", ((22, "ssh-fake"),), ssh_port=2222),
    TestHost("bdd", ((3306, "mysql"), (5432, "postgresql"), (6379, "redis"), (27017, "mongodb"),
                     (9200, "elasticsearch")), filtered=(1433,)),
    TestHost("cache", ((6379, "redis-auth"),)),
    TestHost("poste", ((3389, "rdp"), (445, "smb"), (5900, "vnc"), (23, "telnet"))),
    TestHost("annuaire", ((389, "ldap"),)),
    TestHost("pacs", ((104, "dicom"), (11112, "dicom"), (2575, "hl7"))),
    TestHost("mail", ((21, "ftp"), (25, "smtp"))),
    # the checks tests' weak and clean web and TLS hosts
    TestHost("intranet", ((80, "http-weak"),)),  # login over HTTP, listing, phpMyAdmin, Apache 2.4.49
    TestHost("securise", ((80, "http-redirect"), (443, "https-strict"))),  # redirect, HSTS, good certificate
    TestHost("ancien", ((443, "https-legacy"),)),  # TLS 1.0/1.1, RSA 1024, other name, expiring soon
]


def _run(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, check=check, capture_output=True, text=True)


@dataclass
class Testbed:
    hosts: list[TestHost] = field(default_factory=lambda: list(HOSTS))
    run: int = field(default_factory=lambda: os.getpid() % 250 + 1)
    pid: int = field(default_factory=os.getpid)
    workdir: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix=f"vigie-netns-{os.getpid()}-")))
    processes: list[subprocess.Popen[str]] = field(default_factory=list)
    namespaces: list[str] = field(default_factory=list)

    # --- addresses -------------------------------------------------------------------------------
    def address(self, name: str) -> str:
        return f"198.19.{self.run}.{4 * self._index(name) + 2}"

    def address6(self, name: str) -> str:
        return f"fd00:5669:6769:{self.run:x}::{4 * self._index(name) + 2:x}"

    def namespace(self, name: str) -> str:
        return f"vx{self.pid}h{self._index(name)}"

    def _index(self, name: str) -> int:
        return next(i for i, h in enumerate(self.hosts) if h.name == name)

    @property
    def network(self) -> str:
        return f"198.19.{self.run}.0/24"

    @property
    def network6(self) -> str:
        return f"fd00:5669:6769:{self.run:x}::/120"

    @property
    def cafile(self) -> str:
        return str(self.workdir / "ca.pem")

    def fqdn(self, name: str) -> str:
        return f"{name}.{ZONE}"

    # --- life cycle ------------------------------------------------------------------------------
    def start(self) -> Testbed:
        try:
            self._certificates()
            for index, host in enumerate(self.hosts):
                self._namespace(index, host)
            if any(host.dns for host in self.hosts):  # the zones name the usual hosts (web, mail…)
                self._zones()
            for host in self.hosts:
                self._services(host)
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        for process in self.processes:
            process.kill()
            process.wait()
        self.processes.clear()
        for namespace in self.namespaces:
            _run("ip", "netns", "delete", namespace, check=False)
        self.namespaces.clear()
        shutil.rmtree(self.workdir, ignore_errors=True)

    def _namespace(self, index: int, host: TestHost) -> None:
        ns, root_if = f"vx{self.pid}h{index}", f"vx{self.pid}r{index}"
        _run("ip", "netns", "add", ns)
        self.namespaces.append(ns)
        if host.delay_ms:
            self._delay_line(root_if, ns, host.delay_ms)
        else:
            _run("ip", "link", "add", root_if, "type", "veth", "peer", "name", "eth0", "netns", ns)
        _run("ip", "addr", "add", f"198.19.{self.run}.{4 * index + 1}/30", "dev", root_if)
        _run("ip", "-6", "addr", "add", f"fd00:5669:6769:{self.run:x}::{4 * index + 1:x}/126", "dev", root_if, "nodad")
        _run("ip", "link", "set", root_if, "up")
        _run("ip", "-n", ns, "link", "set", "lo", "up")
        _run("ip", "-n", ns, "addr", "add", f"198.19.{self.run}.{4 * index + 2}/30", "dev", "eth0")
        _run("ip", "-n", ns, "-6", "addr", "add", f"fd00:5669:6769:{self.run:x}::{4 * index + 2:x}/126", "dev", "eth0", "nodad")
        _run("ip", "-n", ns, "link", "set", "eth0", "up")
        if host.filtered:
            ports = ", ".join(str(p) for p in host.filtered)
            rules = (f"table inet vigie {{\n chain input {{\n  type filter hook input priority 0; policy accept;\n"
                     f"  tcp dport {{ {ports} }} drop\n }}\n}}\n")
            subprocess.run(["ip", "netns", "exec", ns, "nft", "-f", "-"], input=rules, text=True, check=True,
                           capture_output=True)

    def _delay_line(self, root_if: str, ns: str, delay_ms: int) -> None:
        """`root_if` here and `eth0` in `ns`, joined by a relay that delays each packet (no netem needed)."""
        process = subprocess.Popen([sys.executable, "-m", "tests.testbeds.delayline", root_if, ns, str(delay_ms)],
                                   stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   text=True, cwd=ROOT)
        self.processes.append(process)
        line = process.stdout.readline() if process.stdout else ""
        if line.strip() != "ready":
            raise RuntimeError(f"the delay line to {ns} did not start: {process.stderr.read() if process.stderr else ''}")

    def _spawn(self, ns: str, *args: str, ready: bool = True) -> None:
        process = subprocess.Popen(["ip", "netns", "exec", ns, *args], stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, text=True, cwd=ROOT)
        self.processes.append(process)
        if ready:
            line = process.stdout.readline() if process.stdout else ""
            if line.strip() != "ready":
                raise RuntimeError(f"{args[:3]} in {ns} did not start: {process.stderr.read() if process.stderr else ''}")

    def _services(self, host: TestHost) -> None:
        ns = self.namespace(host.name)
        listen = f"{self.address(host.name)},{self.address6(host.name)}"
        specs = [f"{port}:{kind}" for port, kind in host.services if kind != "ssh-fake"]
        if specs:
            self._spawn(ns, sys.executable, "-m", "tests.testbeds.fakeservices", listen, str(self.workdir), *specs)
        if host.dns:
            zones = [f"{self.workdir / ZONE}.zone" + (":axfr" if host.dns == "axfr" else ""),
                     f"{self.workdir / BARE_ZONE}.zone" + (":axfr" if host.dns == "axfr" else ""),
                     f"{self.workdir / CLEAN_ZONE}.zone" + (":axfr" if host.dns == "axfr" else "")]
            self._spawn(ns, sys.executable, "-m", "tests.testbeds.dnsserver", self.address(host.name), *zones)
        if host.ssh_port or any(kind == "ssh-fake" for _, kind in host.services):
            key = self.workdir / f"ssh_host_{host.name}"
            if not key.exists():
                _run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(key))
            Path("/run/sshd").mkdir(exist_ok=True)
            ports = [p for p, kind in host.services if kind == "ssh-fake"] + ([host.ssh_port] if host.ssh_port else [])
            options = [f"-oPort={p}" for p in ports]
            process = subprocess.Popen(["ip", "netns", "exec", ns, "/usr/sbin/sshd", "-D", "-e", "-f", "/dev/null",
                                        f"-oHostKey={key}", *options, "-oPidFile=none", "-oUsePAM=no"],
                                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
            self.processes.append(process)
            self._wait_listen(ns, ports[0])

    def _wait_listen(self, ns: str, port: int) -> None:
        import time
        for _ in range(100):
            out = _run("ip", "netns", "exec", ns, "ss", "-ltnH", f"sport = :{port}", check=False).stdout
            if out.strip():
                return
            time.sleep(0.05)
        raise RuntimeError(f"nothing listens on port {port} in {ns}")

    # --- data ------------------------------------------------------------------------------------
    def _zones(self) -> None:
        lines = [f"$ORIGIN {ZONE}.", "$TTL 60",
                 f"@ SOA ns1 hostmaster 1 3600 600 86400 60", "@ NS ns1", "@ NS ns2", "@ MX 10 mail",
                 '@ TXT "v=spf1 mx -all"', '_dmarc TXT "v=DMARC1; p=reject; rua=mailto:dmarc@ch-test.test"',
                 '@ CAA 0 issue "letsencrypt.org"', f"@ A {self.address('web')}",
                 "www CNAME web", "fuite CNAME portail.ailleurs.test.", f"dehors A {OUTSIDE}",
                 f"dossier-patient A {self.address('web')}"]
        for host in self.hosts:
            lines.append(f"{host.name} A {self.address(host.name)}")
            lines.append(f"{host.name} AAAA {self.address6(host.name)}")
        (self.workdir / f"{ZONE}.zone").write_text("\n".join(lines) + "\n")
        bare = [f"$ORIGIN {BARE_ZONE}.", "$TTL 60", "@ SOA ns1.ch-test.test. hostmaster.ch-test.test. 1 3600 600 86400 60",
                "@ NS ns1.ch-test.test.", "@ MX 10 mail.ch-test.test.", f"www A {self.address('web')}"]
        (self.workdir / f"{BARE_ZONE}.zone").write_text("\n".join(bare) + "\n")
        clean = [f"$ORIGIN {CLEAN_ZONE}.", "$TTL 60", "@ SOA ns2.ch-test.test. hostmaster.ch-test.test. 1 3600 600 86400 60",
                 "@ NS ns2.ch-test.test.", "@ MX 10 mail.ch-test.test.", '@ TXT "v=spf1 mx -all"',
                 '_dmarc TXT "v=DMARC1; p=reject"']
        (self.workdir / f"{CLEAN_ZONE}.zone").write_text("\n".join(clean) + "\n")

    def _certificates(self) -> None:
        now = dt.datetime.now(dt.timezone.utc)
        ca_key = ec.generate_private_key(ec.SECP256R1())
        ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"Vigie test CA {self.pid}")])
        ca = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name).public_key(ca_key.public_key())
              .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(days=1))
              .not_valid_after(now + dt.timedelta(days=30))
              .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True).sign(ca_key, hashes.SHA256()))
        (self.workdir / "ca.pem").write_bytes(ca.public_bytes(serialization.Encoding.PEM))
        extra = tuple(n for h in self.hosts for n in h.cert_names)
        specs = {
            "https-good": ("web", now - dt.timedelta(days=1), now + dt.timedelta(days=365), False),
            "https-expired": ("expire", now - dt.timedelta(days=400), now - dt.timedelta(days=10), False),
            "https-self": ("autosigne", now - dt.timedelta(days=1), now + dt.timedelta(days=365), True),
            "https-strict": ("securise", now - dt.timedelta(days=1), now + dt.timedelta(days=365), False),
            "https-legacy": ("ancien", now - dt.timedelta(days=300), now + dt.timedelta(days=10), False),
        }
        for kind, (host, start, end, self_signed) in specs.items():
            legacy = kind == "https-legacy"  # RSA 1024, a name that is not the host's
            key: Any = rsa.generate_private_key(65537, 1024) if legacy else ec.generate_private_key(ec.SECP256R1())
            names = ("vieux-nom.ch-test.test",) if legacy else (self.fqdn(host), *(extra if kind == "https-good" else ()))
            subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, names[0])])
            builder = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject if self_signed else ca_name)
                       .public_key(key.public_key()).serial_number(x509.random_serial_number())
                       .not_valid_before(start).not_valid_after(end)
                       .add_extension(x509.SubjectAlternativeName([x509.DNSName(n) for n in names]), critical=False))
            cert = builder.sign(key if self_signed else ca_key, hashes.SHA256())
            pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                    serialization.NoEncryption()) + cert.public_bytes(serialization.Encoding.PEM)
            (self.workdir / f"{kind}.pem").write_bytes(pem)
