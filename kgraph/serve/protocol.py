"""The SPARQL 1.1 Protocol side of the endpoint, as pure functions over a request.

Nothing here knows about sockets or processes: :func:`route` turns a request (method,
path, query string, content type, body) into either a query to run or an immediate
:class:`Answer`, and :func:`answer_query` runs one query against a store and serialises
it in the negotiated format, refusing results over a size limit. The HTTP server
(:mod:`kgraph.serve.app`) and the query processes (:mod:`kgraph.serve.pool`) are thin
wrappers around them.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import parse_qs

if TYPE_CHECKING:
    import pyoxigraph as ox

SELECT_TYPES = {
    "application/sparql-results+json": "JSON",
    "application/json": "JSON",
    "application/sparql-results+xml": "XML",
    "application/xml": "XML",
    "text/csv": "CSV",
    "text/tab-separated-values": "TSV",
}
GRAPH_TYPES = {
    "text/turtle": "TURTLE",
    "application/n-triples": "N_TRIPLES",
    "application/ld+json": "JSON_LD",
}
ALLOW = "GET, HEAD, POST, OPTIONS"
# Strings, IRIs and comments are blanked before looking for the SERVICE keyword, so a
# literal that merely contains the word is not refused.
_NOT_CODE = re.compile(r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\''
                       r'|<[^<>"{}|^`\\\s]*>|#[^\n]*')
_SERVICE = re.compile(r"\bSERVICE\b", re.I)
_UPDATE = re.compile(r"\b(INSERT|DELETE|LOAD|CLEAR|DROP|CREATE|ADD|MOVE|COPY)\b", re.I)
READ_ONLY = "this endpoint is read-only: SPARQL Update is not allowed"
#: The query page; it loads its data from under ``/query/`` and its script, styles and
#: editor from under STATIC (see :mod:`kgraph.serve.page`).
QUERY_PAGE = "/query"
STATIC = "/static/"


@dataclass(frozen=True)
class Answer:
    """One HTTP answer: status, media type, body and any extra headers."""

    status: int
    content_type: str
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)


def text(status: int, message: str, headers: dict[str, str] | None = None) -> Answer:
    """A plain-text answer (one line of ``message``).

    >>> text(400, "no").body
    b'no\\n'
    """
    return Answer(status, "text/plain", (message + "\n").encode(), headers or {})


@dataclass(frozen=True)
class Page:
    """A request for the query page, one of its files, or its canned-query data: no SPARQL
    to run (see :mod:`kgraph.serve.page`)."""

    path: str
    query_string: str = ""


@dataclass(frozen=True)
class Query:
    """A query the request asks to run, with the client's ``Accept`` header."""

    sparql: str
    accept: str


def uses_service(sparql: str) -> bool:
    """True when the query has a SERVICE clause (outside strings, IRIs and comments).

    >>> (uses_service('SELECT * { SERVICE <http://x/sparql> { ?s ?p ?o } }'),
    ...  uses_service('SELECT * { ?s ?p "SERVICE" }'))
    (True, False)
    """
    return bool(_SERVICE.search(_NOT_CODE.sub(" ", sparql)))


def looks_like_update(sparql: str) -> bool:
    """True when an update keyword stands outside strings, IRIs and comments.

    Used only to word the answer to a query the engine could not parse (an update sent
    as ``query=`` is a syntax error to a query parser, but the user meant an update).

    >>> looks_like_update("DROP ALL"), looks_like_update('ASK { ?s ?p "DROP" }')
    (True, False)
    """
    return bool(_UPDATE.search(_NOT_CODE.sub(" ", sparql)))


def negotiate(accept: str, offers: dict[str, str], default: str) -> tuple[str, str] | None:
    """The (media type, format name) to answer with, by the Accept header's q-values.

    >>> negotiate("text/csv;q=0.5, application/sparql-results+xml", SELECT_TYPES, "application/sparql-results+json")
    ('application/sparql-results+xml', 'XML')
    """
    if not accept.strip():
        return default, offers[default]
    ranked = []
    for order, part in enumerate(accept.split(",")):
        media, *params = [p.strip() for p in part.split(";")]
        q = 1.0
        for p in params:
            if p.startswith("q="):
                try:
                    q = float(p[2:])
                except ValueError:
                    q = 0.0
        ranked.append((-q, order, media.lower()))
    for negative_q, _, media in sorted(ranked):
        if negative_q == 0:
            continue
        if media in offers:
            return media, offers[media]
        if media in ("*/*", "application/*", "text/*"):
            return default, offers[default]
    return None


def _sparql_params(params: dict[str, list[str]], accept: str) -> Query | Answer:
    """The query of a request's parameters, or the answer that refuses them."""
    if "update" in params:
        return text(403, READ_ONLY)
    queries = params.get("query", [])
    if len(queries) != 1 or not queries[0].strip():
        return text(400, "give exactly one 'query' parameter")
    sparql = queries[0]
    if uses_service(sparql):
        return text(400, "SERVICE (federated query to another endpoint) is not allowed here")
    if params.get("default-graph-uri") or params.get("named-graph-uri"):
        return text(400, "default-graph-uri / named-graph-uri are not supported: the build is one graph")
    return Query(sparql, accept)


def wants_html(accept: str) -> bool:
    """True when a client ranks HTML above every SPARQL results format (a browser).

    >>> wants_html("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"), wants_html("*/*")
    (True, False)
    """
    chosen = negotiate(accept, {"text/html": "HTML", **SELECT_TYPES}, "application/sparql-results+json")
    return chosen is not None and chosen[1] == "HTML"


def route(method: str, path: str, query_string: str, content_type: str, body: bytes,
          accept: str) -> Query | Answer | Page | None:
    """What a request asks for: a :class:`Query` to run, an :class:`Answer` (an error, or
    OPTIONS), a :class:`Page` (the query page and its files) or ``None`` for the HTML view.

    ``GET /sparql`` without a ``query`` is the query page when the client prefers HTML (a
    browser opening the endpoint's address); with a ``query`` it is always the protocol.

    Parameters
    ----------
    method, path, query_string
        The request line, split (``HEAD`` is routed as ``GET``).
    content_type
        The request's ``Content-Type`` header ("" when absent).
    body
        The whole request body (the HTTP server has already enforced its size limit).
    accept
        The ``Accept`` header, passed on to the query.

    Examples
    --------
    >>> route("GET", "/sparql", "query=ASK%20%7B%7D", "", b"", "text/csv")
    Query(sparql='ASK {}', accept='text/csv')
    >>> route("POST", "/sparql", "", "application/sparql-update", b"DROP ALL", "").status
    403
    >>> route("GET", "/sparql", "", "", b"", "text/html")
    Page(path='/query', query_string='')
    """
    if method == "OPTIONS":
        return Answer(204, "text/plain", b"", {"Allow": ALLOW})
    if method in ("GET", "HEAD"):
        if path in ("/", "/graph.html"):
            return None
        if path == QUERY_PAGE or path.startswith((QUERY_PAGE + "/", STATIC)):
            return Page(path, query_string)
        if path != "/sparql":
            return text(404, "not found: the endpoint is /sparql, the query page /query, the graph view /")
        params = parse_qs(query_string, keep_blank_values=True)
        if "query" not in params and "update" not in params and wants_html(accept):
            return Page(QUERY_PAGE)
        return _sparql_params(params, accept)
    if method != "POST":
        return text(405, f"{method} is not allowed here", {"Allow": ALLOW})
    if path != "/sparql":
        return text(404, "not found: the endpoint is /sparql")
    media = content_type.split(";")[0].strip().lower()
    decoded = body.decode("utf-8", "replace")
    if media == "application/sparql-update":
        return text(403, READ_ONLY)
    if media == "application/sparql-query":
        params = {"query": [decoded]}
    elif media == "application/x-www-form-urlencoded":
        params = parse_qs(decoded, keep_blank_values=True)
    else:
        return text(415, "POST a form (query=…) or application/sparql-query")
    params.update({k: v for k, v in parse_qs(query_string).items() if k not in params})
    return _sparql_params(params, accept)


class ResultTooLarge(Exception):
    """Raised by :class:`_Bounded` when a serialised result passes the size limit."""


class _Bounded(io.RawIOBase):
    """A byte sink that refuses to grow past ``limit`` (pyoxigraph serialises into it)."""

    def __init__(self, limit: int):
        self.buffer = bytearray()
        self.limit = limit

    def writable(self) -> bool:
        return True

    def write(self, data: bytes) -> int:  # type: ignore[override]  # pyoxigraph writes bytes
        self.buffer += data
        if len(self.buffer) > self.limit:
            raise ResultTooLarge()
        return len(data)


def answer_query(store: ox.Store, query: Query, max_bytes: int) -> Answer:
    """Run ``query`` on ``store`` and serialise the result as the client asked.

    Never raises for a bad query: a syntax error or engine failure is a 400, an update
    sent as a query a 403, an unservable ``Accept`` a 406 and a result over ``max_bytes``
    bytes a 413 (serialisation stops there, so memory stays bounded).
    """
    import pyoxigraph as ox

    from ..rdf.namespaces import PREFIXES

    try:
        result = store.query(query.sparql, prefixes=PREFIXES)
        if isinstance(result, (ox.QuerySolutions, ox.QueryBoolean)):
            chosen = negotiate(query.accept, SELECT_TYPES, "application/sparql-results+json")
            fmt = getattr(ox.QueryResultsFormat, chosen[1]) if chosen else None
        else:
            chosen = negotiate(query.accept, GRAPH_TYPES, "text/turtle")
            fmt = getattr(ox.RdfFormat, chosen[1]) if chosen else None
        if chosen is None:
            return text(406, f"cannot answer this query as {query.accept!r}")
        sink = _Bounded(max_bytes)
        result.serialize(sink, format=fmt)  # type: ignore[arg-type]  # pyoxigraph takes any binary sink
        return Answer(200, chosen[0], bytes(sink.buffer))
    except ResultTooLarge:
        return text(413, f"the result is larger than {max_bytes:,} bytes; add a LIMIT")
    except SyntaxError as exc:
        if looks_like_update(query.sparql):
            return text(403, READ_ONLY)
        return text(400, f"SPARQL syntax error: {exc}")
    except Exception as exc:  # anything the engine raises is the query's fault
        return text(400, f"query failed: {exc}")
