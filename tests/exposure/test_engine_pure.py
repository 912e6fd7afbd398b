"""The exposure engine is pure Python: importing all of it loads no Django."""

import subprocess
import sys


def test_engine_imports_no_django():
    code = ("import sys, vigie.exposure.engine, vigie.exposure.engine.scan, vigie.exposure.engine.report, "
            "vigie.exposure.engine.discovery; print(sorted(m for m in sys.modules if m.split('.')[0] == 'django'))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
