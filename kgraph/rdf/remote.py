"""Load a build into an external SPARQL server and query it there.

When one machine's embedded store is not enough (see README "Bigger stores"), a build
goes to any server speaking the SPARQL 1.1 **Graph Store Protocol** (Oxigraph, Jena
Fuseki, GraphDB, Virtuoso…): :func:`push` PUTs each named graph of the build's
``graph.trig`` — one per paper, plus the entities, the links and the build activity —
so a paper is replaced without touching the others. A manifest graph on the server
remembers each graph's content hash: a re-push sends only the graphs that changed and
deletes those of papers no longer in the build.

:func:`remote_query` runs a query over the SPARQL 1.1 **Protocol** and returns the same
:class:`~kgraph.rdf.store.QueryResult` as the embedded store. The canned queries expect
the default graph to be the union of the named graphs (``oxigraph serve
--union-default-graph``; Fuseki ``tdb2:unionDefaultGraph true``).
"""

from __future__ import annotations

import hashlib
import http.client
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast
from urllib.parse import quote, urlsplit

import pyoxigraph as ox

from ..errors import KGraphError, QueryError
from .namespaces import DATA, PREFIXES, sparql_prefixes
from .store import QueryResult

TRIG_FILE = "graph.trig"
MANIFEST = DATA + "graph/manifest"
_HAS_GRAPH = PREFIXES["kg"] + "hasGraph"
_CONTENT_HASH = PREFIXES["kg"] + "contentHash"


class RemoteError(KGraphError):
    """The external server refused a request or could not be reached."""


@dataclass(frozen=True)
class PushSummary:
    """What a push did: graphs sent, left as they were, and deleted."""

    sent: int
    unchanged: int
    deleted: int


def named_graphs(trig: Path) -> Iterator[tuple[str, bytes]]:
    """``(graph IRI, N-Triples bytes)`` for each named graph of a build's TriG file.

    The build writes quads sorted by graph, so graphs stream one after another.
    """
    current: str | None = None
    triples: list[ox.Triple] = []
    for quad in ox.parse(path=str(trig), format=ox.RdfFormat.TRIG):
        graph = quad.graph_name
        if not isinstance(graph, ox.NamedNode):
            raise KGraphError(f"{trig}: a triple outside any named graph ({quad}); rebuild with this kgraph")
        if graph.value != current:
            if current is not None:
                yield current, cast(bytes, ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES))
            current, triples = graph.value, []
        triples.append(quad.triple)
    if current is not None:
        yield current, cast(bytes, ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES))


class _Client:
    """One keep-alive HTTP connection to a server (thousands of small requests)."""

    def __init__(self, url: str, timeout: float) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise RemoteError(f"{url}: not an http(s) URL")
        self.url = url
        self.path = parts.path or "/"
        self.query = parts.query
        factory = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
        self.connection = factory(parts.netloc, timeout=timeout)

    def request(self, method: str, params: str = "", body: bytes | None = None,
                headers: dict[str, str] | None = None) -> tuple[int, bytes]:
        target = (self.path + "?" + "&".join(p for p in (self.query, params) if p) if (self.query or params)
                  else self.path)
        for attempt in (1, 2):  # a kept-alive connection the server closed: reconnect once
            try:
                self.connection.request(method, target, body=body, headers=headers or {})
                response = self.connection.getresponse()
                return response.status, response.read()
            except (ConnectionResetError, ConnectionAbortedError, BrokenPipeError, http.client.HTTPException) as exc:
                self.connection.close()
                if attempt == 2:
                    raise RemoteError(f"{self.url}: the server closed the connection ({exc})") from None
            except OSError as exc:
                raise RemoteError(f"{self.url}: cannot reach the server ({exc})") from None
        raise AssertionError("unreachable")

    def graph(self, method: str, graph: str, body: bytes | None = None) -> tuple[int, bytes]:
        headers = {"Content-Type": "application/n-triples"} if body is not None else {"Accept": "application/n-triples"}
        return self.request(method, "graph=" + quote(graph, safe=""), body, headers)


def _manifest(graphs: dict[str, str]) -> bytes:
    root = ox.NamedNode(MANIFEST)
    triples = []
    for graph, digest in sorted(graphs.items()):
        triples.append(ox.Triple(root, ox.NamedNode(_HAS_GRAPH), ox.NamedNode(graph)))
        triples.append(ox.Triple(ox.NamedNode(graph), ox.NamedNode(_CONTENT_HASH), ox.Literal(digest)))
    return cast(bytes, ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES))  # bytes: no output given


def _read_manifest(body: bytes) -> dict[str, str]:
    hashes: dict[str, str] = {}
    for triple in ox.parse(body, format=ox.RdfFormat.N_TRIPLES):
        if triple.predicate.value == _CONTENT_HASH:
            hashes[triple.subject.value] = triple.object.value
    return hashes


def push(build_dir: Path, endpoint: str, *, timeout: float = 60.0) -> PushSummary:
    """Load a build into a Graph Store Protocol endpoint (e.g. ``http://127.0.0.1:7878/store``).

    Raises
    ------
    RemoteError
        When the server is unreachable or refuses a request (its status and message
        are in the error).
    """
    trig = build_dir / TRIG_FILE
    if not trig.is_file():
        raise KGraphError(f"{build_dir}: no {TRIG_FILE}; run `kgraph build` first (without --skip trig)")
    client = _Client(endpoint, timeout)
    status, body = client.graph("GET", MANIFEST)
    previous = _read_manifest(body) if status == 200 else {}
    current: dict[str, str] = {}
    sent = unchanged = 0
    for graph, payload in named_graphs(trig):
        digest = hashlib.sha1(payload).hexdigest()
        current[graph] = digest
        if previous.get(graph) == digest:
            unchanged += 1
            continue
        _check(client.graph("PUT", graph, payload), "PUT", graph)
        sent += 1
    stale = sorted(set(previous) - set(current))
    for graph in stale:
        status, body = client.graph("DELETE", graph)
        if status != 404:
            _check((status, body), "DELETE", graph)
    _check(client.graph("PUT", MANIFEST, _manifest(current)), "PUT", MANIFEST)
    return PushSummary(sent, unchanged, len(stale))


def _check(response: tuple[int, bytes], method: str, graph: str) -> None:
    status, body = response
    if not 200 <= status < 300:
        raise RemoteError(f"{method} <{graph}> failed with HTTP {status}: {body[:300].decode('utf-8', 'replace')}")


def remote_query(endpoint: str, sparql: str, *, timeout: float = 60.0) -> QueryResult:
    """Run a SELECT/ASK query on a SPARQL 1.1 Protocol endpoint (kgraph's prefixes predeclared)."""
    client = _Client(endpoint, timeout)
    status, body = client.request("POST", "", (sparql_prefixes() + sparql).encode(),
                                  {"Content-Type": "application/sparql-query",
                                   "Accept": "application/sparql-results+json"})
    if status != 200:
        raise QueryError(f"{endpoint} answered HTTP {status}: {body[:300].decode('utf-8', 'replace')}")
    return json_results(body, endpoint)


def json_results(body: bytes, source: str) -> QueryResult:
    """A SPARQL JSON results document (SELECT or ASK) as the embedded store's :class:`QueryResult`.

    Raises
    ------
    QueryError
        When ``body`` is not SPARQL JSON results (``source`` names who sent it).
    """
    from .store import term_value

    try:
        result = json.loads(body)
    except ValueError:
        raise QueryError(f"{source} did not answer with SPARQL JSON results") from None
    if "boolean" in result:
        return QueryResult(("ask",), ((bool(result["boolean"]),),))
    columns = tuple(result["head"]["vars"])
    rows = tuple(tuple(term_value(_json_term(b.get(c))) for c in columns) for b in result["results"]["bindings"])
    return QueryResult(columns, rows)


def _json_term(binding: dict[str, Any] | None) -> object:
    """A SPARQL JSON term as the pyoxigraph term the embedded store would give."""
    if binding is None:
        return None
    kind, value = binding["type"], binding["value"]
    if kind == "uri":
        return ox.NamedNode(value)
    if kind == "bnode":
        return ox.BlankNode(value)
    if "datatype" in binding:
        return ox.Literal(value, datatype=ox.NamedNode(binding["datatype"]))
    if "xml:lang" in binding:
        return ox.Literal(value, language=binding["xml:lang"])
    return ox.Literal(value)
