"""The query page of ``kgraph serve``: a SPARQL editor in the browser, served offline.

``GET /query`` (and ``GET /sparql`` without a query, from a browser) is ``static/query.html``;
its script, styles and the vendored editor (CodeMirror 5, ``static/codemirror/NOTICE``) are
files under ``/static/``. The page is never templated: everything it shows comes from two
JSON/text answers built from shipped files and from the endpoint's own results, and its
script builds the DOM with ``textContent``. A strict Content-Security-Policy (scripts,
styles and requests to this server only, no inline script) goes with every answer here.

* ``/query/queries.json`` — the predeclared prefixes and the canned queries
  (``ontology/queries/*.rq``): name, title, documented parameters and text.
* ``/query/canned/NAME?param=value`` — a canned query's text with the values bound by
  :meth:`kgraph.rdf.queries.CannedQuery.bind` (the same binding as ``kgraph query``), as
  ``text/plain``; a bad or missing value is a 400 that says which.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import cache
from pathlib import Path
from urllib.parse import parse_qs

from ..errors import KGraphError, QueryError
from ..rdf.namespaces import PREFIXES
from ..rdf.queries import canned_queries, cooccurrence_threshold
from ..rdf.remote import json_results
from ..rdf.store import QueryResult
from .protocol import QUERY_PAGE, STATIC, Answer, Page, Query, text

STATIC_DIR = Path(__file__).with_name("static")
PAGE_FILE = "query.html"
CANNED = "/query/canned/"
CONTENT_TYPES = {".html": "text/html", ".js": "text/javascript", ".css": "text/css", ".json": "application/json"}
#: Only this server's own files and endpoint; no inline script or style, no plugins, no
#: framing, no form posts elsewhere. CodeMirror sets styles through the CSSOM
#: (``element.style``), which ``style-src`` does not govern, so it needs no ``'unsafe-inline'``.
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; "
       "base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
HEADERS = {"Content-Security-Policy": CSP, "Referrer-Policy": "no-referrer", "Cache-Control": "no-cache"}


@cache
def static_files() -> dict[str, Path]:
    """Every servable file by its URL path (``/static/codemirror/codemirror.js``).

    The server answers from this table only, never by joining a requested path to a
    folder, so ``..``, encoded slashes or links cannot reach any other file.
    """
    return {STATIC + p.relative_to(STATIC_DIR).as_posix(): p for p in sorted(STATIC_DIR.rglob("*")) if p.is_file()}


def content_type(path: Path) -> str:
    """The media type a static file is served as (``text/plain`` for LICENSE, NOTICE).

    >>> content_type(Path("codemirror.js")), content_type(Path("LICENSE"))
    ('text/javascript', 'text/plain')
    """
    return CONTENT_TYPES.get(path.suffix, "text/plain")


def queries_json() -> bytes:
    """The prefixes the endpoint predeclares and the canned queries, for the page's list."""
    queries = [{"name": q.name, "title": q.title, "text": q.text,
                "params": [{"name": p.name, "default": p.default, "description": p.description, "type": p.type}
                           for p in q.params]}
               for q in canned_queries().values()]
    return json.dumps({"prefixes": PREFIXES, "queries": queries}, ensure_ascii=False).encode()


def bound_query(name: str, query_string: str, run: Callable[[Query], Answer]) -> Answer:
    """A canned query bound with the parameter values of ``query_string``.

    ``run`` answers a query through the endpoint's pool: a query that compares with the
    build's co-occurrence threshold asks the store for it, as ``kgraph query`` does.
    """
    query = canned_queries().get(name)
    if query is None:
        return text(404, f"no canned query {name!r}")
    values = {k: v[-1] for k, v in parse_qs(query_string, keep_blank_values=True).items()}

    def run_sparql(sparql: str) -> QueryResult:
        answer = run(Query(sparql, "application/sparql-results+json"))
        if answer.status != 200:
            raise QueryError(f"the build's co-occurrence threshold: {answer.body.decode('utf-8', 'replace').strip()}")
        return json_results(answer.body, "the endpoint")

    try:
        sparql = query.bind(values, cooccurrence_threshold(run_sparql) if query.needs_threshold else None)
    except KGraphError as exc:
        return text(400, str(exc))
    return Answer(200, "text/plain", sparql.encode())


def answer(page: Page, run: Callable[[Query], Answer]) -> Answer:
    """The answer to a :class:`~kgraph.serve.protocol.Page` request (404 for any other path)."""
    if page.path == QUERY_PAGE:
        found = Answer(200, "text/html", (STATIC_DIR / PAGE_FILE).read_bytes())
    elif page.path == "/query/queries.json":
        found = Answer(200, "application/json", queries_json())
    elif page.path.startswith(CANNED):
        found = bound_query(page.path[len(CANNED):], page.query_string, run)
    elif (file := static_files().get(page.path)) is not None:
        found = Answer(200, content_type(file), file.read_bytes())
    else:
        found = text(404, f"not found: {page.path[:200]}")
    return Answer(found.status, found.content_type, found.body, {**found.headers, **HEADERS})
