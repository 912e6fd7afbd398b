"""ldap3 vs python-ldap on the same paged search (users' key attributes), same Samba directory.

    python bench/ldap_clients.py   # needs both libraries and a DC on ldaps://127.0.0.1 (see directory_collect.py)

python-ldap needs libldap2-dev/libsasl2-dev to build; it is not a Vigie dependency (see bench/README.md).
"""

from __future__ import annotations

import sys
import time

PW = sys.argv[1] if len(sys.argv) > 1 else "Passw0rd!Adm1n"
BASE = "DC=test,DC=local"
FLT = "(sAMAccountType=805306368)"
ATTRS = ["sAMAccountName", "userAccountControl", "pwdLastSet", "lastLogonTimestamp", "servicePrincipalName",
         "adminCount", "memberOf", "msDS-AllowedToDelegateTo", "objectSid", "primaryGroupID", "whenCreated"]


def with_ldap3() -> int:
    import ssl

    import ldap3

    s = ldap3.Server("127.0.0.1", port=636, use_ssl=True, tls=ldap3.Tls(validate=ssl.CERT_NONE), get_info=ldap3.NONE)
    c = ldap3.Connection(s, "Administrator@test.local", PW, authentication=ldap3.SIMPLE, auto_bind=True)
    n = 0
    for e in c.extend.standard.paged_search(BASE, FLT, attributes=ATTRS, paged_size=1000, generator=True):
        if e["type"] == "searchResEntry":
            n += 1
    return n


def with_python_ldap() -> int:
    import ldap
    from ldap.controls import SimplePagedResultsControl

    ldap.set_option(ldap.OPT_X_TLS_REQUIRE_CERT, ldap.OPT_X_TLS_NEVER)
    c = ldap.initialize("ldaps://127.0.0.1:636")
    c.set_option(ldap.OPT_REFERRALS, 0)
    c.set_option(ldap.OPT_X_TLS_NEWCTX, 0)
    c.simple_bind_s("Administrator@test.local", PW)
    ctrl = SimplePagedResultsControl(True, size=1000, cookie=b"")
    n = 0
    while True:
        msgid = c.search_ext(BASE, ldap.SCOPE_SUBTREE, FLT, ATTRS, serverctrls=[ctrl])
        _t, data, _m, sctrls = c.result3(msgid)
        n += sum(1 for dn, _a in data if dn)
        cookie = next((x.cookie for x in sctrls if x.controlType == SimplePagedResultsControl.controlType), b"")
        if not cookie:
            return n
        ctrl.cookie = cookie


for name, fn in (("ldap3", with_ldap3), ("python-ldap", with_python_ldap)) * 2:
    t = time.perf_counter()
    count = fn()
    print(f"{name:12} {count} users in {time.perf_counter() - t:.2f}s")
