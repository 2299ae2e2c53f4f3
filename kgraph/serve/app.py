"""The HTTP side of ``kgraph serve``: a WSGI application served by waitress.

The application is a thin function over :func:`kgraph.serve.protocol.route` and
:class:`kgraph.serve.pool.QueryPool`; waitress owns everything about the wire (see the
package docstring for why waitress).
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Iterable
from http import HTTPStatus
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import BuildNotFoundError
from . import page
from .pool import Limits, QueryPool
from .protocol import Answer, Page, Query, route, text

if TYPE_CHECKING:
    from waitress.server import BaseWSGIServer

StartResponse = Callable[[str, list[tuple[str, str]]], Any]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]
#: Threads waitress keeps beside those that can be inside the pool, so a request that
#: the pool turns away (503) or that needs no query (the page, a 404) never waits.
SPARE_THREADS = 2


def make_app(pool: QueryPool, html: Path | None, cors: str | None, log: Callable[[str], object] | None = None
             ) -> WSGIApp:
    """The WSGI application: ``/sparql`` through ``pool``, ``/`` the build's ``html`` page,
    ``/query`` and ``/static/`` the query page (:mod:`kgraph.serve.page`).

    Parameters
    ----------
    pool
        Runs the queries.
    html
        The graph page served at ``/`` (a 404 when missing).
    cors
        The one origin allowed to read answers from a browser, or ``None`` (no CORS headers).
    log
        Called with one line per request; ``None`` writes it to stderr.
    """
    write = log or (lambda line: sys.stderr.write(line + "\n"))

    def app(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        method = environ["REQUEST_METHOD"]
        body = environ["wsgi.input"].read() if method == "POST" else b""  # bounded by max_request_body_size
        routed = route(method, environ.get("PATH_INFO", "/"), environ.get("QUERY_STRING", ""),
                       environ.get("CONTENT_TYPE", ""), body, environ.get("HTTP_ACCEPT", ""))
        if isinstance(routed, Query):
            answer = pool.run(routed)
        elif isinstance(routed, Page):
            answer = page.answer(routed, pool.run)
        elif routed is None:
            answer = (Answer(200, "text/html", html.read_bytes()) if html is not None and html.is_file()
                      else text(404, "this build has no graph.html"))
        else:
            answer = routed
        headers = {"Content-Type": answer.content_type + ("; charset=utf-8" if answer.content_type.startswith("text/")
                                                          else ""),
                   "Content-Length": str(len(answer.body)), "X-Content-Type-Options": "nosniff"}
        if cors:
            headers["Access-Control-Allow-Origin"] = cors
            if method == "OPTIONS":
                headers["Access-Control-Allow-Headers"] = "Content-Type, Accept"
        headers.update(answer.headers)
        write(f"{environ.get('REMOTE_ADDR', '-')} {method} {environ.get('PATH_INFO', '')} {answer.status}")
        start_response(f"{answer.status} {HTTPStatus(answer.status).phrase}", list(headers.items()))
        return [] if method == "HEAD" else [answer.body]

    return app


class Endpoint:
    """A waitress server and its query pool: :meth:`serve_forever`, then :meth:`close`.

    Attributes
    ----------
    pool : QueryPool
    address : tuple[str, int]
        The bound host and port (the port the system chose when asked for 0).
    """

    def __init__(self, server: BaseWSGIServer, pool: QueryPool):
        self._server = server
        self.pool = pool
        self.address: tuple[str, int] = (str(server.effective_host), int(server.effective_port))
        self._running = threading.Event()
        self._stopped = threading.Event()

    @property
    def url(self) -> str:
        host, port = self.address
        return f"http://{host}:{port}"

    def serve_forever(self) -> None:
        """Serve until :meth:`close` (from another thread) or Ctrl-C (in this one)."""
        self._running.set()
        try:
            self._server.run()  # returns on Ctrl-C too, after stopping its threads
        finally:
            self._stopped.set()

    def _drop_sockets(self) -> None:
        for channel in list(self._server._map.values()):
            if channel is not self._server and channel is not self._server.trigger:
                channel.close()
        self._server.close()  # the listening socket and the trigger: the loop ends with an empty map

    def close(self, wait: float = 10.0) -> None:
        """Stop the query processes, then the HTTP loop and its threads."""
        self.pool.close()
        if self._running.is_set() and not self._stopped.is_set():
            self._server.trigger.pull_trigger(self._drop_sockets)  # the loop's own thread closes its sockets
            self._stopped.wait(wait)
        else:
            self._drop_sockets()
        self._server.task_dispatcher.shutdown(timeout=wait)


def make_server(build_dir: Path, host: str = "127.0.0.1", port: int = 8000, limits: Limits | None = None,
                cors: str | None = None, log: Callable[[str], object] | None = None) -> Endpoint:
    """An endpoint over a build folder, bound but not yet serving.

    Raises
    ------
    BuildNotFoundError
        When ``build_dir`` holds no store.
    OSError
        When the address cannot be bound.
    """
    from waitress.server import create_server

    build_dir = Path(build_dir)
    if not (build_dir / "store").is_dir():
        raise BuildNotFoundError(f"{build_dir}: no kgraph build here (no store/); "
                                 f"run `kgraph build ... -o {build_dir}` first")
    limits = limits or Limits()
    pool = QueryPool(build_dir, limits)
    try:
        server = create_server(
            make_app(pool, build_dir / "graph.html", cors, log), host=host, port=port, ident="kgraph",
            # every request that can be inside the pool has a thread, so the pool's
            # admission (not waitress's unbounded task queue) decides who waits
            threads=limits.workers + limits.queue + SPARE_THREADS,
            connection_limit=limits.connections, channel_timeout=limits.idle,
            cleanup_interval=max(1, limits.idle // 2), max_request_body_size=limits.max_request,
            max_request_header_size=64 * 1024, asyncore_loop_timeout=1)
    except BaseException:
        pool.close()
        raise
    return Endpoint(server, pool)


def serve_in_thread(endpoint: Endpoint) -> threading.Thread:
    """Run ``endpoint.serve_forever()`` in a daemon thread (tests, notebooks)."""
    thread = threading.Thread(target=endpoint.serve_forever, daemon=True)
    thread.start()
    return thread
