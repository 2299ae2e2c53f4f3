"""One build, stage by stage: read -> extract -> resolve -> link, and write the outputs.

The CLI and :func:`kgraph.build` both call :func:`build_data` then :func:`save_build`.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import pyoxigraph as ox

from . import __version__
from .cache import MentionCache
from .export.atomic import atomic_dir, atomic_path
from .export.graphml import write_graphml
from .export.html import write_html
from .export.jsondata import write_json
from .extract.pipeline import (
    build_pipeline,
    check_tier,
    extract_mentions,
    model_version,
)
from .graph.build import build_networkx
from .graph.communities import annotate, communities_of
from .graph.data import GraphData
from .graph.links import paper_links
from .model import Mention
from .rdf.convert import write_turtle
from .rdf.incremental import BlockLog, token_quad
from .rdf.remote import TRIG_FILE
from .rdf.store import STORE_DIR, write_store
from .readers import ReadReport, read_papers
from .resolve.entities import resolve
from .resolve.thesaurus import read_thesaurus
from .resolve.vocabularies import shipped_vocabulary

Progress = Callable[[str, int], Callable[[], None]]
"""Start a progress task named by a string with a total; returns the per-item callback."""


@dataclass(frozen=True)
class BuildOptions:
    """What changes a build's result (and so its fingerprint)."""

    tier: str | None = None
    top_k: int = 10
    max_df: float = 0.25
    fmt: str | None = None
    thesaurus: Path | None = None
    processes: int | str = "auto"  # extraction workers; never changes the result
    engine: str = "local"  # "local" (worker processes) or "dask"; never changes the result
    scheduler: str | None = None  # Dask scheduler address; None starts a LocalCluster


@dataclass
class BuildSummary:
    """What a build did, for the CLI to print."""

    report: ReadReport = field(default_factory=ReadReport)
    tier: str = ""
    timings: dict[str, float] = field(default_factory=dict)
    cache: dict[str, int] = field(default_factory=dict)
    store: dict[str, int] = field(default_factory=dict)  # an in-place update: blocks changed, triples removed/added


def _fingerprint(options: BuildOptions, tier: str, model: str) -> str:
    thesaurus = hashlib.sha1(options.thesaurus.read_bytes()).hexdigest() if options.thesaurus else None
    blob = json.dumps({"kgraph": __version__, "tier": tier, "model": model, "top_k": options.top_k,
                       "max_df": options.max_df, "thesaurus": thesaurus}, sort_keys=True)
    return hashlib.sha1(blob.encode()).hexdigest()[:16]


def extraction_fingerprint(tier: str, model: str) -> str:
    """What a paper's mentions depend on besides its text: kgraph, tier, model and gazetteer."""
    blob = json.dumps([__version__, tier, model, model_version("rules")])
    return hashlib.sha1(blob.encode()).hexdigest()[:16]


def build_data(
    paths: Sequence[str | Path],
    options: BuildOptions = BuildOptions(),
    *,
    summary: BuildSummary | None = None,
    progress: Progress | None = None,
    cache_path: Path | None = None,
    shard_dir: Path | None = None,
) -> GraphData:
    """Read, extract, resolve and link; return the build's data.

    With ``cache_path`` (an SQLite file, see :mod:`kgraph.cache`) papers extracted by an
    earlier build with the same pipeline are not extracted again; nothing else is written.
    ``shard_dir`` is where the Dask engine's workers leave their shards (a temporary
    folder by default; see :mod:`kgraph.extract.dask_engine`).
    """
    import time

    summary = summary if summary is not None else BuildSummary()
    clock = time.perf_counter()

    def lap(stage: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        summary.timings[stage] = now - clock
        clock = now

    papers = read_papers(paths, summary.report, fmt=options.fmt)
    lap("read")
    summary.tier = check_tier(options.tier)
    model = model_version(summary.tier)
    cache = MentionCache(cache_path, extraction_fingerprint(summary.tier, model)) if cache_path is not None else None
    cached = cache.get(papers) if cache is not None else {}
    todo = [p for p in papers if p.id not in cached]
    fresh: dict[str, list[Mention]] = {p.id: [] for p in todo}
    if todo:  # loading a model takes seconds: not when every paper is cached
        tick = progress("Extracting", len(todo)) if progress else None
        if options.engine == "dask":
            from .extract.dask_engine import extract_on_dask  # an optional extra: imported only when used

            found: Iterable[Mention] = extract_on_dask(todo, summary.tier, scheduler=options.scheduler, shard_dir=shard_dir, on_paper=tick)
        elif options.engine == "local":
            found = extract_mentions(todo, build_pipeline(summary.tier), on_paper=tick, processes=options.processes)
        else:
            raise ValueError(f"engine must be 'local' or 'dask', not {options.engine!r}")
        for mention in found:
            fresh[mention.paper_id].append(mention)
    if cache is not None:
        for paper in todo:
            cache.put(paper, fresh[paper.id])
        summary.cache = {"reused": len(cached), "extracted": len(todo), "dropped": cache.keep_only(papers)}
        cache.close()
    mentions = [m for p in papers for m in (cached[p.id] if p.id in cached else fresh[p.id])]
    lap("extract")
    thesaurus = None
    if options.thesaurus is not None:
        thesaurus, problems = read_thesaurus(options.thesaurus)
        for problem in problems:
            summary.report.problem(problem, skipped=0)
    resolution = resolve(papers, mentions, shipped_vocabulary(), thesaurus)
    lap("resolve")
    paper_entities: dict[str, set[str]] = {p.id: set() for p in papers}
    for mention, entity in zip(mentions, resolution.mention_entity):
        if entity:
            paper_entities[mention.paper_id].add(entity)
    links = paper_links(paper_entities, top_k=options.top_k, max_df=options.max_df)
    lap("link")
    communities = communities_of(papers, resolution.entities, paper_entities, links)
    lap("communities")
    meta = {
        "kgraph_version": __version__,
        "tier": summary.tier,
        "model": model,
        "created": datetime.now(timezone.utc).replace(microsecond=0).isoformat(),
        "fingerprint": _fingerprint(options, summary.tier, model),
        "options": {"top_k": options.top_k, "max_df": options.max_df},
        "inputs": [str(p) for p in paths],
    }
    return GraphData(tuple(papers), tuple(mentions), resolution.mention_entity, resolution.entities,
                     tuple(links), dict(resolution.ambiguous_acronyms), meta, communities)


OUTPUTS = ("kgraph.json", "graph.ttl", "graph.trig", "graph.graphml", "graph.html", STORE_DIR)


def save_build(data: GraphData, out_dir: Path, *, timings: dict[str, float] | None = None,
               cache_path: Path | None = None, summary: BuildSummary | None = None) -> list[Path]:
    """Write every output of a build to ``out_dir``, each atomically; return their paths.

    Three things run at once, because at 50k papers each takes minutes: a forked
    process writes kgraph.json, the GraphML and the HTML; this process formats the RDF
    once, as Turtle and TriG (one named graph per paper, for ``kgraph push``), and
    pipes the Turtle into the store's bulk loader, which runs in a thread (pyoxigraph
    loads in Rust without the GIL). Where fork is not available the views are written
    afterwards in this process.

    With ``cache_path`` (the build's ``cache.sqlite``) the store's content is recorded
    block by block, and when the store in ``out_dir`` is the one recorded there it is
    updated in place with only what changed instead of being loaded again (see
    :mod:`kgraph.rdf.incremental`; ``summary.store`` says how much changed).
    """
    import multiprocessing
    import time
    from concurrent.futures import Executor, ProcessPoolExecutor

    global _VIEWS_DATA
    out_dir.mkdir(parents=True, exist_ok=True)
    if timings is None and summary is not None:
        timings = summary.timings
    start = time.perf_counter()
    forked = "fork" in multiprocessing.get_all_start_methods()
    views_pool: Executor | None = None
    if forked:  # fork before any thread starts (opening the store starts some)
        # indexes both sides read, made once here rather than once in each process
        data.papers_of_entity, data.entities_of_paper  # noqa: B018
        _VIEWS_DATA = data
        views_pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("fork"))
        views = views_pool.submit(_write_views, out_dir)
    log = BlockLog(cache_path) if cache_path is not None else None
    try:
        store = _recorded_store(out_dir / STORE_DIR, log) if log is not None else None
        if store is not None and log is not None:
            changes = _update_store(data, out_dir, store, log)
            store = None  # closes it
            if summary is not None:
                summary.store = changes
            rdf_done = changes.pop("formatted_at")
        else:
            if log is not None:
                log.start_full()
            rdf_done = _load_store(data, out_dir, log)
            if log is not None:
                log.commit()
        store_done = time.perf_counter()
        views_seconds = views.result() if views_pool is not None else _write_views(out_dir, data)
    finally:
        if log is not None:
            log.close()
        if views_pool is not None:
            views_pool.shutdown()
            _VIEWS_DATA = None
    if timings is not None:
        timings["rdf"] = rdf_done - start
        timings["store (after rdf)"] = store_done - rdf_done
        timings["json+graphml+html (alongside)"] = views_seconds
        timings["outputs"] = time.perf_counter() - start
    return [out_dir / name for name in OUTPUTS]


_VIEWS_DATA: GraphData | None = None  # what the forked view writer inherits


def _write_views(out_dir: Path, data: GraphData | None = None) -> float:
    """kgraph.json, graph.graphml and graph.html; returns the seconds it took."""
    import time

    start = time.perf_counter()
    data = data if data is not None else _VIEWS_DATA
    assert data is not None
    write_json(data, out_dir / "kgraph.json")
    write_graphml(data, out_dir / "graph.graphml")
    write_html(data, out_dir / "graph.html", title=f"kgraph — {len(data.papers)} papers")
    return time.perf_counter() - start


def _load_store(data: GraphData, out_dir: Path, log: BlockLog | None) -> float:
    """Write graph.ttl and graph.trig and load a new store from the Turtle; return when the files were done."""
    import time
    from concurrent.futures import ThreadPoolExecutor

    on_block = log.see if log is not None else None
    reuse = log.reuse if log is not None else None  # nothing is reused in a full load: signatures are recorded
    token = log.token if log is not None else None
    with ThreadPoolExecutor(max_workers=1) as pool:
        piped = _can_pipe()  # else the store loads the finished file
        if piped:
            read_end, write_end = os.pipe()
            store = pool.submit(_write_store_from, out_dir / STORE_DIR, Path(f"/dev/fd/{read_end}"), read_end, token)
        with atomic_path(out_dir / TRIG_FILE) as trig, atomic_path(out_dir / "graph.ttl") as ttl:
            if not piped:
                write_turtle(data, turtle=ttl, trig=trig, on_block=on_block, reuse=reuse)
            else:
                with open(write_end, "w", encoding="utf-8") as pipe:
                    try:
                        write_turtle(data, turtle=ttl, trig=trig, tee=pipe, on_block=on_block, reuse=reuse)
                    except BrokenPipeError:  # the loader stopped: its error says why
                        store.result()
                        raise
        rdf_done = time.perf_counter()
        if not piped:
            store = pool.submit(_write_store_from, out_dir / STORE_DIR, out_dir / "graph.ttl", None, token)
        store.result()  # re-raises a failed load
    return rdf_done


def _recorded_store(path: Path, log: BlockLog) -> ox.Store | None:
    """The store at ``path`` opened for writing, if it holds what ``log`` recorded; else ``None``."""
    if not path.is_dir():
        return None
    try:
        store = ox.Store(str(path))
    except OSError:  # e.g. locked by another writer: a fresh store is loaded instead
        return None
    if log.matches(store):
        return store
    del store
    return None


def _update_store(data: GraphData, out_dir: Path, store: ox.Store, log: BlockLog) -> dict[str, float]:
    """Rewrite graph.ttl and graph.trig, and update ``store`` with what changed since the last build."""
    import time

    log.start_update()
    with atomic_path(out_dir / TRIG_FILE) as trig, atomic_path(out_dir / "graph.ttl") as ttl:
        write_turtle(data, turtle=ttl, trig=trig, on_block=log.see, reuse=log.reuse)
        formatted = time.perf_counter()
        # inside the block: if the update fails, the old files stay with the old store
        removed, added = log.apply(store)
    store.flush()
    return {"formatted_at": formatted, "blocks_changed": log.changed_blocks, "papers_reused": log.reused_blocks,
            "triples_removed": removed, "triples_added": added}


def _can_pipe() -> bool:
    """Whether the store's loader can read a pipe by path (``/dev/fd``: Linux, macOS)."""
    return os.path.isdir("/dev/fd")


def _write_store_from(target: Path, turtle: Path, pipe_fd: int | None = None, token: str | None = None) -> None:
    """Bulk-load the store from ``turtle`` (a file, or the read end ``pipe_fd`` of a pipe), marked with ``token``."""
    try:
        with atomic_dir(target) as tmp:
            write_store(turtle, tmp, marks=[token_quad(token)] if token else ())
    finally:
        if pipe_fd is not None:
            os.close(pipe_fd)  # a writer still writing gets BrokenPipeError, not a hang


def build_networkx_of(data: GraphData):
    """The networkx graph of a build's data."""
    pairs = [(m.paper_id, e) for m, e in zip(data.mentions, data.mention_entity) if e]
    return annotate(build_networkx(data.papers, data.entities, pairs, data.links), data.communities)
