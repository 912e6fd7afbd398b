"""Settings for the test suite: the normal settings, with a throw-away data directory.

The directory is chosen before vigie.settings reads it and exported, so worker processes that tests
start share it.
"""

import os
import tempfile

os.environ.setdefault("VIGIE_DATA_DIR", tempfile.mkdtemp(prefix="vigie-tests-"))

from .settings import *  # noqa: E402,F403
