"""A small internet in network namespaces for the exposure engine's tests and benchmark.

Each test host is a namespace `vx<pid>h<i>` with one veth into the root namespace: the host gets
198.19.<run>.<4i+2>/30 and fd00:5669:6769:<run>::<4i+2>/126, the root side .<4i+1>, so the root namespace
only gains routes to those ranges (a host with `delay_ms` gets a TUN pair and a delaying relay instead
of the veth, delayline.py: a high-latency path without netem). Services are the real daemon where
practical (OpenSSH) and small Python servers otherwise (fakeservices.py); a dnspython DNS server (dnsserver.py) serves the test zones,
with zone transfer open on ns1 and refused on ns2 (both authoritative only), and plays an open resolver on
`resolveur`. Filtered ports are nftables DROP rules. Everything
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

import dns.reversename
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID

ROOT = Path(__file__).resolve().parents[2]
ZONE = "ch-test.test"  # SPF, DMARC, CAA, open AXFR on ns1
BARE_ZONE = "autre-test.test"  # MX but no SPF nor DMARC
CLEAN_ZONE = "propre-test.test"  # MX, SPF, DMARC, served by ns2 only (zone transfer refused)
OUTSIDE = "127.0.0.9"  # what `dehors.ch-test.test` resolves to: out of scope, harmless loopback
# GnuTLS's usual suites plus 3DES (what old appliances still offer), TLS 1.2 only: the cipher alone is weak
GNUTLS_PRIORITY = "NORMAL:+3DES-CBC:-VERS-TLS1.3:-VERS-TLS1.1:-VERS-TLS1.0"
OUTSIDE_ZONE = "hebergeur-externe.test"  # a provider's domain, never in any test scope (a PTR points there)


@dataclass(frozen=True)
class TestHost:
    name: str  # label under ch-test.test
    services: tuple[tuple[int, str], ...] = ()  # (port, fakeservices kind)
    filtered: tuple[int, ...] = ()  # ports dropped silently by nftables
    ssh_port: int = 0  # run Debian's sshd on this port
    dns: str = ""  # "axfr" (zone transfer open), "noaxfr", or "resolver" (no zone, recursion open to anyone)
    cert_names: tuple[str, ...] = ()  # extra names in the https certificates
    ptr: str = ""  # the PTR name of its addresses (reverse zones), "" for its own name under ch-test.test
    gnutls_port: int = 0  # run GnuTLS's gnutls-serv here, with 3DES enabled (Debian's OpenSSL 3 has none)
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
    TestHost("annuaire", ((389, "ldap"),), ptr=f"ancien-dc.{ZONE}"),  # in scope, resolves out of it
    TestHost("pacs", ((104, "dicom"), (11112, "dicom"), (2575, "hl7")), ptr=f"imagerie.{ZONE}"),
    TestHost("mail", ((21, "ftp"), (25, "smtp")), ptr=f"mx1.{OUTSIDE_ZONE}"),  # the host's provider's name
    # the checks tests' weak and clean web and TLS hosts
    TestHost("intranet", ((80, "http-weak"),)),  # login over HTTP, listing, phpMyAdmin, Apache 2.4.49
    TestHost("securise", ((80, "http-redirect"), (443, "https-strict"))),  # redirect, HSTS, good certificate
    TestHost("ancien", ((443, "https-legacy"),)),  # TLS 1.0/1.1, RSA 1024, other name, expiring soon
    # certificate chains: CA -> intermediate -> leaf (netns.Testbed._certificates)
    TestHost("chaine", ((443, "https-chain"),)),  # sends leaf + intermediate: the clean chain
    TestHost("incomplet", ((443, "https-chain-short"),)),  # sends the leaf alone, its intermediate missing
    TestHost("perime", ((443, "https-chain-expired"),)),  # sends leaf + an intermediate that has expired
    # cipher suites: TLS 1.2 only, a good certificate, but NULL and RSA key exchange accepted besides ECDHE
    TestHost("chiffre", ((443, "https-weak-ciphers"),)),
    TestHost("equipement", gnutls_port=443),  # an old appliance's TLS: 3DES accepted (SWEET32)
    # a resolver left open to the internet, telling its BIND version; ns1 and ns2 are authoritative only
    TestHost("resolveur", dns="resolver"),
]
RESOLVER_VERSION = "9.18.28-1~deb12u2-Debian"  # what `resolveur` answers to CHAOS TXT version.bind


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
        if host.dns == "resolver":
            self._spawn(ns, sys.executable, "-m", "tests.testbeds.dnsserver", self.address(host.name),
                        "--open-resolver", f"--version={RESOLVER_VERSION}")
        elif host.dns:
            zones = [f"{self.workdir / ZONE}.zone" + (":axfr" if host.dns == "axfr" else ""),
                     f"{self.workdir / BARE_ZONE}.zone" + (":axfr" if host.dns == "axfr" else ""),
                     f"{self.workdir / CLEAN_ZONE}.zone" + (":axfr" if host.dns == "axfr" else ""),
                     f"{self.workdir / 'reverse4'}.zone", f"{self.workdir / 'reverse6'}.zone"]
            self._spawn(ns, sys.executable, "-m", "tests.testbeds.dnsserver", self.address(host.name), *zones)
        if host.gnutls_port:
            pem = str(self.workdir / "gnutls-3des.pem")
            process = subprocess.Popen(["ip", "netns", "exec", ns, "gnutls-serv", "--http", "-a", f"-p{host.gnutls_port}",
                                        f"--x509certfile={pem}", f"--x509keyfile={pem}", f"--priority={GNUTLS_PRIORITY}"],
                                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, text=True)
            self.processes.append(process)
            self._wait_listen(ns, host.gnutls_port)
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
                 f"dossier-patient A {self.address('web')}", f"imagerie A {self.address('pacs')}",
                 f"ancien-dc A {OUTSIDE}"]
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
        self._reverse_zones()

    def _reverse_zones(self) -> None:
        """in-addr.arpa for 198.19.<run>.0/24 and ip6.arpa for the /120: a PTR for every host's addresses."""
        for label, origin, address in (
                ("reverse4", dns.reversename.from_address(self.network.split("/")[0]).parent(), self.address),
                ("reverse6", dns.reversename.from_address(self.network6.split("/")[0]).parent().parent(), self.address6)):
            lines = [f"$ORIGIN {origin}", "$TTL 60", f"@ SOA ns1.{ZONE}. hostmaster.{ZONE}. 1 3600 600 86400 60",
                     f"@ NS ns1.{ZONE}."]
            for host in self.hosts:
                lines.append(f"{dns.reversename.from_address(address(host.name))} PTR {host.ptr or self.fqdn(host.name)}.")
            (self.workdir / f"{label}.zone").write_text("\n".join(lines) + "\n")

    def _certificates(self) -> None:
        """The test CA (ca.pem, the scans' trust store), two intermediates under it (one expired) and a
        certificate file per https kind: key, leaf, then the intermediate when the server sends it."""
        now = dt.datetime.now(dt.timezone.utc)
        ca_key = ec.generate_private_key(ec.SECP256R1())
        ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"Vigie test CA {self.pid}")])
        ca = _ca_certificate(ca_name, ca_name, ca_key.public_key(), ca_key, now - dt.timedelta(days=1),
                             now + dt.timedelta(days=30))
        (self.workdir / "ca.pem").write_bytes(ca.public_bytes(serialization.Encoding.PEM))
        issuers: dict[str, tuple[x509.Name, Any, x509.Certificate | None]] = {"ca": (ca_name, ca_key, None)}
        for label, start, end in (("intermediate", now - dt.timedelta(days=1), now + dt.timedelta(days=30)),
                                  ("intermediate-expired", now - dt.timedelta(days=400), now - dt.timedelta(days=5))):
            key = ec.generate_private_key(ec.SECP256R1())
            name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"Vigie test {label} {self.pid}")])
            issuers[label] = (name, key, _ca_certificate(name, ca_name, key.public_key(), ca_key, start, end))
        extra = tuple(n for h in self.hosts for n in h.cert_names)
        year = now + dt.timedelta(days=365)
        # kind: (host, not before, not after, issuer: "self" or a key of `issuers`, send the intermediate)
        specs = {
            "https-good": ("web", now - dt.timedelta(days=1), year, "ca", False),
            "https-expired": ("expire", now - dt.timedelta(days=400), now - dt.timedelta(days=10), "ca", False),
            "https-self": ("autosigne", now - dt.timedelta(days=1), year, "self", False),
            "https-strict": ("securise", now - dt.timedelta(days=1), year, "ca", False),
            "https-legacy": ("ancien", now - dt.timedelta(days=300), now + dt.timedelta(days=10), "ca", False),
            "https-chain": ("chaine", now - dt.timedelta(days=1), year, "intermediate", True),
            "https-chain-short": ("incomplet", now - dt.timedelta(days=1), year, "intermediate", False),
            "https-chain-expired": ("perime", now - dt.timedelta(days=1), year, "intermediate-expired", True),
            "https-weak-ciphers": ("chiffre", now - dt.timedelta(days=1), year, "ca", False),
            "gnutls-3des": ("equipement", now - dt.timedelta(days=1), year, "ca", False),
        }
        for kind, (host, start, end, issuer, send_intermediate) in specs.items():
            # RSA keys where the server must offer RSA key exchange (ciphers) or a short key (legacy)
            key: Any = (rsa.generate_private_key(65537, 1024) if kind == "https-legacy" else
                        rsa.generate_private_key(65537, 2048) if kind in ("https-weak-ciphers", "gnutls-3des") else
                        ec.generate_private_key(ec.SECP256R1()))
            names = (("vieux-nom.ch-test.test",) if kind == "https-legacy" else
                     (self.fqdn(host), *(extra if kind == "https-good" else ())))
            subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, names[0])])
            issuer_name, issuer_key, intermediate = issuers.get(issuer, (subject, key, None))
            cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer_name)
                    .public_key(key.public_key()).serial_number(x509.random_serial_number())
                    .not_valid_before(start).not_valid_after(end)
                    .add_extension(x509.SubjectAlternativeName([x509.DNSName(n) for n in names]), critical=False)
                    .sign(issuer_key, hashes.SHA256()))
            pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                    serialization.NoEncryption()) + cert.public_bytes(serialization.Encoding.PEM)
            if send_intermediate and intermediate is not None:
                pem += intermediate.public_bytes(serialization.Encoding.PEM)
            (self.workdir / f"{kind}.pem").write_bytes(pem)


def _ca_certificate(subject: x509.Name, issuer: x509.Name, public_key: Any, signing_key: Any,
                    start: dt.datetime, end: dt.datetime) -> x509.Certificate:
    return (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer).public_key(public_key)
            .serial_number(x509.random_serial_number()).not_valid_before(start).not_valid_after(end)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=False, content_commitment=False, key_encipherment=False,
                                         data_encipherment=False, key_agreement=False, key_cert_sign=True,
                                         crl_sign=True, encipher_only=False, decipher_only=False), critical=True)
            .sign(signing_key, hashes.SHA256()))
