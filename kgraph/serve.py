"""``kgraph serve``: a read-only SPARQL 1.1 Protocol endpoint plus the HTML view.

* ``GET /sparql?query=…`` and ``POST /sparql`` (form ``query=…`` or a raw
  ``application/sparql-query`` body). SELECT/ASK answer in SPARQL JSON (default), XML,
  CSV or TSV; CONSTRUCT/DESCRIBE in Turtle (default), N-Triples or JSON-LD — chosen by
  the ``Accept`` header.
* Read-only: SPARQL Update (``update=`` or ``application/sparql-update``) gets 403, and
  ``SERVICE`` (an outbound request to another endpoint) gets 400.
* Every query runs in a worker process that holds the store open read-only. A query
  that passes the time limit is cut off by ending its worker (pyoxigraph cannot be
  interrupted from Python) and a fresh worker takes its place, so the server keeps
  answering. Results larger than the size limit are refused (413) instead of filling
  memory.
* ``GET /`` serves the build's graph.html.
* Binds to 127.0.0.1 unless told otherwise; no CORS headers unless ``--cors`` names an
  origin (a page on any other site could otherwise read a local graph).

The HTTP side is the standard library's ``ThreadingHTTPServer``: a local,
single-user endpoint needs no more, and the install stays light.
"""

from __future__ import annotations

import io
import multiprocessing as mp
import queue
import re
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from .errors import BuildNotFoundError

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
# Strings, IRIs and comments are blanked before looking for the SERVICE keyword, so a
# literal that merely contains the word is not refused.
_NOT_CODE = re.compile(r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\''
                       r'|<[^<>"{}|^`\\\s]*>|#[^\n]*')
_SERVICE = re.compile(r"\bSERVICE\b", re.I)
_UPDATE = re.compile(r"\b(INSERT|DELETE|LOAD|CLEAR|DROP|CREATE|ADD|MOVE|COPY)\b", re.I)


def uses_service(sparql: str) -> bool:
    """True when the query has a SERVICE clause (outside strings, IRIs and comments).

    >>> (uses_service('SELECT * { SERVICE <http://x/sparql> { ?s ?p ?o } }'),
    ...  uses_service('SELECT * { ?s ?p "SERVICE" }'))
    (True, False)
    """
    return bool(_SERVICE.search(_NOT_CODE.sub(" ", sparql)))


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


class ResultTooLarge(Exception):
    pass


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


def _worker(store_path: str, requests: mp.Queue[tuple[str, str]], answers: mp.Queue[tuple[int, str, bytes]],
            max_bytes: int) -> None:
    """Worker process: run queries against the read-only store and send back bytes."""
    import os

    import pyoxigraph as ox

    from .rdf.namespaces import PREFIXES
    from .rdf.store import open_store

    store = open_store(Path(store_path))
    parent = os.getppid()
    while True:
        try:
            sparql, accept = requests.get(timeout=2)
        except queue.Empty:
            if os.getppid() != parent:  # the server died without stopping us: leave too
                return
            continue
        try:
            result = store.query(sparql, prefixes=PREFIXES)
            if isinstance(result, (ox.QuerySolutions, ox.QueryBoolean)):
                chosen = negotiate(accept, SELECT_TYPES, "application/sparql-results+json")
                fmt = getattr(ox.QueryResultsFormat, chosen[1]) if chosen else None
            else:
                chosen = negotiate(accept, GRAPH_TYPES, "text/turtle")
                fmt = getattr(ox.RdfFormat, chosen[1]) if chosen else None
            if chosen is None:
                answers.put((406, "text/plain", f"cannot answer this query as {accept!r}".encode()))
                continue
            sink = _Bounded(max_bytes)
            result.serialize(sink, format=fmt)  # type: ignore[arg-type]  # pyoxigraph takes any binary sink
            answers.put((200, chosen[0], bytes(sink.buffer)))
        except ResultTooLarge:
            answers.put((413, "text/plain", f"the result is larger than {max_bytes:,} bytes; add a LIMIT".encode()))
        except SyntaxError as exc:
            answers.put((400, "text/plain", f"SPARQL syntax error: {exc}".encode()))
        except Exception as exc:  # anything the engine raises is the query's fault
            answers.put((400, "text/plain", f"query failed: {exc}".encode()))


class _Worker:
    def __init__(self, store_path: Path, max_bytes: int):
        ctx = mp.get_context("spawn")  # no inherited locks or open stores
        self.requests: mp.Queue[tuple[str, str]] = ctx.Queue()
        self.answers: mp.Queue[tuple[int, str, bytes]] = ctx.Queue()
        self.process = ctx.Process(target=_worker, args=(str(store_path), self.requests, self.answers, max_bytes),
                                   daemon=True)
        self.process.start()

    def stop(self) -> None:
        self.process.kill()
        self.process.join(5)


@dataclass
class Limits:
    timeout: float = 30.0
    max_bytes: int = 50_000_000
    workers: int = 2


class QueryPool:
    """Worker processes answering queries, each query under a time limit."""

    def __init__(self, store_path: Path, limits: Limits):
        self.store_path = store_path
        self.limits = limits
        self.idle: queue.Queue[_Worker] = queue.Queue()
        for _ in range(limits.workers):
            self.idle.put(_Worker(store_path, limits.max_bytes))

    def run(self, sparql: str, accept: str) -> tuple[int, str, bytes]:
        worker = self.idle.get()
        worker.requests.put((sparql, accept))
        try:
            answer = worker.answers.get(timeout=self.limits.timeout)
        except queue.Empty:
            worker.stop()  # the only way to stop a running query
            worker = _Worker(self.store_path, self.limits.max_bytes)
            answer = (503, "text/plain", f"query cut off after the {self.limits.timeout:g} s time limit\n".encode())
        self.idle.put(worker)
        return answer

    def close(self) -> None:
        while not self.idle.empty():
            self.idle.get().stop()


def make_handler(pool: QueryPool, html: Path | None, cors: str | None) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "kgraph"
        protocol_version = "HTTP/1.1"

        def log_message(self, fmt: str, *args: Any) -> None:  # one quiet line per request on stderr
            import sys

            sys.stderr.write(f"{self.address_string()} {fmt % args}\n")

        def _send(self, status: int, content_type: str, body: bytes, extra: dict[str, str] | None = None) -> None:
            self.send_response(status)
            self.send_header("Content-Type",
                             content_type + ("; charset=utf-8" if content_type.startswith("text/") else ""))
            self.send_header("Content-Length", str(len(body)))
            self.send_header("X-Content-Type-Options", "nosniff")
            if cors:
                self.send_header("Access-Control-Allow-Origin", cors)
            for key, value in (extra or {}).items():
                self.send_header(key, value)
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def _error(self, status: int, message: str) -> None:
            self._send(status, "text/plain", (message + "\n").encode())

        def do_GET(self) -> None:  # http.server's naming
            url = urlsplit(self.path)
            if url.path in ("/", "/graph.html"):
                if html is None or not html.is_file():
                    self._error(404, "this build has no graph.html")
                    return
                self._send(200, "text/html", html.read_bytes())
                return
            if url.path != "/sparql":
                self._error(404, "not found: the endpoint is /sparql, the graph view is /")
                return
            params = parse_qs(url.query, keep_blank_values=True)
            self._dispatch(params)

        do_HEAD = do_GET

        def do_POST(self) -> None:
            if urlsplit(self.path).path != "/sparql":
                self._error(404, "not found: the endpoint is /sparql")
                return
            length = int(self.headers.get("Content-Length") or 0)
            if length > 1_000_000:
                self._error(413, "the request is larger than 1 MB")
                return
            body = self.rfile.read(length).decode("utf-8", "replace")
            ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
            if ctype == "application/sparql-update":
                self._error(403, "this endpoint is read-only: SPARQL Update is not allowed")
                return
            if ctype == "application/sparql-query":
                params = {"query": [body]}
            elif ctype == "application/x-www-form-urlencoded":
                params = parse_qs(body, keep_blank_values=True)
            else:
                self._error(415, "POST a form (query=…) or application/sparql-query")
                return
            params.update({k: v for k, v in parse_qs(urlsplit(self.path).query).items() if k not in params})
            self._dispatch(params)

        def do_OPTIONS(self) -> None:
            self._send(204, "text/plain", b"", {"Allow": "GET, HEAD, POST, OPTIONS",
                                                "Access-Control-Allow-Headers": "Content-Type, Accept"} if cors
                       else {"Allow": "GET, HEAD, POST, OPTIONS"})

        def _dispatch(self, params: dict[str, list[str]]) -> None:
            if "update" in params:
                self._error(403, "this endpoint is read-only: SPARQL Update is not allowed")
                return
            queries = params.get("query", [])
            if len(queries) != 1 or not queries[0].strip():
                self._error(400, "give exactly one 'query' parameter")
                return
            sparql = queries[0]
            if uses_service(sparql):
                self._error(400, "SERVICE (federated query to another endpoint) is not allowed here")
                return
            if params.get("default-graph-uri") or params.get("named-graph-uri"):
                self._error(400, "default-graph-uri / named-graph-uri are not supported: the build is one graph")
                return
            status, content_type, body = pool.run(sparql, self.headers.get("Accept", ""))
            if status == 400 and _UPDATE.search(_NOT_CODE.sub(" ", sparql)) and b"syntax error" in body:
                status, body = 403, b"this endpoint is read-only: SPARQL Update is not allowed\n"
            self._send(status, content_type, body)

    return Handler


class KGraphServer(ThreadingHTTPServer):
    daemon_threads = True
    pool: QueryPool


def make_server(build_dir: Path, host: str = "127.0.0.1", port: int = 8000, limits: Limits | None = None,
                cors: str | None = None) -> KGraphServer:
    """A server for a build folder; call ``serve_forever()`` (and ``shutdown()``/``server_close()``)."""
    build_dir = Path(build_dir)
    if not (build_dir / "store").is_dir():
        raise BuildNotFoundError(f"{build_dir}: no kgraph build here (no store/); "
                                 f"run `kgraph build ... -o {build_dir}` first")
    pool = QueryPool(build_dir, limits or Limits())
    server = KGraphServer((host, port), make_handler(pool, build_dir / "graph.html", cors))
    server.pool = pool
    return server


def serve_in_thread(server: KGraphServer) -> threading.Thread:
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return thread


__all__ = ["Limits", "make_server", "negotiate", "serve_in_thread", "uses_service"]
