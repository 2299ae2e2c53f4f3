#!/usr/bin/env python
"""Throughput of kgraph's shipped fast tier on one core.

Loads ``kgraph/models/fast`` with ``spacy.load`` (no ``spacy.blank``), adds a
``sentencizer`` first (as kgraph does) and times ``nlp.pipe`` over the first N arXiv
abstracts (whitespace-normalised), next to spaCy's tokenizer alone on the same texts in
the same run. One thread (OMP/MKL/OpenBLAS set to 1 before numpy loads), one process.
Each timing is the best of ``--repeats`` passes; a warm-up pass over 100 texts runs first.

Usage (from the repository root)::

    python benchmarks/fast_speed.py [--n 2000] [--repeats 3] [--model kgraph/models/fast]
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
    ap.add_argument("--model", type=Path, default=REPO / "kgraph" / "models" / "fast")
    ap.add_argument("--corpus", type=Path, default=CORPUS)
    ap.add_argument("--n", type=int, default=2000)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--batch-size", type=int, default=256)
    args = ap.parse_args(argv)

    texts = load_texts(args.corpus, args.n)
    nlp = spacy.load(args.model)
    nlp.add_pipe("sentencizer", first=True)
    tokenizer = nlp.tokenizer
    words = sum(len(tokenizer(t)) for t in texts)
    n_ents = sum(len(doc.ents) for doc in nlp.pipe(texts[:100], batch_size=args.batch_size))  # warm-up

    t_tok = best_time(lambda: [tokenizer(t) for t in texts], args.repeats)
    t_full = best_time(lambda: [None for _ in nlp.pipe(texts, batch_size=args.batch_size)], args.repeats)

    size = sum(p.stat().st_size for p in args.model.rglob("*") if p.is_file())
    print(f"{len(texts)} arXiv abstracts, {words} words ({words / len(texts):.0f} words/abstract); "
          f"model {args.model} ({size / 1e6:.1f} MB), pipeline {nlp.pipe_names}; "
          f"1 thread, batch_size {args.batch_size}, best of {args.repeats}; warm-up: {n_ents} ents in 100 docs")
    print(f"{'what':<42}{'seconds':>9}{'abstracts/s':>13}{'words/s':>11}")
    for name, t in (("spaCy tokenizer alone", t_tok), ("fast tier: " + " + ".join(["tokenizer"] + nlp.pipe_names), t_full)):
        print(f"{name:<42}{t:>9.2f}{len(texts) / t:>13.0f}{words / t:>11.0f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
