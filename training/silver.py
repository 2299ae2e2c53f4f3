#!/usr/bin/env python
"""Silver entity labels for the fast tier: arXiv abstracts tagged by the accurate tier.

Takes abstracts from the arXiv corpus in file order starting at ``--offset`` (default
5000, so the first abstracts, which benchmarks/fast_speed.py times, are never trained
on), whitespace-normalised (``" ".join(summary.split())``, the form kgraph's readers
hand to the pipeline), writes them in chunks of ``--chunk`` abstracts and runs
``kgraph annotate --model-only --scheme model`` (accurate tier, one onnxruntime thread: the
model's own spans and labels, as the silver labels have always been) on each chunk. Output:
one JSONL per chunk under ``--out`` with ``{"id", "text", "entities"}`` lines (SciERC
labels, char offsets into ``text``), directly usable by ``train_fast.py --silver``.
Finished chunks are kept, so a rerun resumes; the sample is fixed by offset/count.

Usage (from the repository root)::

    python training/silver.py --count 10000 [--offset 5000] [--chunk 2500] [--out DIR]
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS", "NUMEXPR_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse
import gzip
import json
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO.parent / "shared" / "data" / "corpora" / "arxiv_cs_50k.jsonl.gz"


def read_abstracts(path: Path, offset: int, count: int) -> list[dict]:
    out = []
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for i, line in enumerate(f):
            if i < offset:
                continue
            if len(out) >= count:
                break
            rec = json.loads(line)
            text = " ".join((rec.get("summary") or "").split())
            if text:
                out.append({"id": "arxiv:" + rec["id"], "text": text})
    return out


def kgraph_cmd() -> list[str]:
    exe = Path(sys.executable).with_name("kgraph")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "kgraph.cli"]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, default=CORPUS)
    ap.add_argument("--offset", type=int, default=5000)
    ap.add_argument("--count", type=int, default=10000)
    ap.add_argument("--chunk", type=int, default=2500)
    ap.add_argument("--out", type=Path, default=Path("/tmp/kgraph_fast/silver"))
    args = ap.parse_args(argv)

    args.out.mkdir(parents=True, exist_ok=True)
    records = read_abstracts(args.corpus, args.offset, args.count)
    print(f"{len(records)} abstracts from {args.corpus} (offset {args.offset})", flush=True)
    for k in range(0, len(records), args.chunk):
        chunk = records[k : k + args.chunk]
        start = args.offset + k
        final = args.out / f"silver_{start:06d}_{start + len(chunk):06d}.jsonl"
        if final.exists():
            print(f"{final.name}: exists, skipped", flush=True)
            continue
        src = args.out / f"in_{start:06d}.jsonl"
        tagged = args.out / f"tagged_{start:06d}.jsonl"
        with open(src, "w", encoding="utf-8") as f:
            for r in chunk:
                f.write(json.dumps(r, ensure_ascii=False) + "\n")
        t0 = time.time()
        subprocess.run(kgraph_cmd() + ["annotate", str(src), "-o", str(tagged), "--tier", "accurate", "--model-only", "--scheme", "model"], check=True)
        dt = time.time() - t0
        by_id = {}
        with open(tagged, encoding="utf-8") as f:
            for line in f:
                obj = json.loads(line)
                by_id[obj["id"]] = obj["entities"]
        n_ents = 0
        tmp = final.with_suffix(".tmp")
        with open(tmp, "w", encoding="utf-8") as f:
            for r in chunk:
                ents = by_id.get(r["id"], [])
                n_ents += len(ents)
                f.write(json.dumps({"id": r["id"], "text": r["text"], "entities": ents}, ensure_ascii=False) + "\n")
        tmp.rename(final)
        src.unlink()
        tagged.unlink()
        print(f"{final.name}: {len(chunk)} abstracts, {n_ents} entities, {dt:.0f} s ({len(chunk) / dt:.1f} abstracts/s)", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
