"""Write every output of a build: the views (kgraph.json, GraphML, HTML) and the RDF with its store.

At 50k papers each output takes minutes, so two things run at once: a forked child
writes the views while this process writes the RDF and the store
(:func:`kgraph.rdf.publish.publish_rdf`). The child inherits the build's data through
the fork itself (copy on write; the data is never pickled); where fork is not
available, or memory has no room for the child (see :func:`fork_fits`), the views are
written afterwards in this process.

Every output is written into a new generation of the folder and they switch together
(:func:`kgraph.atomic.generation`): a crash, a kill or a full disk at any point leaves
the previous build whole and current.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import signal
import sys
import time
from collections.abc import Callable, Collection
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from ..atomic import generation
from ..errors import KGraphError, OptionError
from ..graph.data import GraphData
from ..rdf.convert import FormatChunks
from ..rdf.incremental import BlockLog
from ..rdf.publish import publish_rdf
from ..rdf.remote import TRIG_FILE
from ..rdf.store import STORE_DIR
from .graphml import write_graphml
from .html import write_html
from .jsondata import write_json

OUTPUTS = ("kgraph.json", "graph.ttl", TRIG_FILE, "graph.graphml", "graph.html", STORE_DIR)
#: Outputs a build may leave out (``kgraph build --skip``), by the name the option takes.
#: kgraph.json and graph.ttl are always written: the API and the queries read them.
SKIPPABLE = {"store": STORE_DIR, "trig": TRIG_FILE, "graphml": "graph.graphml", "html": "graph.html"}


def save_build(data: GraphData, out_dir: Path, *, timings: dict[str, float] | None = None,
               cache_path: Path | None = None, store_changes: dict[str, int] | None = None,
               provenance: str = "full", skip: Collection[str] = (),
               format_chunks: FormatChunks | None = None) -> list[Path]:
    """Write every output of a build to ``out_dir``, all switched at once; return their paths.

    Parameters
    ----------
    data
        The build's data (:func:`kgraph.builder.build_data`).
    out_dir
        The output folder (created if missing).
    timings
        Filled with the seconds of ``rdf``, ``store (after rdf)``, the views (alongside)
        and all ``outputs``.
    cache_path
        The build's ``cache.sqlite``: the store's content is recorded block by block, and
        when the store in ``out_dir`` is the one recorded there it is updated in place
        with only what changed instead of being loaded again (see
        :mod:`kgraph.rdf.incremental`).
    store_changes
        Filled, after an update in place, with the blocks changed, paper graphs reused
        and triples removed and added.
    provenance
        What graph.ttl keeps of the mentions: ``"full"`` (every annotation) or
        ``"entities"`` (which papers mention which entities; about half the file). The
        TriG and the store keep everything.
    skip
        Outputs to leave out, by their :data:`SKIPPABLE` names (``store``, ``trig``,
        ``graphml``, ``html``): a corpus of a million abstracts has no use for a page no
        browser can open, and one bound for a server's bulk loader needs no embedded store.
        What an earlier build wrote under a skipped name is removed with the switch, so
        nothing stale is left to query.
    format_chunks
        Formats the paper graphs of the RDF (:func:`kgraph.rdf.convert.keyed_blocks`): in
        this process by default, on the workers with ``--engine dask``
        (:class:`kgraph.run.dask_engine.DaskMap`).

    Raises
    ------
    OptionError
        For a name :data:`SKIPPABLE` does not hold.
    """
    unknown = sorted(set(skip) - set(SKIPPABLE))
    if unknown:
        raise OptionError(f"cannot skip {', '.join(unknown)}; choose from {', '.join(SKIPPABLE)}")
    left_out = {SKIPPABLE[name] for name in skip}
    names = [name for name in OUTPUTS if name not in left_out]
    start = time.perf_counter()
    with generation(out_dir, names, drop=sorted(left_out)) as (new, current):
        views: ForkedCall | None = None
        if "fork" in multiprocessing.get_all_start_methods() and fork_fits():
            data.build_indexes()  # both processes read them: made once, before the fork
            # fork before any thread starts (opening the store starts some)
            views = ForkedCall(write_views, data, new, left_out)
        log = BlockLog(cache_path) if cache_path is not None else None
        try:
            published = publish_rdf(data, new, log, previous=current, provenance=provenance,
                                    store=STORE_DIR not in left_out, trig=TRIG_FILE not in left_out,
                                    format_chunks=format_chunks)
            views_seconds = views.result() if views is not None else write_views(data, new, left_out)
        finally:
            if log is not None:
                log.close()
            if views is not None:
                views.join()
    if store_changes is not None and published.changes is not None:
        store_changes.update(published.changes)
    if timings is not None:
        timings["rdf"] = published.formatted_at - start
        timings["store (after rdf)"] = published.stored_at - published.formatted_at
        timings["json+graphml+html (alongside)"] = views_seconds
        timings["outputs"] = time.perf_counter() - start
    return [out_dir / name for name in names]


def fork_fits() -> bool:
    """Whether a forked views writer fits in memory beside this process.

    Copy on write shares pages only until they are written, and CPython writes to every
    object it reads (its reference count): the child comes to copy much of the build's
    pages, while this process grows formatting the RDF. At 10^6 abstracts (resident ~8 GB
    at the fork) the child copied 0.6 and this process grew by 1.1 times that size, and
    the kernel's out-of-memory killer ended the build. So the child is forked only where
    the memory available holds twice this process's resident size; otherwise the views
    are written after the RDF, slower but within memory. True where ``/proc`` does not
    tell (macOS).
    """
    try:
        meminfo = Path("/proc/meminfo").read_text(encoding="ascii")
        resident = int(Path("/proc/self/statm").read_text(encoding="ascii").split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return True
    available = next((int(line.split()[1]) * 1024 for line in meminfo.splitlines()
                      if line.startswith("MemAvailable:")), None)
    return available is None or 2 * resident <= available


def write_views(data: GraphData, out_dir: Path, left_out: Collection[str] = ()) -> float:
    """kgraph.json, graph.graphml and graph.html (but those in ``left_out``); returns the seconds it took."""
    start = time.perf_counter()
    write_json(data, out_dir / "kgraph.json")
    if "graph.graphml" not in left_out:
        write_graphml(data, out_dir / "graph.graphml")
    if "graph.html" not in left_out:
        write_html(data, out_dir / "graph.html", title=f"kgraph — {len(data.papers)} papers")
    return time.perf_counter() - start


class ForkedCall:
    """``fn(*args)`` in a forked child process; :meth:`result` returns its value or raises its error.

    The child inherits ``fn`` and ``args`` through the fork (nothing is pickled on the way
    in), so a large argument costs nothing to hand over; only the result and an error come
    back through a pipe. Only where the ``fork`` start method exists (Linux, macOS).
    """

    def __init__(self, fn: Callable[..., Any], *args: Any) -> None:
        context = multiprocessing.get_context("fork")
        self._receive, send = context.Pipe(duplex=False)
        self._process = context.Process(
            target=_call_and_send, args=(send, fn, args, os.getpid()), name=f"kgraph-{fn.__name__}"
        )
        # the parent's objects out of the child's garbage collections, whose bookkeeping
        # would write to (and so copy) every page of them
        gc.freeze()
        try:
            self._process.start()
        finally:
            gc.unfreeze()
        send.close()  # the child holds its own copy: EOF here means the child is gone

    def result(self) -> Any:
        """Wait for the child; its return value, or its exception raised here."""
        try:
            ok, value = self._receive.recv()
        except EOFError:
            self.join()
            raise KGraphError(f"the {self._process.name} process died (exit code {self._process.exitcode})") from None
        self.join()
        if not ok:
            raise value
        return value

    def join(self) -> None:
        """Wait for the child to end (it ends on its own once ``fn`` returned or raised)."""
        self._process.join()
        self._receive.close()


def _call_and_send(send: Connection, fn: Callable[..., Any], args: tuple[Any, ...], parent: int) -> None:
    _die_with(parent)
    try:
        outcome: tuple[bool, Any] = (True, fn(*args))
    except BaseException as error:  # every failure goes back to the parent
        outcome = (False, error)
    try:
        send.send(outcome)
    except Exception:  # an error that does not pickle goes back as text
        send.send((False, KGraphError(f"{type(outcome[1]).__name__}: {outcome[1]}")))
    finally:
        send.close()


def _die_with(parent: int) -> None:
    """End this child when ``parent`` ends (Linux), so a killed build leaves no writer behind.

    Without it the child of a ``kill -9``-ed build would go on writing the abandoned
    generation and hold the folder's lock (it inherited the descriptor) until done.
    """
    if sys.platform == "linux":
        import ctypes

        pr_set_pdeathsig = 1
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(pr_set_pdeathsig, signal.SIGKILL)
    if os.getppid() != parent:  # the parent died before the line above took effect
        os._exit(1)
