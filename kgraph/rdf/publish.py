"""Write a build's RDF: graph.ttl and graph.trig, and the embedded store, loaded or updated.

Two ways, chosen by :func:`publish_rdf`:

* **a full load**: the RDF is formatted once, as Turtle and TriG (one named graph per
  paper, for ``kgraph push``), and the Turtle is piped into the store's bulk loader
  while it is written; the loader runs in a thread (pyoxigraph loads in Rust without
  the GIL). Where pipes cannot be opened by path the store loads the finished file.
* **an update**: when the previous build's store is the one the build's
  :class:`~kgraph.rdf.incremental.BlockLog` recorded, it is copied (a RocksDB checkpoint:
  hard links to its immutable files, so no data is copied) and only the blocks that
  changed are deleted and inserted in the copy (SPARQL updates sent in batches on a
  thread while the files are written), instead of loading the store again. Given the
  output folder itself as the previous one, the store is updated in place, in one
  transaction at the end.

Every file and the store are replaced whole or not at all (see :mod:`kgraph.atomic`).
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from ..atomic import atomic_dir, atomic_path
from ..graph.data import GraphData
from .convert import FormatChunks, write_turtle
from .incremental import BlockLog, token_quad
from .remote import TRIG_FILE
from .store import STORE_DIR, write_store


@dataclass(frozen=True)
class Published:
    """When the RDF files were done and the store after them (``time.perf_counter`` values),
    and, for an update in place, how much changed (blocks, reused paper graphs, triples)."""

    formatted_at: float
    stored_at: float
    changes: dict[str, int] | None = None


def publish_rdf(data: GraphData, out_dir: Path, log: BlockLog | None = None, previous: Path | None = None,
                *, provenance: str = "full", store: bool = True, trig: bool = True,
                format_chunks: FormatChunks | None = None) -> Published:
    """Write graph.ttl, graph.trig and the store of ``data`` into ``out_dir``.

    With ``log`` (the build's block record) the store of ``previous`` (the previous
    build's folder; default ``out_dir``) is updated into ``out_dir`` when it is the one
    recorded there, and the record is brought up to date either way. ``provenance`` is
    what graph.ttl keeps of the mentions (:data:`~kgraph.rdf.convert.PROVENANCE`); the
    TriG and the store keep everything. ``store=False`` writes the files alone (the record
    is left as it is: the next build with a store finds none to update and loads one
    afresh); ``trig=False`` leaves out graph.trig. ``format_chunks`` formats the paper
    graphs (:func:`~kgraph.rdf.convert.keyed_blocks`; in this process by default).
    """
    if not store:
        with _rdf_files(out_dir, trig) as (trig_path, ttl):
            write_turtle(data, turtle=ttl, trig=trig_path, provenance=provenance, format_chunks=format_chunks)
        done = time.perf_counter()
        return Published(done, done)
    existing, copied = None, False
    if log is not None and (previous is None or previous == out_dir):
        existing = recorded_store(out_dir / STORE_DIR, log)
    elif log is not None and previous is not None:
        # the previous build stays untouched (readers may hold it open): opened read-only, copied
        recorded = recorded_store(previous / STORE_DIR, log, read_only=True)
        existing = _checkpoint(recorded, out_dir / STORE_DIR) if recorded is not None else None
        copied = existing is not None
    if existing is not None and log is not None:
        formatted, changes = _update_store(data, out_dir, existing, log, provenance, trig, format_chunks,
                                           in_batches=copied, previous=previous or out_dir)
        del existing  # closes it
        return Published(formatted, time.perf_counter(), changes)
    if log is not None:
        log.start_full()
    formatted = _load_store(data, out_dir, log, provenance, trig, format_chunks)
    if log is not None:
        log.commit()
    return Published(formatted, time.perf_counter())


def recorded_store(path: Path, log: BlockLog, read_only: bool = False) -> ox.Store | None:
    """The store at ``path`` opened for writing (or reading), if it holds what ``log`` recorded; else ``None``."""
    if not path.is_dir():
        return None
    try:
        store = ox.Store.read_only(str(path)) if read_only else ox.Store(str(path))
    except OSError:  # e.g. locked by another writer: a fresh store is loaded instead
        return None
    if log.matches(store):
        return store
    del store
    return None


def _checkpoint(store: ox.Store, target: Path) -> ox.Store:
    """A copy of ``store`` at ``target``, opened for writing; ``store`` is closed.

    The copy hard-links the store's immutable files, so it costs no time or space until
    the update rewrites part of it.
    """
    store.backup(str(target))
    del store
    return ox.Store(str(target))


def can_pipe() -> bool:
    """Whether the store's loader can read a pipe by path (``/dev/fd``: Linux, macOS)."""
    return os.path.isdir("/dev/fd")


def _load_store(data: GraphData, out_dir: Path, log: BlockLog | None, provenance: str, trig: bool = True,
                format_chunks: FormatChunks | None = None) -> float:
    """Write graph.ttl and graph.trig and load a new store from the Turtle; return when the files were done."""
    on_block = log.see if log is not None else None
    reuse = log.reuse if log is not None else None  # nothing is reused in a full load: signatures are recorded
    on_span = log.span if log is not None else None
    token = log.token if log is not None else None
    with ThreadPoolExecutor(max_workers=1) as pool:
        piped = can_pipe()  # else the store loads the finished file
        if piped:
            read_end, write_end = os.pipe()
            store = pool.submit(_write_store_from, out_dir / STORE_DIR, Path(f"/dev/fd/{read_end}"), read_end, token)
        # graph.ttl holds every statement only with full provenance; else the loader's
        # Turtle goes to a file of its own (removed once loaded)
        source = out_dir / ("graph.ttl" if provenance == "full" else ".store-source.ttl")
        with _rdf_files(out_dir, trig) as (trig_path, ttl):
            if not piped and provenance == "full":
                write_turtle(data, turtle=ttl, trig=trig_path, on_block=on_block, reuse=reuse, provenance=provenance,
                             format_chunks=format_chunks, on_span=on_span)
            elif not piped:
                with open(source, "w", encoding="utf-8", newline="\n") as full:
                    write_turtle(data, turtle=ttl, trig=trig_path, tee=full, on_block=on_block, reuse=reuse,
                                 provenance=provenance, format_chunks=format_chunks, on_span=on_span)
            else:
                try:
                    with open(write_end, "w", encoding="utf-8") as pipe:
                        write_turtle(data, turtle=ttl, trig=trig_path, tee=pipe, on_block=on_block, reuse=reuse,
                                     provenance=provenance, format_chunks=format_chunks, on_span=on_span)
                except BrokenPipeError:  # the loader stopped (even at the last flush): its error says why
                    store.result()
                    raise
            if log is not None:
                log.files_written((ttl, trig_path), provenance)
        formatted = time.perf_counter()
        if not piped:
            store = pool.submit(_write_store_from, out_dir / STORE_DIR, source, None, token)
        try:
            store.result()  # re-raises a failed load
        finally:
            if source.name != "graph.ttl":
                source.unlink(missing_ok=True)
    return formatted


def _update_store(data: GraphData, out_dir: Path, store: ox.Store, log: BlockLog,
                  provenance: str, trig: bool = True,
                  format_chunks: FormatChunks | None = None, *,
                  in_batches: bool = False, previous: Path | None = None) -> tuple[float, dict[str, int]]:
    """Rewrite graph.ttl and graph.trig, and update ``store`` with what changed since the last build.

    ``in_batches`` sends the changes while the files are written (for a copy of the
    store that nobody reads before the build ends); else in one transaction at the end.
    Unchanged paper graphs are copied from the files in ``previous`` (default
    ``out_dir``) where those are the files the log recorded.
    """
    before = previous or out_dir
    log.start_update(store if in_batches else None, provenance=provenance,
                     files=(before / "graph.ttl", before / TRIG_FILE if trig else None))
    with _rdf_files(out_dir, trig) as (trig_path, ttl):
        write_turtle(data, turtle=ttl, trig=trig_path, on_block=log.see, reuse=log.reuse, provenance=provenance,
                     format_chunks=format_chunks, previous=log.copy_from, on_span=log.span)
        log.files_written((ttl, trig_path), provenance)
        formatted = time.perf_counter()
        # inside the block: if the update fails, the old files stay with the old store
        removed, added = log.apply(store)
    store.flush()
    return formatted, {"blocks_changed": log.changed_blocks, "papers_reused": log.reused_blocks,
                       "entities_reused": log.reused_entities,
                       "triples_removed": removed, "triples_added": added}


@contextlib.contextmanager
def _rdf_files(out_dir: Path, trig: bool) -> Iterator[tuple[Path | None, Path]]:
    """Temporary paths for graph.trig (None when left out) and graph.ttl, renamed into place on success."""
    with contextlib.ExitStack() as files:
        trig_path = files.enter_context(atomic_path(out_dir / TRIG_FILE)) if trig else None
        yield trig_path, files.enter_context(atomic_path(out_dir / "graph.ttl"))


def _write_store_from(target: Path, turtle: Path, pipe_fd: int | None = None, token: str | None = None) -> None:
    """Bulk-load the store from ``turtle`` (a file, or the read end ``pipe_fd`` of a pipe), marked with ``token``."""
    try:
        with atomic_dir(target) as tmp:
            write_store(turtle, tmp, marks=[token_quad(token)] if token else ())
    finally:
        if pipe_fd is not None:
            os.close(pipe_fd)  # a writer still writing gets BrokenPipeError, not a hang
