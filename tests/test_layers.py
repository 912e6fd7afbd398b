"""Layers point one way: `core` imports no domain app, apps import each other without cycles, engines are
imported from their package root only, function-local imports stay few and explained, and every app has
the same layout (docs/layers.md).

Read by `ast`, never imported, so a cycle cannot hide behind a function-local import. Run the file itself
(`python tests/test_layers.py`) for the counts.
"""

from __future__ import annotations

import ast
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src"
PACKAGE = SRC / "vigie"
DOMAIN_APPS = {
    "accounts", "organisations", "compliance", "actions", "directory", "exercises", "exposure",
    "continuity", "steering", "awareness",
}
MAX_LOCAL_IMPORTS = 40
# A function-local import carries its reason in a comment on its line or just above its block of imports.
REASONS = ("optional dependency", "heavy import", "cycle", "app registry")


@dataclass(frozen=True)
class Import:
    module: str  # the importing module, dotted
    target: str  # the imported module, dotted (for `from X import y`: X, or X.y when y is a module)
    names: tuple[str, ...]  # the names taken by `from X import ...`, empty for `import X`
    local: bool  # inside a function
    line: int
    path: Path


def module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _absolute(node: ast.ImportFrom, module: str, is_package: bool) -> str:
    if not node.level:
        return node.module or ""
    base = module.split(".") if is_package else module.split(".")[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def _is_module(dotted: str) -> bool:
    path = SRC.joinpath(*dotted.split("."))
    return path.with_suffix(".py").exists() or (path / "__init__.py").exists()


def _exported(dotted: str) -> set[str]:
    """The names a package lists in `__all__` (read, not imported)."""
    init = SRC.joinpath(*dotted.split("."), "__init__.py")
    if not init.exists():
        return set()
    for node in ast.parse(init.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "__all__" for t in node.targets):
            return set(ast.literal_eval(node.value))
    return set()


def imports_of(path: Path) -> list[Import]:
    module = module_name(path)
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    found: list[Import] = []

    def visit(node: ast.AST, local: bool) -> None:
        for child in ast.iter_child_nodes(node):
            inner = local or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
            if isinstance(child, ast.Import):
                found.extend(Import(module, a.name, (), local, child.lineno, path) for a in child.names)
            elif isinstance(child, ast.ImportFrom):
                target = _absolute(child, module, path.name == "__init__.py")
                names = tuple(a.name for a in child.names)
                # `from package import module` names the module, unless the package exports it (`__all__`)
                exported = _exported(target)
                submodules = [f"{target}.{n}" for n in names if n not in exported and _is_module(f"{target}.{n}")]
                for dotted in submodules:
                    found.append(Import(module, dotted, (), local, child.lineno, path))
                rest = tuple(n for n in names if f"{target}.{n}" not in submodules)
                if rest or not submodules:
                    found.append(Import(module, target, rest, local, child.lineno, path))
            visit(child, inner)

    visit(tree, False)
    return found


def all_imports() -> list[Import]:
    return [i for path in sorted(PACKAGE.rglob("*.py")) for i in imports_of(path)]


def app_of(dotted: str) -> str | None:
    """`core` or a domain app for a module of the package; None for the project modules and the rest."""
    parts = dotted.split(".")
    if len(parts) >= 2 and parts[0] == "vigie" and (parts[1] == "core" or parts[1] in DOMAIN_APPS):
        return parts[1]
    return None


def app_graph(imports: list[Import]) -> dict[tuple[str, str], list[Import]]:
    edges: dict[tuple[str, str], list[Import]] = defaultdict(list)
    for i in imports:
        source, target = app_of(i.module), app_of(i.target)
        if source and target and source != target:
            edges[source, target].append(i)
    return edges


def cycles(edges: dict[tuple[str, str], list[Import]]) -> list[list[str]]:
    """The strongly connected components of more than one app (Tarjan)."""
    graph: dict[str, set[str]] = defaultdict(set)
    for source, target in edges:
        graph[source].add(target)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def strongconnect(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for succ in sorted(graph[node]):
            if succ not in index:
                strongconnect(succ)
                low[node] = min(low[node], low[succ])
            elif succ in stack:
                low[node] = min(low[node], index[succ])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            strongconnect(node)
    return found


def _where(i: Import) -> str:
    return f"{i.path.relative_to(SRC.parent)}:{i.line} {i.module} -> {i.target}"


def test_core_imports_no_domain_app():
    offending = [
        _where(i) for i in all_imports()
        if app_of(i.module) == "core" and app_of(i.target) in DOMAIN_APPS
    ]
    assert not offending, "core imports domain apps:\n" + "\n".join(offending)


def test_no_import_cycle_between_apps():
    edges = app_graph(all_imports())
    report = []
    for component in cycles(edges):
        report.append("cycle between " + ", ".join(component) + ":")
        for (source, target), found in sorted(edges.items()):
            if source in component and target in component:
                report.extend("  " + _where(i) for i in found)
    assert not report, "\n".join(report)


def _engine_all(app: str) -> set[str]:
    return _exported(f"vigie.{app}.engine")


def test_engines_are_imported_from_their_package_root():
    offending = []
    for i in all_imports():
        parts = i.target.split(".")
        if len(parts) < 3 or parts[0] != "vigie" or parts[2] != "engine":
            continue
        engine = ".".join(parts[:3])
        if i.module == engine or i.module.startswith(engine + "."):
            continue  # the engine's own modules
        if i.target != engine:
            offending.append(_where(i) + " (import the package root)")
        elif i.names and not set(i.names) <= _engine_all(parts[1]):
            missing = ", ".join(sorted(set(i.names) - _engine_all(parts[1])))
            offending.append(_where(i) + f" ({missing} not in its __all__)")
    assert not offending, "engine internals imported from outside:\n" + "\n".join(offending)


def local_imports() -> list[Import]:
    seen: dict[tuple[Path, int], Import] = {}
    for i in all_imports():
        if i.local:
            seen.setdefault((i.path, i.line), i)  # one statement counts once
    return list(seen.values())


def _reason(i: Import) -> bool:
    lines = i.path.read_text(encoding="utf-8").splitlines()
    start = i.line - 1
    while start > 0 and lines[start - 1].strip().startswith(("from ", "import ", "#")) or (
            start > 0 and not lines[start - 1].strip() and lines[start - 2].strip().startswith(("from ", "import "))):
        start -= 1
    around = " ".join(lines[start: i.line]).lower()
    return "#" in around and any(reason in around for reason in REASONS)


def test_function_local_imports_are_few_and_explained():
    found = local_imports()
    assert len(found) <= MAX_LOCAL_IMPORTS, (
        f"{len(found)} function-local imports (at most {MAX_LOCAL_IMPORTS}):\n"
        + "\n".join(_where(i) for i in found)
    )
    unexplained = [_where(i) for i in found if not _reason(i)]
    assert not unexplained, (
        "function-local imports without a comment giving their reason (" + ", ".join(REASONS) + "):\n"
        + "\n".join(unexplained)
    )


# The names every app uses for the same things (docs/layers.md); each is a module or, once it grows, a
# package of the same name. API schemas live in `api/`, beside the routes.
LAYOUT_NAMES = ("models", "views", "api", "forms", "filters", "services", "urls", "jobs", "tasks", "engine")


def layout_problems(app_dir: Path) -> list[str]:
    problems = []
    modules = {p.stem for p in app_dir.glob("*.py")}
    packages = {p.name for p in app_dir.iterdir() if (p / "__init__.py").exists()}
    for name in sorted(modules):
        stem = name.split("_", 1)[0]
        if "_" in name and stem in LAYOUT_NAMES + ("schemas",):
            problems.append(f"{app_dir.name}/{name}.py: belongs in {stem}/ (a package), not beside {stem}")
    if "schemas" in modules:
        problems.append(f"{app_dir.name}/schemas.py: API schemas live in api/ (api/schemas.py)")
    for name in sorted(modules & packages):
        problems.append(f"{app_dir.name}/{name}.py and {app_dir.name}/{name}/: one or the other")
    return problems


def test_every_app_follows_the_layout():
    problems = [p for app in sorted(DOMAIN_APPS) if (PACKAGE / app).is_dir() for p in layout_problems(PACKAGE / app)]
    assert not problems, "apps off the layout (docs/layers.md):\n" + "\n".join(problems)


def test_the_layout_check_names_what_is_off(tmp_path):
    app = tmp_path / "someapp"
    (app / "api").mkdir(parents=True)
    (app / "api" / "__init__.py").write_text("")
    for name in ("views_log.py", "api_inventory.py", "schemas.py", "api.py", "forms.py"):
        (app / name).write_text("")
    problems = "\n".join(layout_problems(app))
    assert "views_log.py" in problems and "api_inventory.py" in problems and "schemas.py" in problems
    assert "someapp/api.py and someapp/api/" in problems
    assert "forms.py" not in problems


if __name__ == "__main__":
    imports = all_imports()
    edges = app_graph(imports)
    print(f"function-local imports: {len(local_imports())}")
    print(f"app import cycles: {len(cycles(edges))} {cycles(edges)}")
    for (source, target), found in sorted(edges.items()):
        if "-v" in sys.argv:
            print(f"  {source} -> {target}: {len(found)}")
