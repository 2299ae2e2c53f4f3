"""The dependencies pyproject.toml declares are the third-party packages kgraph imports."""

from __future__ import annotations

import ast
import re
import sys
from importlib.metadata import packages_distributions
from pathlib import Path

import pytest

tomllib = pytest.importorskip("tomllib", reason="reading pyproject.toml needs Python >= 3.11's tomllib")

REPO = Path(__file__).resolve().parents[1]


def _requirement_names(requirements: list[str]) -> set[str]:
    return {re.split(r"[\s\[<>=!~;]", r, maxsplit=1)[0].lower().replace("_", "-") for r in requirements}


def _imported_top_levels() -> set[str]:
    found: set[str] = set()
    for path in (REPO / "kgraph").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found.update(a.name.split(".")[0] for a in node.names)
            elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
                found.add(node.module.split(".")[0])
    return {name for name in found if name not in sys.stdlib_module_names and name != "kgraph"}


def test_every_import_is_declared_and_every_core_dependency_is_imported():
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    core = _requirement_names(project["dependencies"])
    extras = set().union(*(_requirement_names(r) for r in project["optional-dependencies"].values()))
    owners = packages_distributions()
    imported = {name: {d.lower().replace("_", "-") for d in owners.get(name, [name])} for name in _imported_top_levels()}
    undeclared = {name for name, dists in imported.items() if not dists & (core | extras)}
    assert not undeclared, f"imported but not declared in pyproject.toml: {sorted(undeclared)}"
    unused = core - set().union(*imported.values())
    assert not unused, f"declared but never imported by kgraph: {sorted(unused)}"
