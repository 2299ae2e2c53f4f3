#!/usr/bin/env python
"""k-fold cross-validation of an accurate-tier recipe over SciERC train+dev, over several seeds.

A 50-abstract dev set moves by about ±4 F1 between samples, so a recipe is chosen by its
mean over folds and seeds, not by one dev score. This script:

1. pools SciERC train and dev (400 abstracts), shuffles them with a fixed seed and splits
   them into ``--folds`` folds (80 abstracts each for 5 folds);
2. for every fold and seed, trains the recipe (``train_accurate.py --config ...``) on the
   other folds, with 10 % of them held back as the *inner* dev set that the training
   script uses to choose its checkpoint; the held-out fold is never seen by training;
3. scores the exported model on the held-out fold (strict span+label F1 over SciERC's six
   labels, a predicted Dataset counting as Material) and, for recipes with a Dataset
   label, on TDMSci test (Task/Dataset/Metric, kgraph's kinds), both through the spaCy
   component (``kgraph_transformer`` with ``model_dir``), the model alone;
4. appends one JSON line per (fold, seed) to ``WORK/results.jsonl`` and prints the mean ±
   standard deviation over all runs and the per-seed means.

Runs are resumable: a (fold, seed) already in results.jsonl is skipped, so the work can
be spread over several sessions (each run takes ~25 min on one core for the v2 recipe).

Usage (from the repository root, with the training environment of training/README.md)::

    python training/crossval.py --config training/accurate_v2.json --folds 5 --seeds 13 7 21
    python training/crossval.py --config training/accurate.json --folds 5 --seeds 13   # the SciERC-only recipe
    python training/crossval.py ... --only 0:13          # one run (fold 0, seed 13)
    python training/crossval.py ... --only 0:13 1:7 2:21 3:13 4:7   # every fold once, seeds rotated
    python training/crossval.py ... --summary            # print the table of what is done
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DATA = REPO.parent / "shared" / "data"
POOL_SEED = 0  # the fold split; fixed, whatever the training seed
INNER_DEV = 0.1


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def write_jsonl(path: Path, records: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")


def folds_of(pool: list[dict], k: int) -> list[list[dict]]:
    """``pool`` shuffled with :data:`POOL_SEED` and dealt into ``k`` folds of (almost) equal size."""
    order = list(pool)
    random.Random(POOL_SEED).shuffle(order)
    return [order[i::k] for i in range(k)]


def fold_data(work: Path, data: Path, folds: list[list[dict]], k: int) -> tuple[Path, list[dict]]:
    """A data root for fold ``k``: scierc/{train,dev}.jsonl (inner split of the other folds),
    the other sources linked; returns it and the held-out fold."""
    root = work / f"fold{k}" / "data"
    rest = [r for i, fold in enumerate(folds) if i != k for r in fold]
    inner = max(1, round(INNER_DEV * len(rest)))
    write_jsonl(root / "scierc" / "train.jsonl", rest[inner:])
    write_jsonl(root / "scierc" / "dev.jsonl", rest[:inner])
    for name in ("tdmsci", "scirex"):
        link = root / name
        if (data / name).is_dir() and not link.exists():
            link.symlink_to((data / name).resolve())
    return root, folds[k]


def score_model(model_dir: Path, held_out: list[dict], tdmsci: Path | None) -> dict:
    """Strict F1 on the held-out fold (SciERC labels) and, when given, on TDMSci test (kgraph kinds)."""
    import spacy

    import kgraph.extract.components  # noqa: F401  (registers kgraph_transformer)
    from kgraph.extract.annotate import TextRecord, annotate
    from kgraph.extract.scoring import score, spans_of

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("kgraph_transformer", config={"model_dir": str(model_dir)})

    def run(records: list[dict], scheme: str) -> tuple[float, dict[str, float]]:
        texts = [TextRecord(i, str(r["id"]), r["text"]) for i, r in enumerate(records)]
        predicted = spans_of(list(annotate(texts, nlp, scheme=scheme)))
        gold = {str(r["id"]): [(e["start"], e["end"], e["label"]) for e in r["entities"]] for r in records}
        labels = {label for spans in gold.values() for *_, label in spans}
        result = score(gold, predicted, labels=labels)
        return 100 * result.strict.f1, {lab: round(100 * prf.f1, 2) for lab, prf in result.per_label.items()}

    out: dict = {}
    out["scierc_f1"], out["scierc_per_label"] = run(held_out, "scierc")
    tags = json.loads((model_dir / "config.json").read_text())["tags"]
    if tdmsci is not None and "B-Dataset" in tags:
        out["tdmsci_f1"], per = run(read_jsonl(tdmsci), "kgraph")
        out["tdmsci_dataset_f1"] = per.get("Dataset", 0.0)
    return out


def summary(results: list[dict]) -> None:
    if not results:
        print("no runs yet")
        return

    def line(name: str, rows: list[dict]) -> str:
        parts = []
        for key in ("scierc_f1", "tdmsci_f1", "tdmsci_dataset_f1"):
            values = [r[key] for r in rows if key in r]
            if values:
                spread = statistics.stdev(values) if len(values) > 1 else 0.0
                parts.append(f"{key} {statistics.mean(values):.2f} ± {spread:.2f}")
        return f"{name:<16} n={len(rows):<3} " + " | ".join(parts)

    print(line("all runs", results))
    for seed in sorted({r["seed"] for r in results}):
        print(line(f"seed {seed}", [r for r in results if r["seed"] == seed]))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--config", type=Path, required=True)
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--seeds", type=int, nargs="+", default=[13, 7, 21])
    ap.add_argument("--data", type=Path, default=DATA, help="folder holding scierc/, tdmsci/, scirex/")
    ap.add_argument("--work", type=Path, default=Path("/tmp/kgraph_cv"))
    ap.add_argument("--only", nargs="+", default=None, metavar="FOLD:SEED",
                    help="run just these (e.g. one seed per fold: 0:13 1:7 2:21 3:13 4:7)")
    ap.add_argument("--summary", action="store_true", help="only print the table of finished runs")
    ap.add_argument("--set", nargs="*", default=[], metavar="KEY=VALUE", help="passed on to train_accurate.py")
    ap.add_argument("--limit", type=int, default=0, help="debug: passed on to train_accurate.py (train abstracts)")
    args = ap.parse_args()

    work = args.work / args.config.stem
    results_path = work / "results.jsonl"
    done = read_jsonl(results_path) if results_path.is_file() else []
    if args.summary:
        summary(done)
        return 0
    pool = read_jsonl(args.data / "scierc" / "train.jsonl") + read_jsonl(args.data / "scierc" / "dev.jsonl")
    folds = folds_of(pool, args.folds)
    todo = [(k, s) for s in args.seeds for k in range(args.folds)]
    if args.only:
        todo = [(int(f), int(s)) for f, s in (pair.split(":") for pair in args.only)]
    multi = "sources" in json.loads(args.config.read_text())
    tdmsci = args.data / "tdmsci" / "test.jsonl"
    for k, seed in todo:
        if any(r["fold"] == k and r["seed"] == seed for r in done):
            continue
        root, held_out = fold_data(work, args.data, folds, k)
        model = work / f"fold{k}" / f"model_s{seed}"
        cmd = [sys.executable, str(REPO / "training" / "train_accurate.py"), "--config", str(args.config),
               "--seed", str(seed), "--out", str(model), "--work", str(work / f"fold{k}" / f"work_s{seed}")]
        cmd += ["--data-root", str(root)] if multi else ["--data", str(root / "scierc")]
        if args.set:
            cmd += ["--set", *args.set]
        if args.limit:
            cmd += ["--limit", str(args.limit)]
        print(f"fold {k} seed {seed}: training ({len(held_out)} held out)", flush=True)
        env = {**os.environ, "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
        subprocess.run(cmd, check=True, env=env, stdout=sys.stderr)
        row = {"fold": k, "seed": seed, "config": str(args.config), "held_out": len(held_out),
               **score_model(model, held_out, tdmsci if multi and tdmsci.is_file() else None)}
        with results_path.open("a", encoding="utf-8") as handle:
            handle.write(json.dumps(row) + "\n")
        done.append(row)
        print(json.dumps(row), flush=True)
    summary(done)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
