"""Settings for the test suite: the normal settings, with a throw-away data directory.

The directory is chosen before vigie.settings reads it and exported, so worker processes that tests
start share it. Each pytest-xdist worker (scripts/test runs several) gets its own: a worker inherits the
controller's environment, and processes its tests start inherit the worker's.
"""

import os
import tempfile

_worker = os.environ.get("PYTEST_XDIST_WORKER", "")
if "VIGIE_DATA_DIR" not in os.environ or os.environ.get("VIGIE_TEST_DATA_WORKER", "") != _worker:
    os.environ["VIGIE_DATA_DIR"] = tempfile.mkdtemp(prefix=f"vigie-tests-{_worker}-" if _worker else "vigie-tests-")
    os.environ["VIGIE_TEST_DATA_WORKER"] = _worker

from .settings import *  # noqa: E402,F403
