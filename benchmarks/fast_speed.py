#!/usr/bin/env python
"""Throughput of kgraph's shipped fast tier on one core.

Loads ``kgraph/models/fast`` with ``spacy.load`` (no ``spacy.blank``), adds a
``sentencizer`` first (as kgraph does) and times ``nlp.pipe`` over the first N arXiv
abstracts (whitespace-normalised), next to spaCy's tokenizer alone on the same texts in
the same run. One thread (OMP/MKL/OpenBLAS set to 1 before numpy loads), one process.
Each timing is the best of ``--repeats`` passes; a warm-up pass over 100 texts runs first.

Usage (from the repository root)::

    python benchmarks/fast_speed.py [--n 2000] [--repeats 3] [--model DIR [--model DIR2 ...]]
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS", "NUMEXPR_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse
import gzip
import json
import time
from pathlib import Path

import spacy

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO.parent / "shared" / "data" / "corpora" / "arxiv_cs_50k.jsonl.gz"


def load_texts(path: Path, n: int) -> list[str]:
    texts = []
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for line in f:
            text = " ".join((json.loads(line).get("summary") or "").split())
            if text:
                texts.append(text)
            if len(texts) >= n:
                break
    return texts


def best_time(fn, repeats: int) -> float:
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", type=Path, action="append", default=None,
                    help="pipeline folder (repeatable: models are timed in interleaved rounds); default kgraph/models/fast")
    ap.add_argument("--corpus", type=Path, default=CORPUS)
    ap.add_argument("--n", type=int, default=2000)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--batch-size", type=int, default=256)
    args = ap.parse_args(argv)
    models = args.model or [REPO / "kgraph" / "models" / "fast"]

    texts = load_texts(args.corpus, args.n)
    pipes = []
    for path in models:
        nlp = spacy.load(path)
        nlp.add_pipe("sentencizer", first=True)
        list(nlp.pipe(texts[:100], batch_size=args.batch_size))  # warm-up
        pipes.append(nlp)
    tokenizer = pipes[0].tokenizer
    words = sum(len(tokenizer(t)) for t in texts)

    t_tok = float("inf")
    t_full = [float("inf")] * len(pipes)
    for _ in range(args.repeats):  # interleaved, so background load hits every model alike
        t_tok = min(t_tok, best_time(lambda: [tokenizer(t) for t in texts], 1))
        for i, nlp in enumerate(pipes):
            t_full[i] = min(t_full[i], best_time(lambda: [None for _ in nlp.pipe(texts, batch_size=args.batch_size)], 1))

    print(f"{len(texts)} arXiv abstracts, {words} words ({words / len(texts):.0f} words/abstract); "
          f"1 thread, batch_size {args.batch_size}, best of {args.repeats} interleaved rounds")
    print(f"{'pipeline':<64}{'MB':>6}{'seconds':>9}{'abstracts/s':>13}{'words/s':>11}")
    print(f"{'spaCy tokenizer alone':<64}{'':>6}{t_tok:>9.2f}{len(texts) / t_tok:>13.0f}{words / t_tok:>11.0f}")
    for path, nlp, t in zip(models, pipes, t_full):
        size = sum(p.stat().st_size for p in Path(path).rglob("*") if p.is_file()) / 1e6
        name = f"{path}: " + " + ".join(["tokenizer"] + nlp.pipe_names)
        print(f"{name:<64}{size:>6.1f}{t:>9.2f}{len(texts) / t:>13.0f}{words / t:>11.0f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
