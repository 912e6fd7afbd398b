"""The document engine is pure Python (no Django, no other Vigie app) and type-checks with mypy --strict."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import vigie.continuity.engine.documents as documents

ENGINE_DIR = Path(documents.__file__).parent


def test_no_module_imports_django_or_another_app():
    offenders = []
    modules = sorted(ENGINE_DIR.rglob("*.py"))
    assert len(modules) >= 8
    for path in modules:
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            for name in names:
                if name.split(".")[0] == "django" or (name.startswith("vigie.")
                                                       and not name.startswith("vigie.continuity.engine")):
                    offenders.append(f"{path.name}: {name}")
    assert offenders == []


def test_the_public_names_are_exported():
    for name in documents.__all__:
        assert hasattr(documents, name), name


def test_mypy_strict_is_clean():
    mypy = Path(sys.executable).with_name("mypy")
    assert mypy.exists() or shutil.which("mypy"), "mypy is a test dependency"
    result = subprocess.run([str(mypy), "--strict", "--no-incremental", "--cache-dir=/dev/null", str(ENGINE_DIR)],
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
