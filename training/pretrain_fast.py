#!/usr/bin/env python
"""``spacy pretrain`` of the fast tier's tok2vec on unlabelled arXiv abstracts (shipped since 7 Dec).

Writes the raw text (arXiv abstracts ``--offset``..``--offset+--count`` of the corpus, in
file order and whitespace-normalised as ``training/silver.py`` reads them, plus the SciERC
train texts unless ``--no-scierc``) as ``OUT/raw.jsonl``, drops any text that contains a
SciERC dev abstract or a TDMSci test sentence (the scoring sets), writes ``OUT/pretrain.cfg``
(``training/fast_tagger.cfg`` merged with ``training/fast_pretrain.cfg``: same tok2vec,
character objective) and runs ``spacy pretrain`` (one thread, seed ``--seed``), which saves
``OUT/model{epoch}.bin`` after every epoch. Then train with::

    python training/train_fast.py ... --init-tok2vec OUT/model2.bin

Usage (from the repository root)::

    python training/pretrain_fast.py --out /tmp/kgraph_fast/pretrain [--epochs 3] [--offset 5000] [--count 45000]
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS", "NUMEXPR_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from silver import CORPUS, read_abstracts  # noqa: E402
from train_fast import DEFAULT_DATA, REPO, pretraining_config, read_jsonl  # noqa: E402


def eval_texts(scierc: Path, tdmsci: Path) -> list[str]:
    """Whitespace-normalised texts of the scoring sets: SciERC dev abstracts, TDMSci test
    sentences (a raw text containing one of them is left out of the pretraining text)."""
    out = []
    for path in (scierc / "dev.jsonl", tdmsci / "test.jsonl"):
        if path.is_file():
            out += [" ".join(r["text"].split()) for r in read_jsonl(path)]
    return [t for t in out if len(t) >= 30]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, default=Path("/tmp/kgraph_fast/pretrain"))
    ap.add_argument("--config", type=Path, default=REPO / "training" / "fast_tagger.cfg")
    ap.add_argument("--corpus", type=Path, default=CORPUS)
    ap.add_argument("--offset", type=int, default=5000,
                    help="first corpus line (the first 5000 are benchmarks/fast_speed.py's timing set)")
    ap.add_argument("--count", type=int, default=45000)
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA,
                    help="SciERC folder (train.jsonl added, dev.jsonl excluded)")
    ap.add_argument("--tdmsci", type=Path, default=REPO.parent / "shared" / "data" / "tdmsci")
    ap.add_argument("--no-scierc", action="store_true", help="arXiv abstracts only")
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--text-only", action="store_true", help="write raw.jsonl and pretrain.cfg, do not pretrain")
    args = ap.parse_args(argv)

    out = args.out
    out.mkdir(parents=True, exist_ok=True)
    raw = out / "raw.jsonl"
    texts = [r["text"] for r in read_abstracts(args.corpus, args.offset, args.count)]
    n_arxiv = len(texts)
    if not args.no_scierc:
        texts += [" ".join(r["text"].split()) for r in read_jsonl(args.data / "train.jsonl")]
    blob = "\n".join(texts)
    held_out = [t for t in eval_texts(args.data, args.tdmsci) if t in blob]
    dropped = 0
    if held_out:
        keep = [t for t in texts if not any(h in t for h in held_out)]
        dropped = len(texts) - len(keep)
        texts = keep
    with raw.open("w", encoding="utf-8") as f:
        for t in texts:
            f.write(json.dumps({"text": t}, ensure_ascii=False) + "\n")
    info = {"arxiv_offset": args.offset, "arxiv_abstracts": n_arxiv, "scierc_train": not args.no_scierc,
            "texts": len(texts), "dropped_eval_overlap": dropped,
            "whitespace_words": sum(len(t.split()) for t in texts),
            "epochs": args.epochs, "seed": args.seed}
    print(json.dumps(info), flush=True)

    cfg = pretraining_config(args.config, out / "pretrain.cfg", {
        "paths.raw_text": str(raw.resolve()), "pretraining.max_epochs": args.epochs,
        "system.seed": args.seed})
    if args.text_only:
        return 0
    (out / "log.jsonl").unlink(missing_ok=True)  # spacy pretrain appends to it
    cmd = [sys.executable, "-m", "spacy", "pretrain", str(cfg), str(out), "--code",
           str(REPO / "training" / "train_fast.py")]
    print("$", " ".join(cmd), flush=True)
    t0 = time.time()
    subprocess.run(cmd, check=True)
    info["minutes"] = round((time.time() - t0) / 60, 1)
    log = [json.loads(line) for line in (out / "log.jsonl").read_text().splitlines() if line.strip()]
    if log:
        info["spacy_tokens_total"] = log[-1]["nr_word"]
        info["words_per_s"] = round(log[-1]["nr_word"] / (time.time() - t0))
    (out / "pretrain_summary.json").write_text(json.dumps(info, indent=1))
    print("SUMMARY", json.dumps(info), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
