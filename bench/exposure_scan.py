"""Exposure scan benchmark: Vigie's port scan and identification against nmap, on the namespace test bed.

    .venv/bin/python bench/exposure_scan.py [--hosts 16] [--ports 1000] [--scan-only] [--workers N]   # root, nmap

Builds the tests' network-namespace test bed (tests/testbeds/netns.py) widened to --hosts hosts, each with
its services open, the rest of the first --ports ports of Vigie's default list closed, and 40 of them
silently dropped (nftables) per host. Then, in one run:

1. `nmap -sT -T4 -n -Pn --max-retries 1 -p LIST` against Vigie's `scan_ports` (connect timeout 0.5 s at most,
   1 retry, the same list, worker processes as by default): wall time and CPU time of each, open-port
   agreement, and the load average before the run (the machine may be shared);
2. `nmap -sV -n -Pn` on the open ports against Vigie's `identify`: the services nmap names and whether
   Vigie names them the same.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.testbeds.netns import HOSTS, Testbed, TestHost  # noqa: E402
from vigie.exposure.engine import Limits, Scope  # noqa: E402
from vigie.exposure.engine.net import ScopedConnector, SocketConnector  # noqa: E402
from vigie.exposure.engine.portscan import scan_ports  # noqa: E402
from vigie.exposure.engine.probes import identify  # noqa: E402
from vigie.exposure.engine.scan import default_ports  # noqa: E402
from vigie.exposure.engine.workers import worker_count  # noqa: E402

# nmap's service names -> Vigie's
NMAP_NAMES = {"ssh": "ssh", "http": "http", "ssl/http": "https", "https": "https", "mysql": "mysql",
              "postgresql": "postgresql", "redis": "redis", "mongodb": "mongodb", "ms-wbt-server": "rdp",
              "microsoft-ds": "smb", "netbios-ssn": "smb", "vnc": "vnc", "telnet": "telnet", "ldap": "ldap",
              "dicom": "dicom", "ftp": "ftp", "smtp": "smtp", "hl7": "hl7", "elasticsearch": "elasticsearch",
              "domain": "dns"}


def nmap_open(xml: str) -> dict[str, set[int]]:
    out: dict[str, set[int]] = {}
    for host in ET.fromstring(xml).iter("host"):
        address = host.find("address").get("addr")  # type: ignore[union-attr]
        out[address] = {int(p.get("portid")) for p in host.iter("port")  # type: ignore[arg-type]
                        if p.find("state").get("state") == "open"}  # type: ignore[union-attr]
    return out


def nmap_services(xml: str) -> dict[tuple[str, int], tuple[str, str, str]]:
    out: dict[tuple[str, int], tuple[str, str, str]] = {}
    for host in ET.fromstring(xml).iter("host"):
        address = host.find("address").get("addr")  # type: ignore[union-attr]
        for port in host.iter("port"):
            service = port.find("service")
            if service is None:
                continue
            name = ("ssl/" if service.get("tunnel") == "ssl" else "") + service.get("name", "")
            out[(address, int(port.get("portid")))] = (name, service.get("product", ""), service.get("method", ""))  # type: ignore[arg-type]
    return out


def _cpu() -> tuple[float, float]:
    """CPU seconds (user + system) used so far by this process, and by its finished children (nmap, the
    port-scan workers)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime, children.ru_utime + children.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--hosts", type=int, default=16)
    parser.add_argument("--ports", type=int, default=1000)
    parser.add_argument("--scan-only", action="store_true", help="skip the service identification part")
    parser.add_argument("--workers", type=int, default=Limits().workers,
                        help="Vigie's port-scan processes (default 0: one per CPU)")
    args = parser.parse_args()
    ports = list(default_ports()[:args.ports])
    hosts = list(HOSTS)[:args.hosts]  # the first N test hosts, so runs stay comparable as the table grows
    for i in range(len(hosts), args.hosts):
        hosts.append(TestHost(f"extra{i}", ((80, "http"), (443, "https-good"), (22, "ssh-fake"))))
    hosts = [replace(h, filtered=tuple(sorted((set(h.filtered) | {ports[100 + 20 * k] for k in range(40)})
                                              - {p for p, _ in h.services} - {h.gnutls_port})))
             for h in hosts]
    bed = Testbed(hosts=hosts).start()
    try:
        addresses = [bed.address(h.name) for h in hosts]
        scope = Scope.from_entries([bed.network])
        connector = ScopedConnector(scope, SocketConnector())
        port_arg = ",".join(map(str, ports))
        limits = Limits(connect_timeout=0.5, retries=1, workers=args.workers)

        load = os.getloadavg()[0]
        cpu0 = _cpu()
        t0 = time.monotonic()
        nmap_xml = subprocess.run(["nmap", "-sT", "-T4", "-n", "-Pn", "--max-retries", "1", "-p", port_arg,
                                   "-oX", "-", *addresses], capture_output=True, text=True, check=True).stdout
        nmap_time = time.monotonic() - t0
        cpu1 = _cpu()
        t0 = time.monotonic()
        vigie = scan_ports(addresses, ports, connector=connector, limits=limits)
        vigie_time = time.monotonic() - t0
        cpu2 = _cpu()

        theirs = nmap_open(nmap_xml)
        ours = {a: set(vigie.open(a)) for a in addresses}
        agree = sum(1 for a in addresses if theirs.get(a, set()) == ours[a])
        total_open = sum(len(v) for v in ours.values())
        filtered = sum(1 for p in vigie.ports if p.state == "filtered")
        print(f"test bed: {len(addresses)} hosts x {len(ports)} ports = {len(addresses) * len(ports)} probes; "
              f"Vigie saw {total_open} open, {filtered} filtered")
        print(f"nmap -sT -T4 --max-retries 1 : {nmap_time:6.2f} s")
        print(f"vigie scan_ports             : {vigie_time:6.2f} s   ratio nmap/vigie = {nmap_time / vigie_time:.2f}x")
        print(f"CPU (user+system): nmap {cpu1[1] - cpu0[1]:.2f} s, vigie {sum(cpu2) - sum(cpu1):.2f} s "
              f"({worker_count(limits, len(addresses), connector)} port-scan process(es)); "
              f"load average {load:.1f} on {os.cpu_count()} CPUs")
        print(f"open-port agreement: {agree}/{len(addresses)} hosts identical"
              f" ({'100 %' if agree == len(addresses) else 'DIFFERENT'})")
        for a in addresses:
            if theirs.get(a, set()) != ours[a]:
                print(f"  {a}: nmap only {sorted(theirs.get(a, set()) - ours[a])}, vigie only {sorted(ours[a] - theirs.get(a, set()))}")

        if args.scan_only:
            return
        open_ports = sorted({p for a in addresses for p in ours[a]})
        t0 = time.monotonic()
        sv_xml = subprocess.run(["nmap", "-sV", "-n", "-Pn", "-p", ",".join(map(str, open_ports)), "-oX", "-",
                                 *addresses], capture_output=True, text=True, check=True).stdout
        sv_time = time.monotonic() - t0
        jobs = [(a, p) for a in addresses for p in sorted(ours[a])]
        t0 = time.monotonic()
        with ThreadPoolExecutor(max_workers=limits.probe_concurrency) as pool:
            found = list(pool.map(lambda job: identify(job[0], job[1], connector=connector, scope=scope,
                                                       limits=limits)[0], jobs))
        id_time = time.monotonic() - t0
        named = nmap_services(sv_xml)
        compared = same = 0
        print(f"\nnmap -sV: {sv_time:6.2f} s    vigie identify: {id_time:6.2f} s   ratio {sv_time / id_time:.2f}x")
        print(f"{'address:port':<24}{'nmap':<34}{'vigie':<30}")
        for service in found:
            name, product, method = named.get((service.address, service.port), ("", "", ""))
            mapped = NMAP_NAMES.get(name, "")
            if "elasticsearch" in product.lower():
                mapped = "elasticsearch"
            counted = bool(mapped) and method == "probed"
            ok = mapped == service.name or (mapped == "http" and service.name == "elasticsearch")
            if counted:
                compared += 1
                same += ok
            mark = "" if not counted else ("  =" if ok else "  DIFFERENT")
            print(f"{service.address + ':' + str(service.port):<24}{(name + ' ' + product)[:33]:<34}"
                  f"{(service.name + ' ' + service.product + ' ' + service.version)[:29]:<30}{mark}")
        print(f"identification: {same}/{compared} services nmap names (by probe) agree; "
              f"{sum(1 for s in found if s.name != 'unknown')}/{len(found)} identified by Vigie")
    finally:
        bed.stop()


if __name__ == "__main__":
    main()
