#!/usr/bin/env python
"""Train kgraph's fast entity tagger (small spaCy CNN tok2vec + BIO tagger or NER) and ship it.

Steps: SciERC JSONL (+ optional silver JSONL from ``training/silver.py``) -> spaCy DocBin
-> ``spacy train training/fast_tagger.cfg`` (fixed seed, one thread; ``--config
training/fast.cfg`` for the older transition-based ``ner``) -> the best checkpoint is
scored on dev with the strict span+label micro F1 of ``score_entities.py`` (char offsets,
every gold entity counted, nested ones included) -> copied to ``kgraph/models/fast``.

Usage (from the repository root)::

    python training/train_fast.py [--data DIR] [--silver PATH ...] [--silver-limit N] [--config CFG]
                                  [--gold-repeat K] [--set section.key=value ...] [--no-ship]
                                  [--init-tok2vec PRETRAIN_DIR/modelN.bin]
                                  [--extra-gold NAME=GOLD.jsonl:TEACHER.jsonl ...] [--extra-gold-repeat K]

``--extra-gold`` adds gold sets that annotate only some labels (``tdmsci``: Task, Dataset,
Metric; ``scirex``: Method, Task, Dataset, Metric; see ../shared/data/DATASET_LABELS.md) to
the training data, tagged like the SciERC gold. A label the set does not annotate is taken
from ``TEACHER.jsonl`` (``kgraph annotate GOLD.jsonl -o TEACHER.jsonl --model-only --scheme
model``, the accurate model's spans on the same records): every gold span is kept, and a
teacher span is added only when its label is one the set does not annotate and it overlaps
no gold span (:func:`merge_partial_gold`).

With a ``tagger`` in the config's pipeline the entities are written as BIO tags
(``token.tag_`` = ``"B-Method"``, ``"I-Task"``, ``"O"``), and kgraph decodes them with a
BIO-constrained Viterbi (:mod:`kgraph.extract.fast`); this file is also passed to
``spacy train --code`` for its dev scorer ``kgraph.bio_tag_scorer.v1``.

Only spaCy is needed (no torch). Dev data is used for checkpoint selection and scoring
only; the test split is never read.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS", "NUMEXPR_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse
import json
import re
import shutil
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import spacy
from spacy.tokens import DocBin, Span
from spacy.util import filter_spans

from kgraph.extract.bio import bio_spans
from kgraph.extract.fast import load_fast

REPO = Path(__file__).resolve().parent.parent
DEFAULT_DATA = REPO.parent / "shared" / "data" / "scierc"
LABELS = ("Method", "Task", "Metric", "Material", "OtherScientificTerm", "Generic", "Dataset")
#: SciERC has no Dataset label (its Material holds datasets and other materials): when the dev
#: gold has none, a predicted Dataset is scored as Material (strict score and checkpoint scorer).
DATASET, MATERIAL = "Dataset", "Material"


# --------------------------------------------------------------------------- data
def read_jsonl(path: Path, limit: int | None = None) -> list[dict]:
    out = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                out.append(json.loads(line))
                if limit is not None and len(out) >= limit:
                    break
    return out


def make_doc(nlp, record: dict, stats: Counter, bio_tags: bool = False):
    """A Doc with ``doc.ents`` from char-offset entities; overlaps keep the longest span.

    With ``bio_tags`` the entities are also written as ``token.tag_`` (``B-X``/``I-X``/``O``).
    """
    doc = nlp.make_doc(record["text"])
    spans = []
    for ent in record["entities"]:
        if ent["label"] not in LABELS:
            stats["bad_label"] += 1
            continue
        span = doc.char_span(ent["start"], ent["end"], label=ent["label"])
        if span is None:  # not on token boundaries
            span = doc.char_span(ent["start"], ent["end"], label=ent["label"], alignment_mode="expand")
            stats["misaligned"] += 1
        if span is not None:
            spans.append(span)
    kept = filter_spans(spans)  # longest first, no overlaps
    stats["entities"] += len(spans)
    stats["dropped_overlap"] += len(spans) - len(kept)
    doc.ents = kept
    if bio_tags:
        for tok in doc:
            tok.tag_ = f"{tok.ent_iob_}-{tok.ent_type_}" if tok.ent_type_ else "O"
    return doc


def to_docbin(nlp, records: list[dict], path: Path, repeat: int = 1, bio_tags: bool = False) -> Counter:
    stats: Counter = Counter()
    db = DocBin(store_user_data=False)
    docs = [make_doc(nlp, r, stats, bio_tags) for r in records]
    for _ in range(repeat):
        for doc in docs:
            db.add(doc)
    db.to_disk(path)
    stats["docs"] = len(docs) * repeat
    return stats


def relabel_datasets(records: list[dict], teacher_path: Path) -> Counter:
    """Gold Material spans that the teacher labels Dataset (same char offsets) become Dataset.

    ``teacher_path``: ``kgraph annotate --model-only --scheme model`` output on the same
    records (``{"id", "entities"}`` lines). Everything else stays gold. Modifies ``records``.
    """
    teacher = {r["id"]: {(e["start"], e["end"]) for e in r["entities"] if e["label"] == DATASET}
               for r in read_jsonl(teacher_path)}
    stats: Counter = Counter()
    for r in records:
        if r["id"] not in teacher:
            stats["docs_without_teacher"] += 1
            continue
        ds = teacher[r["id"]]
        stats["teacher_dataset_spans"] += len(ds)
        ents = []
        for e in r["entities"]:
            if e["label"] == MATERIAL:
                stats["gold_material"] += 1
                if (e["start"], e["end"]) in ds:
                    e = dict(e, label=DATASET)
                    stats["material_to_dataset"] += 1
            ents.append(e)
        r["entities"] = ents
    return stats


#: Labels each partially annotated gold set annotates (the rest come from a teacher), and its
#: label names mapped to the tagger's (SciREX's Material is already renamed Dataset in
#: ../shared/data/scirex; the map is a guard should a raw copy be passed).
PARTIAL_GOLD = {
    "tdmsci": {"annotated": ("Task", DATASET, "Metric"), "map": {}},
    "scirex": {"annotated": ("Method", "Task", DATASET, "Metric"), "map": {MATERIAL: DATASET}},
}


def parse_extra_gold(spec: str) -> tuple[str, Path, Path]:
    """``NAME=GOLD.jsonl:TEACHER.jsonl`` -> (name, gold, teacher); NAME one of PARTIAL_GOLD."""
    name, sep, rest = spec.partition("=")
    gold, sep2, teacher = rest.rpartition(":")
    if not sep or not sep2 or not gold or not teacher:
        raise argparse.ArgumentTypeError(f"--extra-gold {spec!r}: expected NAME=GOLD.jsonl:TEACHER.jsonl")
    if name not in PARTIAL_GOLD:
        raise argparse.ArgumentTypeError(f"--extra-gold {spec!r}: NAME must be one of {', '.join(PARTIAL_GOLD)}")
    return name, Path(gold), Path(teacher)


def merge_partial_gold(records: list[dict], teacher_path: Path, annotated: tuple[str, ...],
                       label_map: dict[str, str] | None = None) -> tuple[list[dict], Counter]:
    """Gold records that annotate only ``annotated`` labels, completed with a teacher's spans.

    Every gold span (label mapped by ``label_map``) is kept. A teacher span (same record id,
    char offsets into the same text) is added when its label is not in ``annotated`` and it
    overlaps no gold span; teacher spans of annotated labels are dropped (the gold decides
    those). A teacher span whose ``text`` (when given) differs from ``text[start:end]`` of the
    gold record is counted as misaligned and dropped; a record the teacher lacks keeps its gold
    spans only. Returns new records ``{"id", "text", "entities"}`` and counts.
    """
    label_map = label_map or {}
    teacher = {r["id"]: r for r in read_jsonl(teacher_path)}
    stats: Counter = Counter()
    out = []
    for r in records:
        text = r["text"]
        gold = []
        for e in r["entities"]:
            lab = label_map.get(e["label"], e["label"])
            if lab not in annotated:
                stats["gold_unannotated_label_dropped"] += 1
                continue
            gold.append({"start": e["start"], "end": e["end"], "label": lab})
            stats["gold_" + lab] += 1
        ents = list(gold)
        t = teacher.get(r["id"])
        if t is None:
            stats["docs_without_teacher"] += 1
        else:
            if t.get("text") is not None and t["text"] != text:
                stats["teacher_text_differs"] += 1
            for e in t["entities"]:
                s, end, lab = e["start"], e["end"], e["label"]
                stats["teacher_spans"] += 1
                if not (0 <= s < end <= len(text)) or ("text" in e and text[s:end] != e["text"]):
                    stats["teacher_misaligned"] += 1
                    continue
                if lab in annotated:
                    stats["teacher_annotated_label_dropped"] += 1
                    continue
                if lab not in LABELS:
                    stats["teacher_bad_label"] += 1
                    continue
                if any(s < g["end"] and g["start"] < end for g in gold):
                    stats["teacher_overlaps_gold"] += 1
                    continue
                ents.append({"start": s, "end": end, "label": lab})
                stats["teacher_added_" + lab] += 1
        stats["docs"] += 1
        out.append({"id": r["id"], "text": text, "entities": ents})
    return out, stats


# --------------------------------------------------------------------------- scoring
def bio_tag_score(examples, **kwargs) -> dict:
    """Dev scores of a BIO tagger for ``spacy train``: tag accuracy and ents P/R/F.

    The entities come from the argmax tags (a stray ``I-X`` opens a span); kgraph decodes
    with the constrained Viterbi instead, so this is only the checkpoint criterion.
    """
    from spacy.scorer import Scorer, get_ner_prf

    # gold without Dataset (SciERC): a predicted Dataset counts as Material
    as_material = not any(t.tag_.endswith("-" + DATASET) for eg in examples for t in eg.reference)
    if as_material:
        for eg in examples:
            for t in eg.predicted:
                if t.tag_.endswith("-" + DATASET):
                    t.tag_ = t.tag_[:2] + MATERIAL
    scores = Scorer.score_token_attr(examples, "tag", **kwargs)
    for eg in examples:
        doc = eg.predicted
        tags = sorted({t.tag_ or "O" for t in doc})
        index = {t: i for i, t in enumerate(tags)}
        path = [index[t.tag_ or "O"] for t in doc]
        doc.ents = [Span(doc, s, e, label=lab) for s, e, lab, _ in bio_spans(path, tags)]
    scores.update(get_ner_prf(examples))
    return scores


@spacy.registry.scorers("kgraph.bio_tag_scorer.v1")
def make_bio_tag_scorer():
    return bio_tag_score


def strict_scores(gold: list[dict], pred: dict[str, list[tuple[int, int, str]]]) -> dict:
    """Micro P/R/F1 exactly as /work/shared/tools/score_entities.py computes them."""
    def prf(tp, np_, ng):
        p = tp / np_ if np_ else 0.0
        r = tp / ng if ng else 0.0
        return p, r, (2 * p * r / (p + r) if p + r else 0.0)

    tp = npred = ngold = stp = snp = sng = 0
    per, perp, perg = Counter(), Counter(), Counter()
    for g in gold:
        G = {(e["start"], e["end"], e["label"]) for e in g["entities"]}
        P = set(pred.get(g["id"], []))
        tp += len(G & P); npred += len(P); ngold += len(G)
        Gs = {x[:2] for x in G}; Ps = {x[:2] for x in P}
        stp += len(Gs & Ps); snp += len(Ps); sng += len(Gs)
        for x in G & P: per[x[2]] += 1
        for x in P: perp[x[2]] += 1
        for x in G: perg[x[2]] += 1
    return {
        "strict": prf(tp, npred, ngold),
        "span": prf(stp, snp, sng),
        "counts": {"gold": ngold, "pred": npred, "tp": tp},
        "per_label": {lab: prf(per[lab], perp[lab], perg[lab]) + (perg[lab],) for lab in sorted(perg)},
    }


def predict(nlp, records: list[dict]) -> dict[str, list[tuple[int, int, str]]]:
    texts = [r["text"] for r in records]
    return {
        r["id"]: [(e.start_char, e.end_char, e.label_) for e in doc.spans["model"]]
        for r, doc in zip(records, nlp.pipe(texts, batch_size=64))
    }


def evaluate(model_dir: Path, dev: list[dict], pred_out: Path | None = None) -> dict:
    nlp = load_fast(model_dir)  # as kgraph runs it: sentencizer + model + span decoding
    pred = predict(nlp, dev)
    if not any(e["label"] == DATASET for r in dev for e in r["entities"]):  # SciERC: Dataset counts as Material
        pred = {rid: [(s, e, MATERIAL if lab == DATASET else lab) for s, e, lab in ents] for rid, ents in pred.items()}
    if pred_out is not None:
        with open(pred_out, "w", encoding="utf-8") as f:
            for rid, ents in pred.items():
                f.write(json.dumps({"id": rid, "entities": [{"start": s, "end": e, "label": l} for s, e, l in ents]}) + "\n")
    return strict_scores(dev, pred)


def speed(model_dir: Path, texts: list[str], repeats: int = 2) -> tuple[float, float]:
    """(abstracts/s, words/s) of sentencizer + model + span decoding on one thread; best of ``repeats``."""
    nlp = load_fast(model_dir)
    list(nlp.pipe(texts[:50]))  # warm up
    words = sum(len(nlp.make_doc(t)) for t in texts)
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        for _doc in nlp.pipe(texts, batch_size=256):
            pass
        best = min(best, time.perf_counter() - t0)
    return len(texts) / best, words / best


def notice_text(args, n_silver: int, labels: list[str]) -> str:
    """The shipped model's NOTICE: what it was trained on, with the data's attributions.

    The silver labels (and the ``--gold-teacher`` relabelling) come from the accurate model
    installed in this checkout (``kgraph/models/accurate``), so its training data is listed
    too: a distilled model carries what its teacher learned.
    """
    teacher_cfg = REPO / "kgraph" / "models" / "accurate" / "config.json"
    teacher = json.loads(teacher_cfg.read_text()) if teacher_cfg.is_file() else {}
    sources = {s["name"] for s in teacher.get("train_config", {}).get("sources", [])} or {"scierc"}
    gold = "  * SciERC train (Luan et al., EMNLP 2018; no licence stated by the authors, widely\n" \
           "    redistributed for research)"
    if args.gold_teacher is not None:
        gold += ";\n    its Material spans relabelled Dataset where the teacher below tags the same span Dataset"
    extra = {name for name, _, _ in getattr(args, "extra_gold", None) or []}
    if "tdmsci" in extra:
        gold += (";\n  * TDMSci train (IBM, Apache License 2.0; IBM/science-result-extractor, Hou et al.,\n"
                 "    EACL 2021, \"TDMSci: A Specialized Corpus for Scientific Literature Entity Tagging\n"
                 "    of Tasks Datasets and Metrics\"): its Task, Dataset and Metric spans, the other labels\n"
                 "    from the teacher below")
    if "scirex" in extra:
        gold += (";\n  * SciREX train abstracts (Allen Institute for AI, Apache License 2.0; allenai/SciREX,\n"
                 "    Jain et al., ACL 2020, \"SciREX: A Challenge Dataset for Document-Level Information\n"
                 "    Extraction\"): its Method, Task, Dataset and Metric spans, the other labels from the\n"
                 "    teacher below")
    if getattr(args, "init_tok2vec", None) is not None:
        start = ("its tok2vec initialised from `spacy pretrain` weights (character objective on unlabelled\n"
                 "arXiv cs.* abstracts, arXiv metadata, CC0; training/pretrain_fast.py), "
                 "trained by training/train_fast.py on:")
    else:
        start = "trained from random initialisation (no pretrained weights) by training/train_fast.py on:"
    lines = [
        "kgraph fast entity model: a spaCy CNN (tok2vec + BIO tagger; labels " + ", ".join(labels) + ")",
        start,
        gold + ";",
    ]
    if n_silver:
        lines += [
            f"  * silver labels on {n_silver:,} arXiv cs.* abstracts (arXiv metadata, CC0) made by kgraph's",
            f"    accurate model ({teacher.get('name', 'kgraph/models/accurate')}, Apache License 2.0), which was",
            "    fine-tuned from all-MiniLM-L6-v2 (sentence-transformers, Apache-2.0) on SciERC train"
            + ("," if len(sources) > 1 else "."),
        ]
        if "tdmsci" in sources:
            lines += ["    TDMSci train (IBM, Apache License 2.0; IBM/science-result-extractor, Hou et al.,",
                      "    EACL 2021, \"TDMSci: A Specialized Corpus for Scientific Literature Entity Tagging",
                      "    of Tasks Datasets and Metrics\")" + (" and" if "scirex" in sources else ".")]
        if "scirex" in sources:
            lines += ["    SciREX train abstracts (Allen Institute for AI, Apache License 2.0; allenai/SciREX,",
                      "    Jain et al., ACL 2020, \"SciREX: A Challenge Dataset for Document-Level Information",
                      "    Extraction\")."]
    lines.append("The model is distributed under the Apache License 2.0.")
    return "\n".join(lines) + "\n"


def fmt(t) -> str:
    return "P=%.1f R=%.1f F1=%.1f" % tuple(100 * x for x in t[:3])


def dir_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


# --------------------------------------------------------------------------- pretraining
PRETRAIN_CFG = REPO / "training" / "fast_pretrain.cfg"


def pretraining_config(base: Path, out: Path, overrides: dict | None = None) -> Path:
    """Write ``base`` (e.g. ``fast_tagger.cfg``) merged with the ``[pretraining]`` sections of
    ``training/fast_pretrain.cfg`` to ``out``: the config ``spacy pretrain`` runs
    (``training/pretrain_fast.py``) and the one ``spacy train`` needs to load
    ``paths.init_tok2vec`` (spaCy only loads it when ``[pretraining]`` names the component).

    ``overrides``: ``{"section.key": value}`` set on the merged config (e.g. the raw text).
    """
    from thinc.api import Config

    cfg = Config().from_disk(base, interpolate=False).merge(Config().from_disk(PRETRAIN_CFG, interpolate=False))
    for dotted, value in (overrides or {}).items():
        *sections, key = dotted.split(".")
        node = cfg
        for sec in sections:
            node = node[sec]
        node[key] = value
    out.parent.mkdir(parents=True, exist_ok=True)
    cfg.to_disk(out, interpolate=False)
    return out


# --------------------------------------------------------------------------- main
def train_model(args, work: Path, dev: list[dict]) -> tuple[int, float]:
    """Convert the data and run ``spacy train``; returns (silver docs used, minutes)."""
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    nlp = spacy.blank("en")

    bio = "tagger" in spacy.util.load_config(args.config)["nlp"]["pipeline"]
    train = read_jsonl(args.data / "train.jsonl")
    if args.gold_teacher is not None:
        rel = relabel_datasets(train, args.gold_teacher)
        print(f"gold relabelled by teacher {args.gold_teacher}: {dict(rel)}", flush=True)
        (work / "relabel.json").write_text(json.dumps(dict(rel), indent=1))
    train_stats = to_docbin(nlp, train, work / "train_gold.spacy", repeat=args.gold_repeat, bio_tags=bio)
    dev_stats = to_docbin(nlp, dev, work / "dev.spacy", bio_tags=bio)
    print(f"gold train: {dict(train_stats)}\ndev: {dict(dev_stats)}", flush=True)
    train_paths = [work / "train_gold.spacy"]
    extra_ids: set[str] = set()
    if args.extra_gold:
        repeat = args.extra_gold_repeat if args.extra_gold_repeat is not None else args.gold_repeat
        extra_stats = {}
        for name, gold_path, teacher_path in args.extra_gold:
            preset = PARTIAL_GOLD[name]
            merged, m_stats = merge_partial_gold(read_jsonl(gold_path), teacher_path,
                                                 preset["annotated"], preset["map"])
            extra_ids |= {r["id"] for r in merged}
            d_stats = to_docbin(nlp, merged, work / f"train_extra_{name}.spacy", repeat=repeat, bio_tags=bio)
            print(f"extra gold {name} ({gold_path}, teacher {teacher_path}, repeat {repeat}): "
                  f"merge {dict(m_stats)}\n  docbin {dict(d_stats)}", flush=True)
            extra_stats[name] = {"gold": str(gold_path), "teacher": str(teacher_path), "repeat": repeat,
                                 "merge": dict(m_stats), "docbin": dict(d_stats)}
            train_paths.append(work / f"train_extra_{name}.spacy")
        (work / "extra_gold.json").write_text(json.dumps(extra_stats, indent=1))
    n_silver = 0
    if args.silver:
        silver: list[dict] = []
        for path in args.silver:
            silver.extend(read_jsonl(path))
        dev_ids = {r["id"] for r in dev} | {r["id"] for r in train} | extra_ids
        silver = [r for r in silver if r["id"] not in dev_ids and r.get("text")]
        if args.silver_limit is not None:
            silver = silver[: args.silver_limit]
        n_silver = len(silver)
        s_stats = to_docbin(nlp, silver, work / "train_silver.spacy", bio_tags=bio)
        print(f"silver: {dict(s_stats)}", flush=True)
        train_paths.append(work / "train_silver.spacy")
    # spacy.Corpus.v1 reads every .spacy file in a folder
    train_dir = work / "train"
    train_dir.mkdir()
    for p in train_paths:
        p.rename(train_dir / p.name)

    config = args.config
    if args.init_tok2vec is not None:  # the same config + [pretraining], so that spaCy loads the weights
        config = pretraining_config(args.config, work / "config_init_tok2vec.cfg")
    cmd = [sys.executable, "-m", "spacy", "train", str(config), "--output", str(work / "model"),
           "--paths.train", str(train_dir), "--paths.dev", str(work / "dev.spacy"), "--system.seed", str(args.seed),
           "--code", str(Path(__file__).resolve())]
    if args.init_tok2vec is not None:
        cmd += ["--paths.init_tok2vec", str(args.init_tok2vec.resolve())]
    for ov in args.overrides:
        key, _, value = ov.partition("=")
        cmd += [f"--{key}", value]
    print("$", " ".join(cmd), flush=True)
    t0 = time.time()
    subprocess.run(cmd, check=True)
    train_min = (time.time() - t0) / 60
    return n_silver, train_min


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA, help="folder with train.jsonl and dev.jsonl")
    ap.add_argument("--config", type=Path, default=REPO / "training" / "fast_tagger.cfg")
    ap.add_argument("--silver", type=Path, nargs="*", default=[], help="silver JSONL files (training/silver.py)")
    ap.add_argument("--silver-limit", type=int, default=None, help="use only the first N silver abstracts")
    ap.add_argument("--gold-teacher", type=Path, default=None, metavar="FILE",
                    help="teacher predictions on the gold train set (kgraph annotate --model-only --scheme model): "
                         "a gold Material span whose exact offsets the teacher labels Dataset becomes Dataset")
    ap.add_argument("--gold-repeat", type=int, default=4, help="repeat the gold training docs K times (weights gold vs silver)")
    ap.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE",
                    help="config override, e.g. components.tok2vec.model.encode.width=64")
    ap.add_argument("--init-tok2vec", type=Path, default=None, metavar="FILE",
                    help="start the tok2vec from weights of `spacy pretrain` (training/pretrain_fast.py, "
                         "e.g. .../model2.bin): the config is merged with training/fast_pretrain.cfg")
    ap.add_argument("--extra-gold", type=parse_extra_gold, action="append", default=[],
                    metavar="NAME=GOLD.jsonl:TEACHER.jsonl",
                    help="add a gold set that annotates only some labels (NAME: " + ", ".join(PARTIAL_GOLD)
                         + "); the other labels come from TEACHER.jsonl (kgraph annotate GOLD.jsonl -o TEACHER.jsonl "
                         "--model-only --scheme model) where they overlap no gold span. Repeatable")
    ap.add_argument("--extra-gold-repeat", type=int, default=None, metavar="K",
                    help="repeat the --extra-gold docs K times (default: --gold-repeat)")
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--work", type=Path, default=Path("/tmp/kgraph_fast/run"), help="scratch folder for DocBins and checkpoints")
    ap.add_argument("--out", type=Path, default=REPO / "kgraph" / "models" / "fast")
    ap.add_argument("--no-ship", action="store_true", help="train and score only; do not copy into --out")
    ap.add_argument("--skip-train", action="store_true",
                    help="reuse the checkpoint already in --work (e.g. a run stopped early): score, time and ship it")
    ap.add_argument("--speed-texts", type=Path, default=REPO.parent / "shared" / "data" / "corpora" / "arxiv_cs_50k.jsonl.gz",
                    help="arXiv abstracts for a quick speed probe (first 1000)")
    args = ap.parse_args(argv)

    work = args.work
    dev = read_jsonl(args.data / "dev.jsonl")
    n_silver = 0
    train_min = 0.0
    previous: dict = {}
    if not args.skip_train:
        n_silver, train_min = train_model(args, work, dev)
    elif (work / "summary.json").is_file():  # keep what the training run recorded
        previous = json.loads((work / "summary.json").read_text())
        n_silver, train_min = previous.get("silver_docs", 0), previous.get("train_minutes", 0.0)

    best = work / "model" / "model-best"
    res = evaluate(best, dev, pred_out=work / "dev_pred.jsonl")
    print(f"\ndev strict  {fmt(res['strict'])} {res['counts']}\ndev span    {fmt(res['span'])}")
    for lab, v in res["per_label"].items():
        print(f"  {lab:20s} {fmt(v)} (gold {v[3]})")
    aps = wps = None
    if args.speed_texts.is_file():
        import gzip

        texts = []
        with gzip.open(args.speed_texts, "rt", encoding="utf-8") as f:
            for line in f:
                texts.append(" ".join(json.loads(line)["summary"].split()))
                if len(texts) >= 1000:
                    break
        aps, wps = speed(best, texts)
        print(f"speed (1 thread, 1000 arXiv abstracts, +sentencizer): {aps:.0f} abstracts/s, {wps:.0f} words/s")
    if aps is None and previous.get("abstracts_per_s"):  # --skip-train without a speed probe
        aps, wps = previous["abstracts_per_s"], previous["words_per_s"]
    relabel_file = work / "relabel.json"  # written by train_model with --gold-teacher
    relabelled = json.loads(relabel_file.read_text()).get("material_to_dataset") if relabel_file.is_file() else None
    summary = {
        "config": args.config.name, "overrides": args.overrides, "seed": args.seed, "gold_repeat": args.gold_repeat,
        "init_tok2vec": str(args.init_tok2vec) if args.init_tok2vec else previous.get("init_tok2vec"),
        "gold_teacher": str(args.gold_teacher) if args.gold_teacher else None,
        "relabelled_material_to_dataset": relabelled,
        **({"extra_gold": json.loads((work / "extra_gold.json").read_text())}
           if args.extra_gold and (work / "extra_gold.json").is_file() else {}),
        "silver": [str(p) for p in args.silver], "silver_docs": n_silver, "train_minutes": round(train_min, 1),
        "dev_strict": [round(100 * x, 2) for x in res["strict"]], "dev_span": [round(100 * x, 2) for x in res["span"]],
        "per_label_f1": {k: round(100 * v[2], 2) for k, v in res["per_label"].items()},
        "abstracts_per_s": round(aps) if aps else None, "words_per_s": round(wps) if wps else None,
        "size_bytes": dir_size(best),
    }
    (work / "summary.json").write_text(json.dumps(summary, indent=1))
    print("SUMMARY", json.dumps(summary), flush=True)

    if not args.no_ship:
        out = args.out
        if out.exists():
            shutil.rmtree(out)
        shutil.copytree(best, out)
        cfg_path = out / "config.cfg"  # drop this run's scratch paths from the shipped config
        cfg_text = cfg_path.read_text()
        for key in ("train", "dev", "init_tok2vec", "raw_text"):
            cfg_text = re.sub(rf'^{key} = ".*"$', f"{key} = null", cfg_text, count=1, flags=re.M)
        # the dev scorer lives in this script; the shipped model must load with spaCy alone
        cfg_text = cfg_text.replace('"kgraph.bio_tag_scorer.v1"', '"spacy.tagger_scorer.v1"')
        cfg_path.write_text(cfg_text)
        meta_path = out / "meta.json"
        meta = json.loads(meta_path.read_text())
        tags = meta.get("labels", {}).get("tagger") or meta.get("labels", {}).get("ner") or []
        labels = sorted({t.split("-", 1)[-1] for t in tags if t != "O"})
        what = "SciERC entities + Dataset" if DATASET in labels else "SciERC entities"
        meta.update({"name": "kgraph_fast",
                     "description": f"kgraph fast tier: CNN tagger/NER for {what} (train_fast.py)",
                     "license": "Apache-2.0; see NOTICE", "kgraph": summary})
        meta_path.write_text(json.dumps(meta, indent=2))
        (out / "NOTICE").write_text(notice_text(args, n_silver, labels))
        print(f"shipped {out} ({dir_size(out) / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
