"""Write every output of a build: the views (kgraph.json, GraphML, HTML) and the RDF with its store.

At 50k papers each output takes minutes, so two things run at once: a forked child
writes the views while this process writes the RDF and the store
(:func:`kgraph.rdf.publish.publish_rdf`). The child inherits the build's data through
the fork itself (copy on write; the data is never pickled); where fork is not
available, or memory has no room for the child (see :func:`kgraph.process.fork_fits`), the views are
written afterwards in this process.

Every output is written into a new generation of the folder and they switch together
(:func:`kgraph.atomic.generation`): a crash, a kill or a full disk at any point leaves
the previous build whole and current.
"""

from __future__ import annotations

import time
from collections.abc import Collection
from pathlib import Path

from ..atomic import generation
from ..errors import OptionError
from ..graph.data import GraphData
from ..process import ForkedCall, can_fork, fewer_collections
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


@fewer_collections
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
        if can_fork():
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


def write_views(data: GraphData, out_dir: Path, left_out: Collection[str] = ()) -> float:
    """kgraph.json, graph.graphml and graph.html (but those in ``left_out``); returns the seconds it took."""
    start = time.perf_counter()
    write_json(data, out_dir / "kgraph.json")
    if "graph.graphml" not in left_out:
        write_graphml(data, out_dir / "graph.graphml")
    if "graph.html" not in left_out:
        write_html(data, out_dir / "graph.html", title=f"kgraph — {len(data.papers)} papers")
    return time.perf_counter() - start
