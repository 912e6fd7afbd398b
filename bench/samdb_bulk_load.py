"""Add an LDIF file to a stopped Samba DC's sam.ldb in one batch-mode transaction.

    /usr/bin/python3 bench/samdb_bulk_load.py PRIVATE/sam.ldb ETC/smb.conf FILE.ldif

Run with Debian's python3: it uses Samba's own Python bindings (python3-samba), not Vigie's venv.
Why: through `ldbadd`, every add runs in a sub-transaction whose index lists (objectClass=user,
objectCategory, the parent's one-level index, ...) are copied whole, so each add costs as much as the
directory is big (measured: the 77th thousand of users took over 4 minutes). ldb's batch mode, the one
`samba-tool domain provision` and `join` use, drops the sub-transactions: the load becomes linear.
A failed add aborts the whole transaction, so the database is left as it was.
"""

import sys
import time

from samba.auth import system_session
from samba.param import LoadParm
from samba.samdb import SamDB

# what samba-tool's provision passes in batch mode (its cache size is chosen for 100,000 users)
OPTIONS = ["batch_mode:1", "transaction_index_cache_size:202481", "lmdb_env_size:17179869184"]


def main() -> None:
    sam, conf, ldif = sys.argv[1:4]
    lp = LoadParm()
    lp.load(conf)
    db = SamDB(url=sam, session_info=system_session(), lp=lp, options=OPTIONS)
    start, done = time.monotonic(), 0
    db.transaction_start()
    try:
        with open(ldif, encoding="utf-8") as f:
            for _, msg in db.parse_ldif(f.read()):
                db.add(msg)
                done += 1
                if done % 5000 == 0:
                    print(f"\r  loaded {done} records, {done / (time.monotonic() - start):.0f}/s", end="", flush=True)
        db.transaction_commit()
    except BaseException:
        db.transaction_cancel()
        raise
    print(f"\r  loaded {done} records in {time.monotonic() - start:.0f}s", flush=True)


if __name__ == "__main__":
    main()
