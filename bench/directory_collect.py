"""Benchmark: Vigie's AD collection + full analysis vs ldapdomaindump's collection, same Samba directory.

    .venv/bin/python bench/directory_collect.py 10000 [100000 ...] [--build-only] [--no-warm-up]

For each size N: provision a Samba AD DC on 127.0.0.1 (tests/testbeds/samba_ad.py), seed the test
weaknesses, bulk-load N users (+ groups) OFFLINE into sam.ldb while samba is stopped, in one batch-mode
transaction through Samba's Python bindings (bench/samdb_bulk_load.py, run with Debian's python3: LDAP
adds run at ~30 users/s, ldbadd slows down with every record), cache the provisioned directory under
/var/tmp/vigie-bench-ad-N, start samba, then run each tool in its own process under /usr/bin/time -v
(wall time, peak RSS):

  vigie   : collect (LDAPS, simple bind) into a snapshot, load it, analyse every rule
  ldapdomaindump : full dump (JSON + HTML + greppable), LDAPS, SIMPLE bind — its default output
  ldapdomaindump --minimal : for reference

Prints the figures and the ratio; append them to bench/README.md yourself with the date.
Loopback only.
"""

from __future__ import annotations

import json
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.testbeds.samba_ad import (  # noqa: E402
    ADMIN_PW, BASE, LOCK_FILE, _exclusive, _ldaps_ready, provision, seed)

PY = str(ROOT / ".venv" / "bin" / "python")
LDD = str(ROOT / ".venv" / "bin" / "ldapdomaindump")


CACHE = Path("/var/tmp")
FORMAT = "v2"  # bump when the generated directory changes, so stale caches are rebuilt


def bulk_records(n: int, ou: str = "Bulk") -> list[str]:
    """LDIF records of N users and N/500 groups of 100 members (at least 20 groups).

    Bulk users carry no password: hashing one costs more than everything else in an offline add, and a
    password changes nothing of what is collected. Every 10th is disabled, every 7th never expires, every
    97th needs no pre-authentication, every 50th has an SPN, every 5th last logged on in 2012.
    """
    out = [f"dn: OU={ou},{BASE}\nobjectClass: organizationalUnit\nou: {ou}\n"]
    for i in range(n):
        sam = f"{ou.lower()}_u{i:06d}"
        uac = 0x200 | (0x2 if i % 10 == 0 else 0) | (0x10000 if i % 7 == 0 else 0) | (0x400000 if i % 97 == 0 else 0)
        rec = (f"dn: CN={sam},OU={ou},{BASE}\nobjectClass: user\nsAMAccountName: {sam}\n"
               f"userPrincipalName: {sam}@test.local\ngivenName: Bulk\nsn: User{i}\nuserAccountControl: {uac}\n")
        if i % 50 == 0:
            rec += f"servicePrincipalName: HTTP/{sam}.test.local\n"
        if i % 5 == 0:
            rec += "lastLogonTimestamp: 130000000000000000\n"
        out.append(rec)
    for g in range(max(20, n // 500)):
        start = g * 97 % n
        out.append(f"dn: CN={ou.lower()}_g{g:04d},OU={ou},{BASE}\nobjectClass: group\n"
                   f"sAMAccountName: {ou.lower()}_g{g:04d}\n"
                   + "".join(f"member: CN={ou.lower()}_u{m:06d},OU={ou},{BASE}\n" for m in range(start, min(n, start + 100))))
    return out


def build(n: int) -> Path:
    """The provisioned, seeded and bulk-loaded directory of N users, built once and cached."""
    cache = CACHE / f"vigie-bench-ad-{n}"
    if (cache / "ready").exists() and (cache / "ready").read_text() == FORMAT:
        return cache
    shutil.rmtree(cache, ignore_errors=True)
    cache.mkdir()
    t = time.monotonic()
    conf = provision(cache, "127.0.0.1", "--backend-store=mdb", "--backend-store-size=16Gb")
    seed(cache, conf)
    t_load = time.monotonic()
    ldif = cache / "bulk.ldif"
    ldif.write_text("\n".join(bulk_records(n)))
    # Samba's bindings (Debian's python3), in ldb's batch mode: linear, where ldbadd slows with every record
    subprocess.run(["/usr/bin/python3", str(ROOT / "bench" / "samdb_bulk_load.py"), str(cache / "private" / "sam.ldb"),
                    str(conf), str(ldif)], check=True)
    ldif.unlink()
    (cache / "ready").write_text(FORMAT)
    print(f"\nbuilt directory of {n} users in {time.monotonic() - t:.0f}s, bulk load "
          f"{time.monotonic() - t_load:.0f}s (cached in {cache})", flush=True)
    return cache


def timed(cmd: list[str]) -> tuple[float, int]:
    """(wall seconds, peak RSS MB) of cmd, through /usr/bin/time -v."""
    p = subprocess.run(["/usr/bin/time", "-v", *cmd], capture_output=True, text=True)
    if p.returncode != 0:
        raise RuntimeError(f"{cmd[0]} failed: {p.stderr[-1500:]}")
    wall = re.search(r"Elapsed \(wall clock\) time .*: (?:(\d+):)?(\d+):([\d.]+)", p.stderr)
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", p.stderr)
    assert wall and rss, p.stderr
    h, m, s = wall.groups()
    return int(h or 0) * 3600 + int(m) * 60 + float(s), int(rss.group(1)) // 1024


VIGIE = """
import sys, time
from pathlib import Path
from vigie.directory.engine import ConnectionSettings, collect, load_snapshot, analyse
t = time.monotonic()
s = ConnectionSettings("127.0.0.1", security="ldaps", username="Administrator@test.local",
                       password=sys.argv[2], verify_tls=False)
info = collect(s, Path(sys.argv[1]))
t1 = time.monotonic()
r = analyse(load_snapshot(info.path))
print(f"collect {t1 - t:.2f}s analyse {time.monotonic() - t1:.2f}s objects {sum(info.counts.values())} "
      f"findings {len(r.findings)} level {r.level}", file=sys.stderr)
"""


def run(n: int) -> dict[str, object]:
    d = build(n)
    if _ldaps_ready("127.0.0.1", 636):
        raise RuntimeError("something already answers on 127.0.0.1:636 (a test DC?); stop it first")
    log = open(d / "log" / "samba.bench", "wb")
    proc = subprocess.Popen(["samba", "-s", str(d / "etc" / "smb.conf"), "-F", "--no-process-group"],
                            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while not _ldaps_ready("127.0.0.1", 636):
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("samba did not start")
            time.sleep(0.2)
        time.sleep(2)
        with tempfile.TemporaryDirectory() as tmp:
            res: dict[str, object] = {"users": n}
            if "--no-warm-up" not in sys.argv:
                # warm-up query so both tools meet a warm DC cache (without it Vigie, first, meets a cold one)
                timed([LDD, "-u", "TEST\\Administrator", "-p", ADMIN_PW, "-at", "SIMPLE", "--minimal",
                       "-o", f"{tmp}/w", "ldaps://127.0.0.1"])
            res["vigie"] = timed([PY, "-c", VIGIE, f"{tmp}/s.jsonl.gz", ADMIN_PW])
            res["snapshot_mb"] = round(Path(f"{tmp}/s.jsonl.gz").stat().st_size / 1e6, 1)
            print(f"  {n} users: vigie {res['vigie']}, snapshot {res['snapshot_mb']} MB", flush=True)
            res["ldapdomaindump"] = timed([LDD, "-u", "TEST\\Administrator", "-p", ADMIN_PW, "-at", "SIMPLE",
                                           "-o", f"{tmp}/full", "ldaps://127.0.0.1"])
            print(f"  {n} users: ldapdomaindump full {res['ldapdomaindump']}", flush=True)
            res["ldapdomaindump_minimal"] = timed([LDD, "-u", "TEST\\Administrator", "-p", ADMIN_PW, "-at",
                                                   "SIMPLE", "--minimal", "-o", f"{tmp}/min", "ldaps://127.0.0.1"])
            v, ldd = res["vigie"], res["ldapdomaindump"]
            assert isinstance(v, tuple) and isinstance(ldd, tuple)
            res["speedup_vs_full"] = round(ldd[0] / v[0], 2)
            return res
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
        pid = d / "run" / "samba-dcerpcd.pid"
        if pid.exists():
            subprocess.run(["kill", pid.read_text().strip()], check=False)


def main() -> None:
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # stopped: still stop the DC (run's finally)
    sizes = [int(a) for a in sys.argv[1:] if a.isdigit()] or [10000]
    if "--build-only" in sys.argv:
        for n in sizes:
            build(n)
        return
    for n in sizes:
        build(n)  # offline, no DC running: no need for the testbed lock
        with _exclusive(LOCK_FILE, timeout=1800):
            r = run(n)
        print(json.dumps(r))
        v, f, m = r["vigie"], r["ldapdomaindump"], r["ldapdomaindump_minimal"]
        print(f"{n} users: vigie {v[0]:.1f}s {v[1]} MB | ldapdomaindump full {f[0]:.1f}s {f[1]} MB | "
              f"--minimal {m[0]:.1f}s {m[1]} MB | vigie is {r['speedup_vs_full']}x faster than full", flush=True)


if __name__ == "__main__":
    main()
