"""Canned SPARQL queries shipped in ``ontology/queries/*.rq``.

Each file starts with comment lines naming it and its parameters::

    # title: Top entities of a type, by the number of papers that mention them
    # param: kind = Method | the type: Method, Dataset, Task, Metric or Concept | class
    # param: limit = 20 | how many rows | int

A parameter's optional type says how its value is bound: ``text`` (default) as a
string, ``lower`` as the lower-cased string (matched against ``kg:lookupLabel``, which
every entity carries for each of its labels, so the lookup is an index hit rather than
a scan), ``class`` as the IRI of the kgraph class of that name, ``int`` as a ``LIMIT``,
``year`` as an integer.
Parameters replace their variables with the value serialised by pyoxigraph as an
N-Triples term (quotes, backslashes and newlines escaped), so a value is always one
literal and can never change the query's structure; with constants in place the engine
starts from an index lookup (a ``VALUES`` block was joined late: 0.8 s instead of ms at
5M triples). ``int`` parameters become a ``LIMIT`` clause (and an integer wherever the
query names them).

``$cooccurrenceMinPapers`` is not a parameter: it becomes the threshold the queried
build materialised co-occurrences with (``kg:cooccurrenceMinPapers``), as a constant:
read from the store in a join, it made the engine count every mention first (50 s
instead of 2 ms at 10k papers).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import cast

import pyoxigraph as ox

from ..errors import OptionError, QueryError
from ..resources import ontology_dir
from ..text.labels import lookup_label
from .namespaces import PREFIXES
from .store import QueryResult, run_query

_PARAM = re.compile(r"^#\s*param:\s*(\w+)\s*=\s*([^|]*?)\s*\|\s*([^|]*?)\s*(?:\|\s*(text|lower|class|int|year)\s*)?$")
_INTEGER = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")
CLASSES = ("Method", "Dataset", "Task", "Metric", "Concept", "Paper")
_TITLE = re.compile(r"^#\s*title:\s*(.*)$")
THRESHOLD = "$cooccurrenceMinPapers"
#: Builds made before the threshold was recorded materialised every entity in 2+ papers.
_OLD_THRESHOLD = 2


def cooccurrence_threshold(run: Callable[[str], QueryResult]) -> int:
    """The ``kg:cooccurrenceMinPapers`` of a build, through ``run`` (a store or an endpoint)."""
    rows = run("SELECT ?m WHERE { ?build kg:cooccurrenceMinPapers ?m } LIMIT 1").rows
    return int(cast("int | float | str", rows[0][0])) if rows else _OLD_THRESHOLD


@dataclass(frozen=True)
class Param:
    name: str
    default: str
    description: str
    type: str = "text"


@dataclass(frozen=True)
class CannedQuery:
    name: str
    title: str
    params: tuple[Param, ...]
    text: str

    @property
    def needs_threshold(self) -> bool:
        """Whether :meth:`bind` needs the build's co-occurrence threshold."""
        return THRESHOLD in self.text

    def bind(self, values: dict[str, str], threshold: int | None = None) -> str:
        """The query text with ``values`` bound (defaults fill the rest) and ``threshold``
        (see :func:`cooccurrence_threshold`) in place of ``$cooccurrenceMinPapers``.

        Raises
        ------
        QueryError
            For an unknown parameter, a missing value, or a non-integer ``limit``.
        """
        if self.needs_threshold and threshold is None:
            raise OptionError(f"query {self.name!r} needs the build's co-occurrence threshold")
        known = {p.name: p for p in self.params}
        unknown = sorted(set(values) - set(known))
        if unknown:
            raise QueryError(f"query {self.name!r} has no parameter {unknown[0]!r}; "
                             f"it takes: {', '.join(known) or 'none'}")
        if self.needs_threshold and threshold is not None:  # (a missing one was refused above)
            text = self.text.replace(THRESHOLD, str(int(threshold)))
        else:
            text = self.text
        bound: dict[str, ox.Literal | ox.NamedNode] = {}
        for param in self.params:
            value = values.get(param.name, param.default)
            if value == "":
                raise QueryError(f"query {self.name!r} needs --param {param.name}=… ({param.description})")
            if param.type == "int":
                if not value.isdigit():
                    raise QueryError(f"--param {param.name} must be a whole number, got {value!r}")
                text = f"{text.rstrip()}\nLIMIT {int(value)}\n"
                bound[param.name] = ox.Literal(str(int(value)), datatype=_INTEGER)
            elif param.type == "year":
                if not re.fullmatch(r"-?\d{1,4}", value.strip()):
                    raise QueryError(f"--param {param.name} must be a year, got {value!r}")
                bound[param.name] = ox.Literal(str(int(value)), datatype=_INTEGER)
            elif param.type == "class":
                name = value.strip().capitalize()
                if name not in CLASSES:
                    raise QueryError(f"--param {param.name} must be one of {', '.join(CLASSES)}, got {value!r}")
                bound[param.name] = ox.NamedNode(PREFIXES["kg"] + name)
            elif param.type == "lower":
                bound[param.name] = ox.Literal(lookup_label(value))
            else:
                bound[param.name] = ox.Literal(value)
        for name, term in bound.items():
            # the term in N-Triples syntax as pyoxigraph writes it: quotes, backslashes and
            # newlines escaped, so it is one SPARQL token whatever the value holds
            text = re.sub(rf"[?$]{name}\b", lambda _: str(term), text)  # noqa: B023 - re.sub calls it at once
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
            name, default, description, kind = match.groups()
            params.append(Param(name, default, description, kind or "text"))
    return CannedQuery(path.stem, title, tuple(params), path.read_text(encoding="utf-8"))


def canned_queries() -> dict[str, CannedQuery]:
    """The shipped queries by name."""
    return {q.name: q for q in map(parse_query_file, sorted((ontology_dir() / "queries").glob("*.rq")))}


def canned_query(name: str) -> CannedQuery:
    queries = canned_queries()
    if name not in queries:
        raise QueryError(f"no canned query {name!r}; `kgraph query --list` shows: {', '.join(queries)}")
    return queries[name]


def bind_canned(name: str, values: dict[str, str], run: Callable[[str], QueryResult]) -> str:
    """A shipped query's text, bound for the build that ``run`` queries (a store or an
    endpoint: it is asked for the build's co-occurrence threshold when the query needs it)."""
    query = canned_query(name)
    return query.bind(values, cooccurrence_threshold(run) if query.needs_threshold else None)


def run_canned(store: ox.Store, name: str, values: dict[str, str]) -> QueryResult:
    """Run a shipped query with parameter values."""
    run = partial(run_query, store)
    return run(bind_canned(name, values, run))
