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
