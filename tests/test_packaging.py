"""Every file the package needs besides Python modules is declared as package data, so a non-editable
install (the README's first command) has its templates, static files and translations."""

import tomllib
from pathlib import Path

import vigie

ROOT = Path(vigie.__file__).parent
PYPROJECT = ROOT.parent.parent / "pyproject.toml"


def test_every_data_file_is_declared():
    patterns = tomllib.loads(PYPROJECT.read_text())["tool"]["setuptools"]["package-data"]["vigie"]
    declared = {path for pattern in patterns for path in ROOT.glob(pattern) if path.is_file()}
    data = {
        path for path in ROOT.rglob("*")
        if path.is_file() and path.suffix not in (".py", ".pyc") and "__pycache__" not in path.parts
    }
    assert sorted(str(p.relative_to(ROOT)) for p in data - declared) == []
