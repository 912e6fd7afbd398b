"""The exposure engine (checks, knowledge base, CPE) is pure Python: no Django, no other Vigie app."""

import ast
from pathlib import Path

import vigie.exposure.engine as engine

ENGINE_DIR = Path(engine.__file__).parent


def test_no_engine_module_imports_django():
    modules = sorted(ENGINE_DIR.rglob("*.py"))
    assert any(p.parent.name == "checks" for p in modules) and any(p.parent.name == "vulndb" for p in modules)
    offenders = []
    for path in modules:
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else (
                [node.module] if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module else [])
            offenders += [f"{path.name}: {n}" for n in names
                          if n.split(".")[0] == "django" or (n.startswith("vigie.") and not n.startswith("vigie.exposure.engine"))]
    assert offenders == []
