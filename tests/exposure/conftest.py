"""The exposure test bed: a small internet in network namespaces (tests/testbeds/netns.py), built once per
session. Extend `tests.testbeds.netns.HOSTS` (weak and clean hosts per check family) before it starts."""

from __future__ import annotations

import os
import shutil

import pytest

from tests.testbeds.netns import Testbed


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
