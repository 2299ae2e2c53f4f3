"""``kgraph serve``: a read-only SPARQL 1.1 Protocol endpoint plus the HTML view.

* ``GET /sparql?query=…`` and ``POST /sparql`` (form ``query=…`` or a raw
  ``application/sparql-query`` body). SELECT/ASK answer in SPARQL JSON (default), XML,
  CSV or TSV; CONSTRUCT/DESCRIBE in Turtle (default), N-Triples or JSON-LD — chosen by
  the ``Accept`` header.
* Read-only: SPARQL Update (``update=`` or ``application/sparql-update``) gets 403, and
  ``SERVICE`` (an outbound request to another endpoint) gets 400.
* ``GET /`` serves the build's graph.html; ``GET /query`` (and ``GET /sparql`` without a
  query from a browser) a SPARQL editor page with the canned queries, offline and under a
  strict Content-Security-Policy (:mod:`.page`).
* Binds to 127.0.0.1 unless told otherwise; no CORS headers unless ``--cors`` names an
  origin (a page on any other site could otherwise read a local graph).

Three modules, in the order a request meets them, and the page beside them:

* :mod:`.app` — HTTP, by waitress.
* :mod:`.pool` — query processes, per-query timeouts and admission control (503 with
  ``Retry-After`` when saturated; slow queries cannot take every process).
* :mod:`.protocol` — pure functions: routing, content negotiation, SERVICE/Update
  refusal, running one query with a result-size limit (413).
* :mod:`.page` — the query page, its files under ``static/`` and its canned-query data.

Why waitress. The endpoint was first the standard library's ``ThreadingHTTPServer``, and
an abuse test (issue #19) found what hand-written HTTP gets wrong: a 413 that left the
body on the wire to be parsed as the next request (request smuggling), a
``Content-Length`` of ``abc`` or ``-1`` that crashed or hung a handler, a thread per
connection with no idle timeout, and connection resets under 50 clients (a listen
backlog of 5). The queries themselves run in processes (pyoxigraph cannot be interrupted
from Python), so the HTTP layer only has to wait on a pipe; what it needs is strict
parsing, limits that close cleanly, and threads that slow clients cannot hold. Waitress
(Pylons; pure Python, no dependencies, maintained since 2011, hardened against the
smuggling CVEs of 2019–22) does all of that out of the box:

* its I/O loop reads a whole request before a thread sees it and buffers the answer,
  so a slow or stalled client costs a socket, never a thread; the thread pool is fixed;
* ``max_request_body_size``: a larger ``Content-Length`` gets 413 and the connection
  is closed; a malformed one (``abc``, ``-1``, two values) gets 400 and is closed;
* ``channel_timeout`` closes idle and stalled connections; ``connection_limit`` bounds
  open sockets (more wait in a 1024-deep listen backlog instead of being reset).

uvicorn (with starlette) was the other candidate: asyncio would make waiting requests
cheaper than threads, and ``limit_concurrency`` answers 503 by itself, but it has no
request-body limit (each route must count bytes itself, and what becomes of the unread
rest of the body is up to the protocol implementation) and needs three more packages;
hypercorn likewise. Here waiting is bounded anyway (``workers + queue`` threads, see
:mod:`.pool`), so WSGI threads cost little, and waitress's body limit and strict parser
are exactly the missing pieces.
"""

from .app import Endpoint, make_app, make_server, serve_in_thread
from .pool import Limits, QueryPool
from .protocol import GRAPH_TYPES, SELECT_TYPES, Answer, negotiate, route, uses_service

__all__ = ["GRAPH_TYPES", "SELECT_TYPES", "Answer", "Endpoint", "Limits", "QueryPool", "make_app", "make_server",
           "negotiate", "route", "serve_in_thread", "uses_service"]
