#!/usr/bin/env python
"""Seed ensembles of the accurate tier: dev score and speed cost.

Loads N accurate-tier model folders (``model.onnx`` + ``tokenizer.json`` +
``config.json``, e.g. the shipped ``kgraph/models/accurate`` and other seeds trained by
``train_accurate.py --seed N --out DIR``), runs the real inference path on raw SciERC
dev text -- ``spacy.blank("en")`` + ``sentencizer`` + ``kgraph_transformer``, exactly
as ``train_accurate.py --eval`` does -- and scores strict span+label micro P/R/F1,
span-only F1 and per-label F1 (:mod:`kgraph.extract.scoring`, the same metric as
``shared/tools/score_entities.py``) for

* every single model (the component as shipped, untouched), and
* every ensemble of two or more of them: the component's tagger is replaced by
  :class:`EnsembleTagger`, which runs :meth:`OnnxTagger.word_probs` of every model on
  the same sentences/document groups (so packing and windowing are the component's),
  averages the per-word tag distributions, and decodes with the unchanged
  :meth:`OnnxTagger.tag` code (BIO-constrained Viterbi, :func:`bio_spans`).
  ``--combine prob`` averages probabilities, ``logprob`` averages log-probabilities
  (renormalised geometric mean; the per-word constant does not change the Viterbi
  path), ``both`` (default) reports both.

Each model runs once on dev: its word probabilities are memoised per call, so ensembles
of every subset cost no extra inference. ``--bench N`` also times the spaCy path over
the first N SciERC *train* abstracts (dev has only 50) for one model vs the ensemble of
all models, one onnxruntime thread, interleaved rounds, best wall / CPU time.

Usage (from the repository root; needs only the inference packages)::

    python training/ensemble_seeds.py /tmp/ens/seed7 /tmp/ens/seed21 [--bench 200]
    python training/ensemble_seeds.py --no-default A B --pred-out /tmp/ens.jsonl

``--bootstrap N`` (default 1000) adds a paired bootstrap over the dev abstracts of
every row's strict F1 minus the first model's (on 50 abstracts the 95 % interval of
such a difference is about ±2.5 F1).
``--pred-out`` writes the predictions of the ensemble of all models (first combine
mode) as ``{"id", "entities"}`` lines for ``shared/tools/score_entities.py``.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import spacy

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from kgraph.extract.scoring import Scores, score

import kgraph.extract.components  # noqa: F401,E402  (registers the kgraph_transformer factory)
from kgraph.extract.transformer import DEFAULT_MODEL_DIR, OnnxTagger


class MemoTagger:
    """An :class:`OnnxTagger` whose ``word_probs`` results are memoised per input."""

    def __init__(self, tagger: OnnxTagger) -> None:
        self.tagger = tagger
        self._memo: dict = {}

    def word_probs(self, sentences: Sequence[Sequence[str]], groups: Sequence[int] | None = None) -> list[np.ndarray]:
        key = (tuple(map(tuple, sentences)), tuple(groups) if groups is not None else None)
        if key not in self._memo:
            self._memo[key] = self.tagger.word_probs(sentences, groups)
        return self._memo[key]


class EnsembleTagger:
    """Drop-in for :class:`OnnxTagger` (``tag`` / ``word_probs``): mean of several models.

    Parameters
    ----------
    taggers : sequence of OnnxTagger (or MemoTagger)
        Models with the same tag set.
    combine : {"prob", "logprob"}
        Arithmetic mean of the probabilities, or normalised geometric mean.
    """

    def __init__(self, taggers: Sequence, combine: str = "prob") -> None:
        if combine not in ("prob", "logprob"):
            raise ValueError(combine)
        base = [getattr(t, "tagger", t) for t in taggers]
        tags = base[0].tags
        for b in base[1:]:
            if b.tags != tags:
                raise ValueError(f"{b.model_dir}: tag set differs from {base[0].model_dir}")
        self.taggers = list(taggers)
        self.combine = combine
        # attributes that OnnxTagger.tag reads
        self.tags = tags
        self.decode = base[0].decode
        self._start, self._trans = base[0]._start, base[0]._trans

    def word_probs(self, sentences: Sequence[Sequence[str]], groups: Sequence[int] | None = None) -> list[np.ndarray]:
        per_model = [t.word_probs(sentences, groups) for t in self.taggers]
        out = []
        for probs in zip(*per_model):
            stack = np.stack(probs)  # (models, words, tags)
            if self.combine == "prob":
                out.append(stack.mean(axis=0).astype(np.float32))
            else:
                lp = np.log(stack.astype(np.float64) + 1e-12).mean(axis=0)
                lp -= lp.max(axis=-1, keepdims=True) if lp.size else 0.0
                e = np.exp(lp)
                out.append((e / e.sum(axis=-1, keepdims=True)).astype(np.float32))
        return out

    # the shipped decoding code, unchanged: Viterbi over log(p + 1e-12), then bio_spans
    tag = OnnxTagger.tag


def make_nlp(model_dir: Path, threads: int):
    """The real inference path of ``train_accurate.py --eval``."""
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("kgraph_transformer", config={"model_dir": str(model_dir), "num_threads": threads})
    return nlp


def predict(nlp, texts: list[str]) -> list[list[tuple[int, int, str]]]:
    return [[(s.start_char, s.end_char, s.label_) for s in doc.spans["model"]] for doc in nlp.pipe(texts)]


def fmt(name: str, sc: Scores) -> str:
    s, sp = sc.strict, sc.span
    return (f"{name:<34} P {100 * s.precision:6.2f} R {100 * s.recall:6.2f} F1 {100 * s.f1:6.2f} | "
            f"span F1 {100 * sp.f1:6.2f} | pred {s.predicted:4d} tp {s.tp:4d}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("models", nargs="*", type=Path, help="more model folders (other seeds)")
    ap.add_argument("--no-default", action="store_true", help=f"leave out the shipped model ({DEFAULT_MODEL_DIR})")
    ap.add_argument("--data", type=Path, default=(REPO / "../shared/data/scierc").resolve())
    ap.add_argument("--threads", type=int, default=1, help="onnxruntime intra-op threads per model")
    ap.add_argument("--combine", choices=["prob", "logprob", "both"], default="both")
    ap.add_argument("--pred-out", type=Path, default=None, help="write the all-model ensemble's dev predictions (jsonl)")
    ap.add_argument("--bench", type=int, default=0, metavar="N", help="also time N train abstracts: one model vs ensemble")
    ap.add_argument("--bench-rounds", type=int, default=3)
    ap.add_argument("--bootstrap", type=int, default=1000, metavar="N",
                    help="paired bootstrap over dev abstracts: 95%% interval of each row's strict F1 minus the first model's (0: off)")
    args = ap.parse_args(argv)

    dirs = ([] if args.no_default else [DEFAULT_MODEL_DIR]) + list(args.models)
    if not dirs:
        ap.error("no model folders")
    names = []
    for d in dirs:
        cfg = json.loads((d / "config.json").read_text())
        names.append(f"seed{cfg.get('seed', '?')}")
        print(f"{names[-1]}: {d} ({(d / 'model.onnx').stat().st_size / 1e6:.1f} MB, {cfg.get('weights', '?')}, "
              f"config dev_strict_f1 {cfg.get('dev_strict_f1')})")
    modes = ["prob", "logprob"] if args.combine == "both" else [args.combine]

    gold_docs = [json.loads(line) for line in (args.data / "dev.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
    texts = [d["text"] for d in gold_docs]
    gold = {d["id"]: [(e["start"], e["end"], e["label"]) for e in d["entities"]] for d in gold_docs}

    def run(nlp) -> tuple[Scores, list]:
        pred = predict(nlp, texts)
        return score(gold, {d["id"]: p for d, p in zip(gold_docs, pred)}), pred

    nlps = [make_nlp(d, args.threads) for d in dirs]
    memos = []
    rows: list[tuple[str, Scores]] = []
    preds: list[list] = []
    print(f"\nSciERC dev ({len(gold_docs)} abstracts, {sum(map(len, gold.values()))} gold entities), "
          f"spacy.blank('en') + sentencizer + kgraph_transformer, strict micro")
    for name, nlp in zip(names, nlps):
        comp = nlp.get_pipe("kgraph_transformer")
        sc, pred = run(nlp)  # the component exactly as shipped
        memo = MemoTagger(comp.tagger)
        comp.tagger = EnsembleTagger([memo])  # same decode through the ensemble wrapper: must agree
        sc1, _ = run(nlp)
        comp.tagger = memo.tagger
        assert sc1.strict == sc.strict, f"{name}: ensemble wrapper of one model differs from the component"
        memos.append(memo)
        rows.append((name, sc))
        preds.append(pred)
        print(fmt(name, sc))
    ens_nlp = nlps[0]
    comp = ens_nlp.get_pipe("kgraph_transformer")
    single = comp.tagger
    last_pred = None
    for k in range(2, len(dirs) + 1):
        for subset in itertools.combinations(range(len(dirs)), k):
            for mode in modes:
                comp.tagger = EnsembleTagger([memos[i] for i in subset], mode)
                sc, pred = run(ens_nlp)
                name = "ens " + "+".join(names[i] for i in subset) + f" ({mode})"
                rows.append((name, sc))
                preds.append(pred)
                print(fmt(name, sc))
                if k == len(dirs) and mode == modes[0]:
                    last_pred = pred
    comp.tagger = single

    labels = sorted({lab for _, sc in rows for lab in sc.per_label})
    print("\nper-label strict F1 (gold count)")
    print(f"{'':<34} " + " ".join(f"{lab[:10]:>10}" for lab in labels))
    print(f"{'gold':<34} " + " ".join(f"{rows[0][1].per_label[lab].gold:>10d}" for lab in labels))
    for name, sc in rows:
        print(f"{name:<34} " + " ".join(f"{100 * sc.per_label[lab].f1:>10.2f}" for lab in labels))

    if args.bootstrap and len(rows) > 1:
        # per-abstract (tp, predicted, gold) counts, resampled with replacement, paired across rows
        rng = np.random.default_rng(0)
        idx = rng.integers(0, len(gold_docs), size=(args.bootstrap, len(gold_docs)))

        def counts(pred):
            c = np.array([[len(set(gold[d["id"]]) & set(p)), len(set(p)), len(set(gold[d["id"]]))] for d, p in zip(gold_docs, pred)])
            tp, npred, ngold = c[idx].sum(axis=1).T
            return 200 * tp / np.maximum(npred + ngold, 1)  # strict F1 = 2 tp / (pred + gold)

        f0 = counts(preds[0])
        print(f"\npaired bootstrap ({args.bootstrap} resamples of the {len(gold_docs)} dev abstracts): strict F1 minus {rows[0][0]}'s")
        for (name, _), pred in zip(rows[1:], preds[1:]):
            diff = counts(pred) - f0
            lo, hi = np.percentile(diff, [2.5, 97.5])
            print(f"  {name:<34} mean {diff.mean():+6.2f}  95% [{lo:+.2f}, {hi:+.2f}]  P(>0) {np.mean(diff > 0):.2f}")

    if args.pred_out and last_pred is not None:
        with open(args.pred_out, "w", encoding="utf-8") as fh:
            for d, p in zip(gold_docs, last_pred):
                fh.write(json.dumps({"id": d["id"], "entities": [{"start": s, "end": e, "label": lab} for s, e, lab in p]}) + "\n")
        print(f"\nwrote {args.pred_out} (ensemble of all {len(dirs)}, {modes[0]})")

    if args.bench:
        abstracts = [json.loads(line)["text"] for line in (args.data / "train.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
        btexts = abstracts[: args.bench]
        # fresh, un-memoised taggers: one model alone vs all of them, interleaved rounds
        one = make_nlp(dirs[0], args.threads)
        ens = make_nlp(dirs[0], args.threads)
        extra = [OnnxTagger(d, num_threads=args.threads) for d in dirs[1:]]
        ens.get_pipe("kgraph_transformer").tagger = EnsembleTagger([ens.get_pipe("kgraph_transformer").tagger, *extra], modes[0])
        variants = [("1 model", one), (f"ensemble of {len(dirs)}", ens)]
        for _, nlp in variants:
            list(nlp.pipe(btexts[:20]))  # warm-up
        best = {n: [float("inf"), float("inf")] for n, _ in variants}
        for _ in range(args.bench_rounds):
            for n, nlp in variants:
                t0, c0 = time.perf_counter(), time.process_time()
                list(nlp.pipe(btexts))
                w, c = time.perf_counter() - t0, time.process_time() - c0
                best[n] = [min(best[n][0], w), min(best[n][1], c)]
        print(f"\nspeed, {len(btexts)} SciERC train abstracts, {args.threads} onnxruntime thread(s) per model, "
              f"best of {args.bench_rounds} interleaved rounds (shared machine: rough)")
        for n, (w, c) in best.items():
            print(f"  {n:<14} wall {len(btexts) / w:6.1f} abstracts/s ({w:.2f} s)  per CPU-s {len(btexts) / c:6.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
