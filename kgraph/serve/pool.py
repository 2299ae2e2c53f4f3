"""Query processes with admission control: the part of the endpoint that runs SPARQL.

pyoxigraph cannot interrupt a running query from Python, so each query runs in one of
``workers`` processes that hold the store open read-only; a query that must be stopped
is stopped by killing its process, and a fresh one is started in the background (it
joins the pool only once its store is open, so no query waits on a start-up).

How a request goes (all waits are bounded):

1. Admission: at most ``workers + queue`` requests are inside the pool (running or
   waiting). One more gets 503 with ``Retry-After`` at once instead of queueing.
2. Waiting: a request waits at most ``queue_wait`` seconds for a free process, else 503
   with ``Retry-After``.
3. Running: the ``timeout`` clock starts when a process takes the query, never while
   it waits. A query still running after ``slow_after`` seconds needs one of
   ``slow_slots`` (half the processes, at least one); when they are all held by other
   long queries it is cut off at once (503, ``Retry-After``). So however many slow
   queries arrive, ``workers - slow_slots`` processes stay free for quick ones: two
   endless queries on the default four processes leave two answering, and an ``ASK``
   answers in milliseconds instead of waiting out the timeout.
4. A query that passes ``timeout`` is cut off (503: "time limit"); retrying the same
   query would not help, so that answer has no ``Retry-After``.
"""

from __future__ import annotations

import math
import multiprocessing as mp
import os
import queue
import sys
import threading
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path

from ..errors import KGraphError
from .protocol import Answer, Query, answer_query, text

_READY = "ready"
_START_TIMEOUT = 60.0  # seconds a new process may take to open the store


@dataclass(frozen=True)
class Limits:
    """What one endpoint may spend.

    Attributes
    ----------
    timeout : float
        Seconds a query may run, counted from when a process starts it.
    max_bytes : int
        Largest serialised result; a larger one is a 413.
    workers : int
        Query processes.
    slow_after : float
        A query running longer than this holds a slow slot (see the module notes).
    queue : int
        Requests that may wait for a free process; one more is a 503.
    queue_wait : float
        Seconds a request may wait for a free process before a 503.
    idle : int
        Seconds an idle (or stalled half-sent) connection is kept open.
    connections : int
        Open connections at most; more wait in the kernel's listen backlog.
    max_request : int
        Largest request body in bytes; a larger one is a 413 and the connection is closed.
    """

    timeout: float = 30.0
    max_bytes: int = 50_000_000
    workers: int = 4
    slow_after: float = 1.0
    queue: int = 64
    queue_wait: float = 10.0
    idle: int = 30
    connections: int = 100
    max_request: int = 1_000_000

    @property
    def slow_slots(self) -> int:
        """Queries that may run past ``slow_after`` at once: half the processes, at least one.

        >>> Limits(workers=4).slow_slots, Limits(workers=1).slow_slots
        (2, 1)
        """
        return max(1, self.workers // 2)

    @property
    def retry_after(self) -> str:
        """The ``Retry-After`` seconds of a busy answer: about one slow query's worth.

        >>> Limits(slow_after=0.5).retry_after
        '1'
        """
        return str(max(1, math.ceil(self.slow_after)))


def _exit_with(parent: int) -> None:
    """Leave as soon as the server process is gone, even in the middle of a query.

    A server killed with SIGKILL closes its pipes, but a process busy with an endless
    query would not read the pipe again; pyoxigraph releases the GIL while it evaluates,
    so this thread still runs.
    """
    while os.getppid() == parent:
        time.sleep(1)
    os._exit(0)


def _serve_queries(store_path: str, conn: Connection, max_bytes: int, parent: int) -> None:
    """A query process: open the store, say ready, then answer queries until the pipe closes."""
    from ..rdf.store import open_store

    threading.Thread(target=_exit_with, args=(parent,), daemon=True).start()
    try:
        store = open_store(Path(store_path))
    except Exception as exc:  # the server says why it cannot start
        conn.send(str(exc))
        return
    conn.send(_READY)
    while True:
        try:
            query = conn.recv()
        except (EOFError, OSError):  # the server is gone
            return
        conn.send(answer_query(store, query, max_bytes))


class _Process:
    """One query process and the server's end of its pipe."""

    def __init__(self, store_path: Path, max_bytes: int):
        ctx = mp.get_context("spawn")  # no inherited locks, threads or open stores
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(target=_serve_queries, args=(str(store_path), child, max_bytes, os.getpid()),
                                   daemon=True)
        self.process.start()
        child.close()  # the child holds its own copy: a dead child now reads as EOF here
        self._stopping = threading.Lock()
        self._stopped = False

    def wait_ready(self, timeout: float) -> str | None:
        """``None`` once the process has opened the store, else why it has not."""
        try:
            if not self.conn.poll(timeout):
                return f"the store did not open within {timeout:g} s"
            said: str = self.conn.recv()
        except (EOFError, OSError):
            return "the process ended while opening the store"
        return None if said == _READY else said

    def stop(self) -> None:
        # the server's close and a request thread's restart may both stop a busy process:
        # only one of them closes the pipe (a second close could hit a reused descriptor)
        with self._stopping:
            if self._stopped:
                return
            self._stopped = True
        self.process.kill()
        self.process.join(5)
        self.conn.close()


class QueryPool:
    """Query processes over one build's store, each query under :class:`Limits`.

    Raises
    ------
    KGraphError
        When the processes cannot open the store.
    """

    def __init__(self, store_path: Path, limits: Limits):
        self.store_path = store_path
        self.limits = limits
        self._idle: queue.Queue[_Process] = queue.Queue()
        self._admitted = threading.BoundedSemaphore(limits.workers + limits.queue)
        self._slow = threading.BoundedSemaphore(limits.slow_slots)
        self._lock = threading.Lock()
        self._alive: set[_Process] = set()
        self._closed = False
        started = [_Process(store_path, limits.max_bytes) for _ in range(limits.workers)]
        for process in started:
            self._alive.add(process)
            problem = process.wait_ready(_START_TIMEOUT)
            if problem is not None:
                self.close()
                raise KGraphError(f"{store_path}: a query process could not open the store: {problem}")
            self._idle.put(process)

    def _busy(self, why: str) -> Answer:
        return text(503, f"the server is busy ({why}); retry in a moment", {"Retry-After": self.limits.retry_after})

    def run(self, query: Query) -> Answer:
        """Answer ``query``: run it on a free process, or say why not (503)."""
        if not self._admitted.acquire(blocking=False):
            return self._busy(f"{self.limits.queue} requests are already waiting")
        try:
            try:
                process = self._idle.get(timeout=self.limits.queue_wait)
            except queue.Empty:
                return self._busy(f"no query process was free for {self.limits.queue_wait:g} s")
            return self._run_on(process, query)
        finally:
            self._admitted.release()

    def _run_on(self, process: _Process, query: Query) -> Answer:
        limits = self.limits
        slow = False
        try:
            started = time.monotonic()
            process.conn.send(query)
            if not process.conn.poll(min(limits.slow_after, limits.timeout)):
                if not self._slow.acquire(blocking=False):
                    self._replace(process)
                    return self._busy(f"{limits.slow_slots} long queries are running; this one was cut off "
                                      f"after {limits.slow_after:g} s")
                slow = True
                if not process.conn.poll(max(0.0, limits.timeout - (time.monotonic() - started))):
                    self._replace(process)
                    return text(503, f"query cut off after the {limits.timeout:g} s time limit")
            answer: Answer = process.conn.recv()
        except (EOFError, OSError):  # the process died (killed from outside, out of memory)
            self._replace(process)
            return text(500, "the query process ended while running this query")
        finally:
            if slow:
                self._slow.release()
        self._idle.put(process)
        return answer

    def _replace(self, process: _Process) -> None:
        """Kill ``process`` (the only way to stop its query) and start another in the background."""
        process.process.kill()
        with self._lock:
            self._alive.discard(process)
        threading.Thread(target=self._restart, args=(process,), daemon=True).start()

    def _restart(self, dead: _Process) -> None:
        dead.stop()
        for _ in range(3):
            with self._lock:
                if self._closed:
                    return
                process = _Process(self.store_path, self.limits.max_bytes)
                self._alive.add(process)
            problem = process.wait_ready(_START_TIMEOUT)
            if problem is None:
                self._idle.put(process)
                return
            with self._lock:
                self._alive.discard(process)
            process.stop()
            time.sleep(1)
        sys.stderr.write(f"kgraph serve: a query process could not reopen {self.store_path} ({problem}); "
                         "one fewer is left\n")

    def close(self) -> None:
        """Stop every query process (a running query's request gets a 500)."""
        with self._lock:
            self._closed = True
            processes, self._alive = list(self._alive), set()
        for process in processes:
            process.stop()


__all__ = ["Limits", "QueryPool"]
