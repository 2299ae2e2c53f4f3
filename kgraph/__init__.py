"""kgraph: scientific abstracts in, a knowledge graph out.

>>> import kgraph
>>> kg = kgraph.build(["examples/papers.jsonl"])      # doctest: +SKIP
>>> kg.related(kg.papers[0].id, k=3)                  # doctest: +SKIP

Importing kgraph does no work: the pipeline and models load on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .version import __version__

__all__ = [
    "Entity",
    "EntityKind",
    "KGraphError",
    "KnowledgeGraph",
    "Link",
    "Mention",
    "Paper",
    "__version__",
    "build",
    "load",
]

if TYPE_CHECKING:
    from .api import KnowledgeGraph, build, load
    from .errors import KGraphError
    from .model import Entity, EntityKind, Link, Mention, Paper

_LAZY = {
    "KnowledgeGraph": "api", "build": "api", "load": "api",
    "KGraphError": "errors",
    "Entity": "model", "EntityKind": "model", "Link": "model", "Mention": "model", "Paper": "model",
}


def __getattr__(name: str) -> Any:
    # keeps `import kgraph` instant: spaCy, rdflib and networkx load only when used
    if name in _LAZY:
        from importlib import import_module

        return getattr(import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module 'kgraph' has no attribute {name!r}")
