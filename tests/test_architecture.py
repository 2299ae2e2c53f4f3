"""The stages of kgraph import only the stages before them, and nothing imports in a circle.

Every ``import`` in kgraph/ counts, at module level or inside a function: an import
deferred into a function still ties the two modules together. The order is the data
flow of docs/ARCHITECTURE.md; a new module must be given a stage here.
"""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx
import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "kgraph"

#: Stage of each top-level module or sub-package; a module may import its own stage or lower ones.
STAGES: dict[str, int] = {
    "version": 0, "errors": 0, "text": 0,
    "model": 1, "mentions": 1, "resources": 1, "atomic": 1, "cache": 1, "process": 1,
    "readers": 2,
    "extract": 3,
    "run": 4,
    "resolve": 5,
    "graph": 6,
    "rdf": 7,
    "export": 8,
    "builder": 9,
    "api": 10, "serve": 10,
    "cli": 11,
    "__init__": 12,
}


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _imports(name: str, path: Path, known: set[str]) -> set[str]:
    """The kgraph modules that ``name`` imports anywhere in its source."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.split(".")[0] == "kgraph")
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.split(".")[0] != "kgraph":
                continue
            for alias in node.names:  # "from . import components" imports the module kgraph.extract.components
                found.add(f"{target}.{alias.name}" if f"{target}.{alias.name}" in known else target)
    found.discard(name)
    return found


def _graph() -> nx.DiGraph:
    modules = _modules()
    graph = nx.DiGraph()
    graph.add_nodes_from(modules)
    for name, path in modules.items():
        graph.add_edges_from((name, target) for target in _imports(name, path, set(modules)))
    return graph


def _stage(module: str) -> int:
    parts = module.split(".")
    return STAGES["__init__"] if len(parts) == 1 else STAGES[parts[1]]


def test_every_module_has_a_stage():
    missing = sorted({m.split(".")[1] for m in _modules() if "." in m and m.split(".")[1] not in STAGES})
    assert not missing, f"give these a stage in STAGES: {missing}"


def test_no_import_runs_back_up_the_stages():
    upward = [(a, b) for a, b in _graph().edges if _stage(b) > _stage(a)]
    assert not upward, "\n".join(f"{a} (stage {_stage(a)}) imports {b} (stage {_stage(b)})" for a, b in upward)


def test_no_import_circle():
    cycles = list(nx.simple_cycles(_graph()))
    assert not cycles, f"import circles: {cycles}"


def test_the_text_layer_imports_nothing_else_of_kgraph():
    outside = [(a, b) for a, b in _graph().edges if a.startswith("kgraph.text") and not b.startswith("kgraph.text")]
    assert not outside


@pytest.mark.parametrize("source, expected", [
    ("from ..model import Paper", {"kgraph.model"}),
    ("def f():\n    from ..builder import x", {"kgraph.builder"}),
    ("from . import components", {"kgraph.extract.components"}),
    ("import kgraph.api", {"kgraph.api"}),
])
def test_the_checker_sees_every_kind_of_import(tmp_path, source, expected):
    path = tmp_path / "kgraph" / "extract" / "probe.py"
    path.parent.mkdir(parents=True)
    path.write_text(source)
    known = {"kgraph.model", "kgraph.builder", "kgraph.extract.components", "kgraph.api", "kgraph.extract.probe"}
    assert _imports("kgraph.extract.probe", path, known) == expected
