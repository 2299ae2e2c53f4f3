"""Extraction throughput: papers/s and words/s per tier, on one core and on two.

The seed papers (../shared/seeds; the demo corpus when ../shared is absent) are
replicated with fresh ids to --n papers. Each mode runs kgraph's whole extraction
(:func:`kgraph.run.local.extract_mentions`: title + abstract through the tier's
pipeline, then Mentions), next to spaCy's tokenizer alone on the same texts:

* ``1core``: one process, one thread;
* ``2threads``: one process, onnxruntime with two intra-op threads (accurate tier);
* ``2procs``: two worker processes of one thread each, returning Mentions (never Docs:
  pickling Docs back made spaCy's n_process 7x slower). The time includes starting the
  workers (fork + model load), as in a real build.

The machine may be shared, so every mode runs once per round, rounds are interleaved
(background load hits every mode alike) and the table shows the median round with the
range. The mentions of every mode are compared with ``1core``'s: they must be identical.

Usage: python benchmarks/extract_speed.py [--n 2000] [--repeats 3] [--tiers accurate fast rules]
       [--modes 1core 2threads 2procs] [--corpus seeds|arxiv]
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
    os.environ.setdefault(_var, "1")  # before numpy loads: one core means one thread

import argparse
import statistics
import time
from dataclasses import replace
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO.parent / "shared" / "seeds"
ARXIV = REPO.parent / "shared" / "data" / "corpora" / "arxiv_cs_50k.jsonl.gz"


def papers(n: int, corpus: str = "seeds") -> list:
    """``n`` papers: the seed papers replicated with fresh ids, or the first ``n`` arXiv abstracts."""
    from kgraph.readers import read_papers

    if corpus == "arxiv":
        found = read_papers([ARXIV])[:n]
        if len(found) < n:
            raise SystemExit(f"{ARXIV} holds only {len(found)} papers")
        return found
    sources = sorted(SEEDS.glob("*.txt")) or [REPO / "examples"]
    seed = read_papers(sources)
    return [replace(seed[i % len(seed)], id=f"{seed[i % len(seed)].id}#{i}") for i in range(n)]


def texts(n: int) -> list[str]:
    """The abstracts of :func:`papers` (for scripts that time a pipeline on strings)."""
    return [p.abstract for p in papers(n)]


def run(nlp, corpus: list, processes: int) -> tuple[float, list]:
    """Seconds to extract every mention of ``corpus``, and the mentions."""
    from kgraph.run.local import extract_mentions

    start = time.perf_counter()
    found = list(extract_mentions(corpus, nlp=nlp, processes=processes))
    return time.perf_counter() - start, found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--tiers", nargs="+", default=["accurate", "fast", "rules"])
    parser.add_argument("--modes", nargs="+", default=["1core", "2threads", "2procs"])
    parser.add_argument("--corpus", choices=["seeds", "arxiv"], default="seeds",
                        help="replicated seed papers, or the first N of the 50k arXiv abstracts in ../shared")
    args = parser.parse_args()

    import spacy

    from kgraph.extract.pipeline import build_pipeline, tier_available

    corpus = papers(args.n, args.corpus)
    strings = [t for p in corpus for t in (p.title, p.abstract)]
    tokenizer = spacy.blank("en").tokenizer
    words = sum(len(doc) for doc in tokenizer.pipe(strings))
    runs = [(tier, mode) for tier in args.tiers if tier_available(tier) for mode in args.modes
            if mode != "2threads" or tier == "accurate"]
    pipes = {}
    for tier, mode in runs:  # models load before timing; workers load theirs inside the timing
        nlp = build_pipeline(tier, threads=2 if mode == "2threads" else 1)
        list(nlp.pipe(strings[:8]))
        pipes[tier, mode] = nlp
    times: dict[tuple[str, str], list[float]] = {key: [] for key in [("tokenizer", "")] + runs}
    reference: dict[str, list] = {}
    same: dict[tuple[str, str], bool] = {}
    for _ in range(args.repeats):
        start = time.perf_counter()
        for _doc in tokenizer.pipe(strings):
            pass
        times["tokenizer", ""].append(time.perf_counter() - start)
        for tier, mode in runs:
            secs, found = run(pipes[tier, mode], corpus, 2 if mode == "2procs" else 1)
            times[tier, mode].append(secs)
            reference.setdefault(tier, found)
            same[tier, mode] = same.get((tier, mode), True) and found == reference[tier]

    what = "seed papers replicated" if args.corpus == "seeds" else "arXiv abstracts"
    print(f"{len(corpus)} papers ({what}, title + abstract), {words} words; "
          f"{os.cpu_count()} CPUs; median of {args.repeats} interleaved rounds [min-max papers/s]")
    print(f"{'pipeline':<24} {'papers/s':>9} {'range':>13} {'words/s':>9} {'seconds':>8} {'mentions':>9} {'same':>5}")
    for (tier, mode), secs in times.items():
        mid = statistics.median(secs)
        span = f"[{len(corpus) / max(secs):.1f}-{len(corpus) / min(secs):.1f}]"
        name = "spaCy tokenizer alone" if tier == "tokenizer" else f"{tier} / {mode}"
        count = f"{len(reference[tier]):9d}" if tier in reference else f"{'-':>9}"
        check = ("yes" if same[tier, mode] else "NO") if tier in reference else "-"
        print(f"{name:<24} {len(corpus) / mid:9.1f} {span:>13} {words / mid:9.0f} {mid:8.2f} {count} {check:>5}")


if __name__ == "__main__":
    main()
