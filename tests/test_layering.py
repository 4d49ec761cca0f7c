"""Which package may import which, read from the source: data flows one way. ``training`` writes a model, ``ner``
reads it, ``localize`` takes entities, ``demo`` and ``corpus`` only wire ``ner`` and ``localize``; ``conll`` (the
one CoNLL reader and writer) sits below ``training``, ``corpus`` and the benchmarks, so none of them needs another.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
# Every project package and the project packages it may import (its own modules aside).
ALLOWED: dict[str, set[str]] = {
    "ner": set(),
    "localize": set(),  # entities come in as plain dicts: never ner
    "conll": {"localize"},  # conll.rewrite hands a labelled document's gold entities to localize
    "training": {"ner", "localize", "conll"},  # ner loads what training writes; --augment rewrites with localize
    "corpus": {"ner", "localize", "conll"},
    "demo": {"ner", "localize"},
}
# Programs inside a package may wire in more: ``python -m localize`` tags its input with ner (imported lazily there).
PROGRAMS: dict[str, set[str]] = {"localize/__main__.py": {"ner"}}
BENCHMARK_SHARED = "common"  # benchmarks/common.py: the one module the benchmarks share


def imported(path: Path) -> set[str]:
    """Top-level names of the absolute imports in a file, wherever they stand (functions, TYPE_CHECKING too)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_every_package_is_in_the_table() -> None:
    packages = {path.parent.name for path in REPO.glob("*/__init__.py")} - {"tests"}
    assert packages == set(ALLOWED)


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_a_package_imports_only_the_layers_below_it(package: str) -> None:
    others = set(ALLOWED) - {package}
    found = {
        f"{path.relative_to(REPO)} imports {name}"
        for path in (REPO / package).rglob("*.py")
        for name in imported(path) & others - ALLOWED[package] - PROGRAMS.get(path.relative_to(REPO).as_posix(), set())
    }
    assert not found


def test_benchmarks_import_no_other_benchmark() -> None:
    scripts = {path.stem for path in (REPO / "benchmarks").glob("*.py")}
    found = {
        f"{path.name} imports {name}"
        for path in (REPO / "benchmarks").glob("*.py")
        for name in imported(path) & scripts - {BENCHMARK_SHARED}
    }
    assert not found


def test_no_test_edits_sys_path_or_imports_another_test_module() -> None:
    """Shared builders live in tests/conftest.py (fixtures) and tests/helpers.py, not in test modules."""
    found = set()
    for path in (REPO / "tests").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and ast.unparse(node).startswith("sys.path."):
                found.add(f"{path.name} edits sys.path")
            if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[-1].startswith("test_"):
                found.add(f"{path.name} imports {node.module}")
    assert not found


def module_imports(path: Path, modules: set[str]) -> set[str]:
    """The project modules a file imports (relative imports resolved), wherever the import stands."""
    name = ".".join(path.relative_to(REPO).with_suffix("").parts)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    package = package.removesuffix(".__init__")
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1]) if node.level else ""
            module = ".".join(part for part in (base, node.module or "") if part)
            found.update(f"{module}.{alias.name}" if f"{module}.{alias.name}" in modules else module
                         for alias in node.names)  # fmt: skip
    return found & modules


def test_no_package_has_an_import_circle() -> None:
    """Lazy imports count too: corpus.jobs and corpus.ray_engine importing each other was one."""
    paths = {
        ".".join(path.relative_to(REPO).with_suffix("").parts).removesuffix(".__init__"): path
        for package in ALLOWED
        for path in (REPO / package).rglob("*.py")
    }
    graph = {name: module_imports(path, set(paths)) - {name} for name, path in paths.items()}
    circles = set()

    def visit(name: str, trail: tuple[str, ...]) -> None:
        for imported_name in graph[name]:
            if imported_name in trail:
                circles.add(" -> ".join((*trail[trail.index(imported_name) :], imported_name)))
            elif len(trail) < 12:
                visit(imported_name, (*trail, imported_name))

    for start in graph:
        visit(start, (start,))
    assert not circles
