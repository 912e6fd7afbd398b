"""The exposure test bed: a small internet in network namespaces (tests/testbeds/netns.py), built once per
session. Extend `tests.testbeds.netns.HOSTS` (weak and clean hosts per check family) before it starts."""

from __future__ import annotations

import os
import shutil

import pytest

from tests.testbeds.netns import Testbed, TestHost


@pytest.fixture(scope="session")
def netbed():
    missing = [tool for tool in ("ip", "nft", "/usr/sbin/sshd", "ssh-keygen", "gnutls-serv") if not shutil.which(tool)]
    if os.geteuid() != 0 or missing:
        reason = (f"the namespace test bed needs root and "
                  f"{', '.join(missing) or 'iproute2, nftables, openssh-server, gnutls-bin'}")
        if os.environ.get("VIGIE_TEST_REQUIRE_SERVICES"):
            pytest.fail(reason)
        pytest.skip(reason)
    bed = Testbed().start()
    yield bed
    bed.stop()


@pytest.fixture(scope="session")
def slowbed():
    """Two hosts of their own (not in the shared bed, whose hosts other tests count): `rapide` on a veth,
    `lent` behind a relay that holds every packet 150 ms each way (delayline.py), so its round trip is
    300 ms. Namespace names and addresses differ from `netbed`'s, so both can run in one session."""
    missing = [tool for tool in ("ip", "nft") if not shutil.which(tool)]
    if os.geteuid() != 0 or missing or not os.path.exists("/dev/net/tun"):
        reason = "the slow-link test bed needs root, iproute2, nftables and /dev/net/tun"
        if os.environ.get("VIGIE_TEST_REQUIRE_SERVICES"):
            pytest.fail(reason)
        pytest.skip(reason)
    hosts = [TestHost("rapide", ((80, "http"),), filtered=(81,)),
             TestHost("lent", ((80, "http"),), filtered=(81,), delay_ms=150)]
    bed = Testbed(hosts=hosts, pid=os.getpid() + 1_000_000, run=(os.getpid() + 125) % 250 + 1).start()
    yield bed
    bed.stop()
