"""Canned SPARQL queries shipped in ``ontology/queries/*.rq``.

Each file starts with comment lines naming it and its parameters::

    # title: Top entities of a type, by the number of papers that mention them
    # param: kind = Method | the type: Method, Dataset, Task, Metric or Concept
    # param: limit = 20 | how many rows

Parameters are bound with a ``VALUES`` block at the start of the ``WHERE`` clause whose
literals are serialised by pyoxigraph (quotes and newlines escaped), so a value can
never change the query's structure; ``limit`` must be an integer and becomes a
``LIMIT`` clause.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from ..errors import QueryError
from ..resources import ontology_dir
from .store import QueryResult, run_query

_PARAM = re.compile(r"^#\s*param:\s*(\w+)\s*=\s*([^|]*?)\s*\|\s*(.*)$")
_TITLE = re.compile(r"^#\s*title:\s*(.*)$")


@dataclass(frozen=True)
class Param:
    name: str
    default: str
    description: str


@dataclass(frozen=True)
class CannedQuery:
    name: str
    title: str
    params: tuple[Param, ...]
    text: str

    def bind(self, values: dict[str, str]) -> str:
        """The query text with ``values`` bound (defaults fill the rest).

        Raises
        ------
        QueryError
            For an unknown parameter, a missing value, or a non-integer ``limit``.
        """
        known = {p.name: p for p in self.params}
        unknown = sorted(set(values) - set(known))
        if unknown:
            raise QueryError(f"query {self.name!r} has no parameter {unknown[0]!r}; it takes: {', '.join(known) or 'none'}")
        text = self.text
        bound: dict[str, ox.Literal] = {}
        for param in self.params:
            value = values.get(param.name, param.default)
            if value == "":
                raise QueryError(f"query {self.name!r} needs --param {param.name}=… ({param.description})")
            if param.name == "limit":
                if not value.isdigit():
                    raise QueryError(f"--param limit must be a whole number, got {value!r}")
                text = f"{text.rstrip()}\nLIMIT {int(value)}\n"
            else:
                bound[param.name] = ox.Literal(value)
        if bound:
            names = " ".join(f"?{n}" for n in bound)
            row = " ".join(str(v) for v in bound.values())  # N-Triples syntax: escaped by pyoxigraph
            where = re.search(r"\bWHERE\s*\{", text, re.I)
            if where is None:
                raise QueryError(f"query {self.name!r} has no WHERE clause to bind parameters in")
            text = f"{text[:where.end()]}\n  VALUES ({names}) {{ ({row}) }}{text[where.end():]}"
        return text


def parse_query_file(path: Path) -> CannedQuery:
    title = ""
    params = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            break
        if match := _TITLE.match(line):
            title = match.group(1)
        elif match := _PARAM.match(line):
            params.append(Param(*match.groups()))
    return CannedQuery(path.stem, title, tuple(params), path.read_text(encoding="utf-8"))


def canned_queries() -> dict[str, CannedQuery]:
    """The shipped queries by name."""
    return {q.name: q for q in map(parse_query_file, sorted((ontology_dir() / "queries").glob("*.rq")))}


def canned_query(name: str) -> CannedQuery:
    queries = canned_queries()
    if name not in queries:
        raise QueryError(f"no canned query {name!r}; `kgraph query --list` shows: {', '.join(queries)}")
    return queries[name]


def run_canned(store: ox.Store, name: str, values: dict[str, str]) -> QueryResult:
    """Run a shipped query with parameter values."""
    return run_query(store, canned_query(name).bind(values))
