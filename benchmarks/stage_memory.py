"""Peak memory of each build stage, and what the build's data holds at the end.

Runs ``build_data`` (read, extract, relations, resolve, results, link, communities; no
outputs) on the first ``N`` abstracts of the arXiv CS corpus (replicated with fresh ids
above 50k, as :mod:`scale` does) in this process, and prints after each stage its wall
time, the resident size, and the peak resident size *during that stage* (Linux: the
kernel's high-water mark, reset after each stage through ``/proc/self/clear_refs``). Then
it drops the build's structures one by one and prints what each gave back.

Extraction is the long part (about 30 minutes per 10^6 abstracts on two cores). Two ways
to skip it: ``--cache`` reuses an extraction cache (``cache.sqlite``) of the same corpus,
and ``--replicate-cache SMALL`` first writes the cache of the ``N``-abstract corpus from
the cache of a smaller one made by this script (a copy ``k`` of a paper only gains
" (copy k)" at the end of its title, so its original's mentions hold at every offset;
the copies' own title words are then not extracted, a small difference from a real run).

Usage::

    python benchmarks/stage_memory.py 100000 --cache /tmp/cache_100k.sqlite
    python benchmarks/stage_memory.py 1000000 --cache /tmp/cache_1m.sqlite --replicate-cache /tmp/cache_100k.sqlite
    python benchmarks/stage_memory.py 100000 --cache /tmp/cache_100k.sqlite --outputs --skip store html graphml trig

``--outputs`` then writes the outputs as ``scale.py`` does (``--skip``, ``--rdf-provenance``)
and prints the output stage's peak and the kgraph functions running when it was reached
(a thread samples the resident size five times a second), and what the indexes the
outputs filled on the build's data hold.
"""

from __future__ import annotations

import argparse
import ctypes
import dataclasses
import gc
import shutil
import sqlite3
import sys
import tempfile
import threading
import time
import traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from scale import CORPUS, write_corpus


def _status(field: str) -> int:
    """A ``/proc/self/status`` size in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field):
            return int(line.split()[1]) // 1024
    return 0


class PeakSampler:
    """Samples the resident size in a thread; keeps the largest and the main thread's kgraph frames then."""

    def __init__(self, every: float = 0.2) -> None:
        self.peak, self.where = 0, ""
        self._main = threading.main_thread().ident
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(every,), daemon=True)

    def _run(self, every: float) -> None:
        while not self._stop.wait(every):
            rss = _status("VmRSS")
            if rss > self.peak:
                frame = sys._current_frames().get(self._main)
                stack = traceback.extract_stack(frame) if frame is not None else []
                self.peak = rss
                self.where = " < ".join(f"{f.name} ({Path(f.filename).name}:{f.lineno})" for f in reversed(stack)
                                        if "kgraph" in f.filename)

    def __enter__(self) -> PeakSampler:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join()


def replicate_cache(small: Path, corpus: Path, out: Path) -> None:
    """The extraction cache of ``corpus`` from ``small``'s: every copy gets its original's mentions."""
    from kgraph.cache import text_hash
    from kgraph.readers import read_papers

    source = sqlite3.connect(small)
    payload = {pid: p for pid, p in source.execute("SELECT paper_id, payload FROM mentions") if "-copy" not in pid}
    out.unlink(missing_ok=True)
    target = sqlite3.connect(out)
    for (sql,) in source.execute("SELECT sql FROM sqlite_master WHERE type = 'table'"):
        target.execute(sql)
    target.executemany("INSERT INTO meta VALUES (?, ?)", source.execute("SELECT key, value FROM meta"))
    rows = ((p.id, text_hash(p), payload[p.id.split("-copy")[0]]) for p in read_papers([corpus])
            if p.id.split("-copy")[0] in payload)
    target.executemany("INSERT INTO mentions VALUES (?, ?, ?)", rows)
    target.commit()


def _trimmed(libc: ctypes.CDLL) -> int:
    """The resident size once garbage is collected and freed heap pages go back to the system."""
    gc.collect()
    libc.malloc_trim(0)
    return _status("VmRSS")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n", type=int, help="abstracts")
    parser.add_argument("--cache", type=Path, help="extraction cache to use (and fill)")
    parser.add_argument("--replicate-cache", type=Path, metavar="SMALL",
                        help="write --cache from this smaller one first")
    parser.add_argument("--tier", default="fast")
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--outputs", action="store_true", help="write the outputs too, and measure them")
    parser.add_argument("--skip", nargs="*", default=[], metavar="OUTPUT", help="outputs to leave out (with --outputs)")
    parser.add_argument("--rdf-provenance", default="entities", help="what graph.ttl keeps (with --outputs)")
    args = parser.parse_args()
    from kgraph.builder import BuildOptions, build_data

    work = Path(tempfile.mkdtemp(prefix="kgraph-memory-"))
    corpus = write_corpus(CORPUS, args.n, work / f"corpus_{args.n}.jsonl")
    cache = args.cache or work / "cache.sqlite"
    if args.replicate_cache:
        replicate_cache(args.replicate_cache, corpus, cache)

    peaks: list[int] = []

    def on_stage(name: str, seconds: float) -> None:
        peaks.append(_status("VmHWM"))
        print(f"{name:12s} {seconds:7.1f} s  rss {_status('VmRSS'):6d} MB  stage peak {peaks[-1]:6d} MB", flush=True)
        Path("/proc/self/clear_refs").write_text("5")  # the next stage's peak is its own

    print(f"{args.n:,} abstracts, tier {args.tier}; start rss {_status('VmRSS')} MB", flush=True)
    data = build_data([corpus], BuildOptions(tier=args.tier, processes=args.processes, relations=False),
                      cache_path=cache, on_stage=on_stage)
    print(f"{len(data.papers):,} papers, {len(data.mentions):,} mentions, {len(data.entities):,} entities, "
          f"{len(data.links):,} links; peak RSS {max(peaks)} MB (the clear_refs resets reset ru_maxrss too)")
    libc = ctypes.CDLL("libc.so.6")
    if args.outputs:
        from kgraph.export.outputs import save_build

        gc.collect()
        libc.malloc_trim(0)
        Path("/proc/self/clear_refs").write_text("5")
        start, base = time.perf_counter(), _status("VmRSS")
        with PeakSampler() as sampler:
            save_build(data, work / "out", skip=args.skip, provenance=args.rdf_provenance)
        print(f"outputs      {time.perf_counter() - start:7.1f} s  rss {_status('VmRSS'):6d} MB  stage peak "
              f"{_status('VmHWM'):6d} MB (from {base} MB)\n  sampled peak {sampler.peak} MB in {sampler.where}")
        indexes = [name for name in vars(data) if name not in {f.name for f in dataclasses.fields(data)}]
        before = _trimmed(libc)
        for name in indexes:
            del vars(data)[name]  # a cached_property's value: dropped, so the size it held shows
            now = _trimmed(libc)
            print(f"  {name:26s} held {before - now:6d} MB", flush=True)
            before = now

    trimmed = lambda: _trimmed(libc)  # noqa: E731
    before = trimmed()
    for name in ("links", "communities", "entities", "results", "mention_entity", "mentions", "papers"):
        object.__setattr__(data, name, None if name == "communities" else ())
        now = trimmed()
        print(f"  {name:15s} held {before - now:6d} MB", flush=True)
        before = now
    print(f"  left {before} MB (interpreter, models, caches)")
    shutil.rmtree(work, ignore_errors=True)  # the corpus, and the outputs and cache made here


if __name__ == "__main__":
    main()
