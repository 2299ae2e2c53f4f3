"""Extraction throughput: abstracts/s and words/s per tier, on one core and on two.

The seed abstracts (../shared/seeds; the demo corpus when ../shared is absent) are
replicated to --n texts. Each mode runs the whole extraction pipeline of a tier over
them, next to spaCy's tokenizer alone in the same run:

* ``1 core``: one process, one thread;
* ``2 threads``: one process, onnxruntime using two intra-op threads (accurate tier);
* ``2 processes``: two worker processes, each with one thread, returning compact
  mention tuples (never Docs: pickling Docs back made spaCy's n_process 7x slower).

Usage: python benchmarks/extract_speed.py [--n 2000] [--tiers accurate fast rules] [--modes 1core 2threads 2procs]
"""

from __future__ import annotations

import argparse
import os
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO.parent / "shared" / "seeds"


def texts(n: int) -> list[str]:
    from kgraph.readers import read_papers

    sources = sorted(SEEDS.glob("*.txt")) or [REPO / "examples"]
    abstracts = [p.abstract for p in read_papers(sources)]
    return [abstracts[i % len(abstracts)] for i in range(n)]


def _pipeline(tier: str, threads: int):
    from kgraph.extract.pipeline import build_pipeline

    return build_pipeline(tier, threads=threads)


_WORKER = None


def _init(tier: str) -> None:
    global _WORKER
    _WORKER = _pipeline(tier, 1)


def _count_mentions(chunk: list[str]) -> int:
    # a worker sends back compact results (here: how many mentions), never Doc objects
    return sum(len(doc.spans["kgraph"]) for doc in _WORKER.pipe(chunk, batch_size=64))


def run(tier: str, mode: str, corpus: list[str]) -> tuple[float, int]:
    """Seconds to extract from ``corpus`` and the number of mentions found."""
    if mode == "2procs":
        chunks = [corpus[i::2] for i in range(2)]
        with ProcessPoolExecutor(2, initializer=_init, initargs=(tier,)) as pool:
            list(pool.map(_count_mentions, [[c[0]] for c in chunks]))  # load models before timing
            start = time.perf_counter()
            found = sum(pool.map(_count_mentions, chunks))
        return time.perf_counter() - start, found
    nlp = _pipeline(tier, 2 if mode == "2threads" else 1)
    list(nlp.pipe(corpus[:8]))  # warm up
    start = time.perf_counter()
    found = sum(len(doc.spans["kgraph"]) for doc in nlp.pipe(corpus, batch_size=64))
    return time.perf_counter() - start, found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--tiers", nargs="+", default=["accurate", "fast", "rules"])
    parser.add_argument("--modes", nargs="+", default=["1core", "2threads", "2procs"])
    args = parser.parse_args()
    os.environ.setdefault("OMP_NUM_THREADS", "1")

    import spacy

    from kgraph.extract.pipeline import tier_available

    corpus = texts(args.n)
    tokenizer = spacy.blank("en").tokenizer
    start = time.perf_counter()
    words = sum(len(doc) for doc in tokenizer.pipe(corpus))
    base = time.perf_counter() - start
    print(f"{len(corpus)} abstracts, {words} words (seed abstracts replicated); {os.cpu_count()} CPUs")
    print(f"{'pipeline':<28} {'abstracts/s':>11} {'words/s':>10} {'seconds':>8} {'mentions':>9}")
    print(f"{'spaCy tokenizer alone':<28} {len(corpus) / base:11.0f} {words / base:10.0f} {base:8.2f} {'-':>9}")
    for tier in args.tiers:
        if not tier_available(tier):
            print(f"{tier:<28} (model not installed)")
            continue
        for mode in args.modes:
            if mode == "2threads" and tier != "accurate":
                continue
            secs, found = run(tier, mode, corpus)
            print(f"{tier + ' / ' + mode:<28} {len(corpus) / secs:11.1f} {words / secs:10.0f} {secs:8.2f} {found:9d}")


if __name__ == "__main__":
    main()
