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

``--model DIR`` tags with any accurate-tier model folder (``model.onnx``, ``tokenizer.json``,
``config.json``, e.g. a distillation teacher that is not shipped) instead of the shipped
one, in this process, through the same pipeline ``kgraph annotate --model-only --scheme
model`` builds (``spacy.blank("en")`` + ``sentencizer`` + ``kgraph_transformer``, one
thread): the labels are the model's own tag set (7 labels with Dataset for a v2 model).

``--compact FILE`` also writes the labels of all chunks as one small gzipped JSONL,
``{"id", "entities": [[start, end, label], ...]}`` per abstract and **no text**: the text
is the corpus's, rebuilt by :func:`load_compact`, so the labels can be kept in the
repository (the corpus may not be copied there) and survive the loss of ``--out``.

Usage (from the repository root)::

    python training/silver.py --count 10000 [--offset 5000] [--chunk 2500] [--out DIR]
    python training/silver.py --count 4000 --model ../encoder-runs/mpnet_s13/model \
        --out /tmp/kgraph_distil/silver --compact training/results/silver_mpnet_s13.jsonl.gz
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
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO.parent / "shared" / "data" / "corpora" / "arxiv_cs_50k.jsonl.gz"


def abstract(rec: dict) -> dict:
    """A corpus record as silver sees it: ``{"id": "arxiv:" + id, "text"}``, the text
    whitespace-normalised as kgraph's readers hand it to the pipeline."""
    return {"id": "arxiv:" + rec["id"], "text": " ".join((rec.get("summary") or "").split())}


def read_abstracts(path: Path, offset: int, count: int) -> list[dict]:
    out = []
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for i, line in enumerate(f):
            if i < offset:
                continue
            if len(out) >= count:
                break
            rec = abstract(json.loads(line))
            if rec["text"]:
                out.append(rec)
    return out


def chunk_path(out: Path, start: int, size: int) -> Path:
    """The finished silver file of the ``size`` abstracts from corpus line ``start``."""
    return out / f"silver_{start:06d}_{start + size:06d}.jsonl"


def corpus_texts(path: Path, ids: set[str] | None = None) -> dict[str, str]:
    """Normalised abstract text by silver id (``"arxiv:" + id``), as :func:`read_abstracts`
    builds it; only ``ids`` when given (one pass over the gzipped corpus, ~2 s)."""
    out = {}
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for line in f:
            rec = abstract(json.loads(line))
            if ids is None or rec["id"] in ids:
                out[rec["id"]] = rec["text"]
    return out


def write_compact(path: Path, rows: list[dict]) -> None:
    """Write silver labels without their text (see :func:`load_compact`).

    Parameters
    ----------
    path
        Output ``.jsonl.gz``; written through a temporary file, gzip header without a
        timestamp so the same labels give the same bytes.
    rows
        ``{"id", "entities": [{"start", "end", "label", ...}]}`` in corpus order.
    """
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as gz:
        for r in rows:
            ents = [[e["start"], e["end"], e["label"]] for e in r["entities"]]
            line = json.dumps({"id": r["id"], "entities": ents}, ensure_ascii=False, separators=(",", ":"))
            gz.write((line + "\n").encode())
    tmp.replace(path)


def load_compact(path: Path, corpus: Path = CORPUS, count: int | None = None) -> list[dict]:
    """Silver records ``{"id", "text", "entities": [{"start", "end", "label"}]}`` from a
    file of :func:`write_compact`, the text rebuilt from ``corpus``.

    Parameters
    ----------
    path
        The compact ``.jsonl.gz``.
    corpus
        The arXiv corpus the labels were made on.
    count
        Only the first ``count`` abstracts of the file (file order = corpus order).

    Raises
    ------
    ValueError
        When an id is missing from the corpus or a span does not fit its text (another
        corpus, or a different normalisation): the offsets would be meaningless.
    """
    rows = []
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for line in f:
            if count is not None and len(rows) >= count:
                break
            if line.strip():
                rows.append(json.loads(line))
    texts = corpus_texts(corpus, {r["id"] for r in rows})
    out = []
    for r in rows:
        text = texts.get(r["id"])
        if not text:
            raise ValueError(f"{path}: {r['id']} is not in {corpus}")
        ents = []
        for start, end, label in r["entities"]:
            # a model span starts and ends on a token, never on the (normalised) spaces
            if not (0 <= start < end <= len(text)) or text[start].isspace() or text[end - 1].isspace():
                raise ValueError(f"{path}: span {start}-{end} does not fit the text of {r['id']} in {corpus}")
            ents.append({"start": start, "end": end, "label": label})
        out.append({"id": r["id"], "text": text, "entities": ents})
    return out


def tag_with_model(records: list[dict], model_dir: Path, batch_size: int = 32) -> dict[str, list[dict]]:
    """Entities by id from the accurate-tier model in ``model_dir``, model only, own labels.

    The pipeline is the one ``kgraph annotate --tier accurate --model-only --scheme model``
    runs (:func:`kgraph.extract.pipeline.build_pipeline`), with the model folder in place of
    the shipped one; spans are ``doc.spans["model"]`` in text order, as
    :func:`kgraph.extract.annotate.predicted_spans` gives them for a model-only pipeline.
    """
    import spacy

    import kgraph.extract.components  # noqa: F401  (registers the factories)

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("kgraph_transformer", config={"model_dir": str(model_dir), "num_threads": 1})
    out = {}
    for r, doc in zip(records, nlp.pipe((r["text"] for r in records), batch_size=batch_size)):
        spans = sorted(doc.spans["model"], key=lambda s: (s.start, s.end))
        out[r["id"]] = [{"start": s.start_char, "end": s.end_char, "label": s.label_, "text": s.text} for s in spans]
    return out


def kgraph_cmd() -> list[str]:
    exe = Path(sys.executable).with_name("kgraph")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "kgraph.cli"]


def annotate_chunk(chunk: list[dict], src: Path, tagged: Path) -> dict[str, list[dict]]:
    """Entities by id from ``kgraph annotate`` (the shipped accurate model, model only, its
    own labels), through the two scratch files given, which are removed afterwards."""
    with open(src, "w", encoding="utf-8") as f:
        for r in chunk:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    subprocess.run(kgraph_cmd() + ["annotate", str(src), "-o", str(tagged), "--tier", "accurate",
                                   "--model-only", "--scheme", "model"], check=True)
    by_id = {}
    with open(tagged, encoding="utf-8") as f:
        for line in f:
            obj = json.loads(line)
            by_id[obj["id"]] = obj["entities"]
    src.unlink()
    tagged.unlink()
    return by_id


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, default=CORPUS)
    ap.add_argument("--offset", type=int, default=5000)
    ap.add_argument("--count", type=int, default=10000)
    ap.add_argument("--chunk", type=int, default=2500)
    ap.add_argument("--out", type=Path, default=Path("/tmp/kgraph_fast/silver"))
    ap.add_argument("--model", type=Path, default=None,
                    help="accurate-tier model folder to tag with (default: the shipped model via kgraph annotate)")
    ap.add_argument("--compact", type=Path, default=None,
                    help="also write all labels, without text, to this .jsonl.gz (see load_compact)")
    args = ap.parse_args(argv)

    args.out.mkdir(parents=True, exist_ok=True)
    records = read_abstracts(args.corpus, args.offset, args.count)
    print(f"{len(records)} abstracts from {args.corpus} (offset {args.offset})", flush=True)
    for k in range(0, len(records), args.chunk):
        chunk = records[k : k + args.chunk]
        start = args.offset + k
        final = chunk_path(args.out, start, len(chunk))
        if final.exists():
            print(f"{final.name}: exists, skipped", flush=True)
            continue
        t0 = time.time()
        if args.model is not None:
            by_id = tag_with_model(chunk, args.model)
        else:
            by_id = annotate_chunk(chunk, args.out / f"in_{start:06d}.jsonl", args.out / f"tagged_{start:06d}.jsonl")
        dt = time.time() - t0
        n_ents = 0
        tmp = final.with_suffix(".tmp")
        with open(tmp, "w", encoding="utf-8") as f:
            for r in chunk:
                ents = by_id.get(r["id"], [])
                n_ents += len(ents)
                f.write(json.dumps({"id": r["id"], "text": r["text"], "entities": ents}, ensure_ascii=False) + "\n")
        tmp.rename(final)
        print(f"{final.name}: {len(chunk)} abstracts, {n_ents} entities, {dt:.0f} s ({len(chunk) / dt:.1f} abstracts/s)", flush=True)
    if args.compact is not None:
        rows = []
        for k in range(0, len(records), args.chunk):
            final = chunk_path(args.out, args.offset + k, len(records[k : k + args.chunk]))
            rows += [json.loads(line) for line in final.read_text(encoding="utf-8").splitlines() if line.strip()]
        write_compact(args.compact, rows)
        # read it back through the corpus: the text must come back exactly
        back = load_compact(args.compact, args.corpus)
        if [(b["id"], b["text"]) for b in back] != [(r["id"], r["text"]) for r in rows]:
            raise SystemExit(f"{args.compact}: the text rebuilt from the corpus differs from the tagged text")
        by_label = Counter(e["label"] for r in rows for e in r["entities"])
        print(f"{args.compact}: {len(rows)} abstracts, {sum(by_label.values())} entities {dict(by_label)}, "
              f"{args.compact.stat().st_size / 1e6:.2f} MB", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
