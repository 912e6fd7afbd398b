"""Benchmark, analysis half: load + analyse a generated snapshot of N users (no directory needed).

    .venv/bin/python bench/directory_analyse.py 100000

Building a 100,000-user Samba directory offline takes hours on this machine (bench/README.md), so this
measures what Vigie does after collection on a snapshot of the same shape: the hand-built weak/clean
objects of tests/directory/builders.py plus N generated users (same flag mix as directory_collect.py) in
N/500 groups of 100. It writes the snapshot, then loads and analyses it in a fresh process under
/usr/bin/time -v (wall time, peak RSS). No competitor: ldapdomaindump only collects.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.directory.builders import build, group, user  # noqa: E402
from vigie.directory.engine import Snapshot, write_snapshot  # noqa: E402

sys.path.insert(0, str(ROOT / "bench"))
from directory_collect import timed  # noqa: E402

ANALYSE = """
import sys, time
from vigie.directory.engine import analyse, load_snapshot
t = time.monotonic()
snap = load_snapshot(sys.argv[1])
t1 = time.monotonic()
r = analyse(snap)
print(f"objects {len(snap.objects)} load {t1 - t:.2f}s analyse {time.monotonic() - t1:.2f}s "
      f"findings {len(r.findings)} level {r.level}", file=sys.stderr)
"""


def generated(n: int) -> Snapshot:
    base = build()
    users = []
    for i in range(n):
        uac = 0x200 | (0x2 if i % 10 == 0 else 0) | (0x10000 if i % 7 == 0 else 0) | (0x400000 if i % 97 == 0 else 0)
        extra: dict[str, object] = {}
        if i % 50 == 0:
            extra["serviceprincipalname"] = f"HTTP/bulk{i}.example.local"
        if i % 5 == 0:
            extra["lastlogontimestamp"] = "130000000000000000"
        users.append(user(f"bulk_u{i:06d}", 10000 + i, uac, **extra))
    groups = [group(f"bulk_g{g:04d}", 5000 + g, tuple(f"bulk_u{m:06d}" for m in range(g * 97 % n, min(n, g * 97 % n + 100))))
              for g in range(max(20, n // 500))]
    return Snapshot(base.info, (*base.objects, *users, *groups))


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100000
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "s.jsonl.gz"
        t = time.monotonic()
        write_snapshot(generated(n), path)
        print(f"snapshot of {n} users written in {time.monotonic() - t:.1f}s, {path.stat().st_size / 1e6:.1f} MB")
        p = subprocess.run(["/usr/bin/time", "-v", str(ROOT / ".venv" / "bin" / "python"), "-c", ANALYSE,
                            str(path)], capture_output=True, text=True)
        print(p.stderr.splitlines()[0])
        wall, rss = timed([str(ROOT / ".venv" / "bin" / "python"), "-c", ANALYSE, str(path)])
        print(f"{n} users: load + analysis {wall:.1f}s, peak {rss} MB (whole process)")


if __name__ == "__main__":
    main()
