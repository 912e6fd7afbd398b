"""The engine is pure Python: no module under vigie/directory/engine imports Django."""

from __future__ import annotations

import ast
import importlib
import pkgutil
from pathlib import Path

import vigie.directory.engine as engine

ENGINE_DIR = Path(engine.__file__).parent


def _modules() -> list[Path]:
    return sorted(ENGINE_DIR.rglob("*.py"))


def test_no_engine_module_imports_django():
    """Every engine file is parsed; none imports django or another Vigie app."""
    assert len(_modules()) > 10
    offenders = []
    for path in _modules():
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            for name in names:
                if name.split(".")[0] == "django" or (name.startswith("vigie.") and
                                                       not name.startswith("vigie.directory.engine")):
                    offenders.append(f"{path.relative_to(ENGINE_DIR)}: {name}")
    assert offenders == []


def test_every_engine_module_declares_all():
    """Public modules list their names in __all__ and import cleanly."""
    for info in pkgutil.walk_packages(engine.__path__, "vigie.directory.engine."):
        module = importlib.import_module(info.name)
        assert hasattr(module, "__all__") or info.name.rsplit(".", 1)[1].startswith("_") \
            or info.name.startswith("vigie.directory.engine.rules."), info.name
