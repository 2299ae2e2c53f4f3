"""Accurate entity extraction: a fine-tuned MiniLM token classifier run with onnxruntime.

The model is all-MiniLM-L6-v2 fine-tuned on SciERC for BIO tagging (label on the first
sub-token of every spaCy word; the shipped model reads consecutive sentences of a doc
packed into one input of up to 256 sub-tokens, which gives it cross-sentence context),
exported to ONNX by ``training/train_accurate.py``. Input layout, windowing of
over-long sentences and the tag set come from the model folder's ``config.json``, and the
layout function :func:`plan_units` is shared with training. This module needs only onnxruntime, tokenizers, numpy and
spaCy: torch and transformers are training-time dependencies and must never be imported
here (importing torch next to spaCy costs ~1.3 s and ~230 MB per process).

Two layers:

* :class:`OnnxTagger` -- pure tagging of pre-tokenised sentences
  (``list[list[str]] -> spans``), with BIO-constrained Viterbi decoding.
* the ``kgraph_transformer`` spaCy factory -- runs the tagger over each doc's sentences
  and stores the spans with :func:`kgraph.extract.base.set_candidates` under ``"model"``.
  Its :meth:`~TransformerExtractor.pipe` pools the sentences of many docs (packed per
  doc, never across docs), sorts the inputs by length and runs them in batches, which
  is where the throughput comes from.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from itertools import chain, pairwise
from pathlib import Path
from typing import Any

import numpy as np
import onnxruntime as ort
from spacy.attrs import IS_SPACE, ORTH  # type: ignore[import-not-found]  # spaCy ships no stub for spacy.attrs
from spacy.language import Language
from spacy.tokens import Doc, Span
from tokenizers import Tokenizer

from ..errors import OptionError
from .base import KNOWS_DATASETS, set_candidates
from .bio import SpanTuple, allowed_transitions, bio_spans, viterbi_bio, viterbi_bio_batch


def special_ids(tokenizer: Tokenizer) -> tuple[int, int, int, int]:
    """``(cls, sep, unk, pad)`` token ids of a base model's tokenizer.

    BERT-style tokenizers (the shipped MiniLM): ``[CLS]``, ``[SEP]``, ``[UNK]`` and
    ``[PAD]`` (0 if absent). A RoBERTa-style post-processor (MPNet, RoBERTa) names its own
    cls/sep (``<s>``, ``</s>``) and pads with ``<pad>``: MPNet's vocabulary also holds BERT's
    ``[CLS]``/``[SEP]`` strings at other ids, which that model was never trained with, so
    the post-processor decides, not the vocabulary.
    """
    def id_of(*tokens: str) -> int | None:
        return next((i for i in map(tokenizer.token_to_id, tokens) if i is not None), None)

    post = json.loads(tokenizer.to_str()).get("post_processor") or {}
    cls: int | None
    sep: int | None
    if post.get("type") == "RobertaProcessing":
        cls, sep, unk, pad = int(post["cls"][1]), int(post["sep"][1]), id_of("[UNK]", "<unk>"), id_of("<pad>", "[PAD]")
    else:
        cls, sep, unk, pad = id_of("[CLS]"), id_of("[SEP]"), id_of("[UNK]"), id_of("[PAD]")
    if cls is None or sep is None or unk is None:
        raise OptionError("the model's tokenizer has no [CLS], [SEP] or [UNK] token (nor <s>, </s>, <unk>)")
    return cls, sep, unk, pad or 0


__all__ = [
    "DEFAULT_MODEL_DIR",
    "OnnxTagger",
    "TransformerExtractor",
    "allowed_transitions",
    "bio_spans",
    "viterbi_bio",
    "viterbi_bio_batch",
]

#: The shipped model; resolved from this file so it also works from an installed wheel.
DEFAULT_MODEL_DIR: Path = Path(__file__).resolve().parent.parent / "models" / "accurate"


def _softmax(logits: np.ndarray) -> np.ndarray:
    z = logits - logits.max(axis=-1, keepdims=True)
    e = np.exp(z)
    probs: np.ndarray = e / e.sum(axis=-1, keepdims=True)
    return probs


# --------------------------------------------------------------------------- packing
#: One model input: segments (sentence index, first word, end word) laid out in order.
Unit = list[tuple[int, int, int]]
#: A unit ready for the model: its segments, input ids, first-piece position of every word.
Window = tuple[Unit, np.ndarray, np.ndarray]


def plan_units(
    piece_counts: Sequence[Sequence[int]],
    max_length: int,
    groups: Sequence[int] | None = None,
    pack: bool = False,
) -> list[Unit]:
    """Lay sentences out as model inputs of at most ``max_length`` sub-tokens.

    Shared by training and inference so that both see exactly the same inputs.

    Parameters
    ----------
    piece_counts : sequence of sequence of int
        Number of sub-tokens of every word, per sentence.
    max_length : int
        Model input length, including [CLS] and [SEP].
    groups : sequence of int, optional
        Document id per sentence; only consecutive sentences of the same document are
        packed together.
    pack : bool, default False
        Pack consecutive sentences of a document into one input (cross-sentence
        context) instead of one sentence per input.

    Returns
    -------
    list of Unit
        Each unit lists its (sentence, start_word, end_word) segments in order. A
        sentence longer than the budget is split into word windows (no word dropped; a
        single word longer than the budget keeps only its first sub-tokens).
    """
    budget = max_length - 2
    units: list[Unit] = []
    cur: Unit = []
    used = 0
    prev_group: int | None = None
    for si, counts in enumerate(piece_counts):
        if not len(counts):
            continue
        group = groups[si] if groups is not None else si
        n = sum(min(c, budget) for c in counts)
        if pack and cur and group == prev_group and used + n <= budget:
            cur.append((si, 0, len(counts)))
            used += n
            prev_group = group
            continue
        if cur:
            units.append(cur)
        cur, used, prev_group = [], 0, group
        if n <= budget:
            cur, used = [(si, 0, len(counts))], n
            continue
        # too long on its own: word windows, each its own unit
        start, w_used = 0, 0
        for w, c in enumerate(counts):
            c = min(c, budget)
            if w_used + c > budget and w > start:
                units.append([(si, start, w)])
                start, w_used = w, 0
            w_used += c
        cur, used = [(si, start, len(counts))], w_used
        if not pack:
            units.append(cur)
            cur, used = [], 0
    if cur:
        units.append(cur)
    return units


# --------------------------------------------------------------------------- tagger
class OnnxTagger:
    """BIO tagger over pre-tokenised sentences, backed by an ONNX token classifier.

    Parameters
    ----------
    model_dir : str or Path, optional
        Folder with ``model.onnx``, ``tokenizer.json`` and ``config.json`` (tags, max
        length). Empty / None means the shipped :data:`DEFAULT_MODEL_DIR`.
    num_threads : int, default 1
        onnxruntime ``intra_op_num_threads``. One thread is the deployment target.
    batch_size : int, default 1
        Most model inputs (packed units) per onnxruntime call, after sorting by length.
        The shipped model's int8 MatMuls quantise their activations with one scale per
        call, so with several inputs per call a document's entities would depend on its
        neighbours in the batch (dev F1 moved by 0.1 with the batch composition). One
        input per call keeps every document's result its own, which the per-paper
        cache and the worker processes rely on; it cost ~3 % of speed, within noise
        (an abstract is one or two inputs of up to 256 sub-tokens, enough work per call).
    max_batch_tokens : int, default 512
        Most padded sub-tokens per onnxruntime call (when ``batch_size`` > 1).
    decode : {"viterbi", "argmax"}, default "viterbi"
        Decoding; argmax exists only to measure what Viterbi buys.
    """

    #: Most words whose sub-tokens are memoised (a few tens of MB); the memo starts over
    #: when it is full.
    MEMO_WORDS = 200_000

    def __init__(
        self,
        model_dir: str | Path | None = None,
        num_threads: int = 1,
        batch_size: int = 1,
        max_batch_tokens: int = 512,
        decode: str = "viterbi",
    ) -> None:
        self.model_dir = Path(model_dir) if model_dir else DEFAULT_MODEL_DIR
        cfg = json.loads((self.model_dir / "config.json").read_text(encoding="utf-8"))
        self.config: dict[str, Any] = cfg
        self.tags: list[str] = list(cfg["tags"])
        self.max_length: int = int(cfg.get("max_length", 128))
        self.pack: bool = bool(cfg.get("pack_sentences", False))
        self.num_threads = max(1, int(num_threads))
        self.batch_size = max(1, int(batch_size))
        self.max_batch_tokens = max(1, int(max_batch_tokens))
        if decode not in ("viterbi", "argmax"):
            raise OptionError(f"decode must be 'viterbi' or 'argmax', not {decode!r}")
        self.decode = decode
        self._start, self._trans = allowed_transitions(self.tags)

        self.tokenizer = Tokenizer.from_file(str(self.model_dir / "tokenizer.json"))
        # The saved tokenizer carries truncation/padding settings from the base model;
        # we window long sentences and pad ourselves, so both must be off.
        self.tokenizer.no_truncation()
        self.tokenizer.no_padding()
        self._cls, self._sep, self._unk, self._pad = special_ids(self.tokenizer)
        self._memo: dict[str, list[int]] = {}

        opts = ort.SessionOptions()
        opts.intra_op_num_threads = self.num_threads
        opts.inter_op_num_threads = 1
        opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        self.session = ort.InferenceSession(
            str(self.model_dir / "model.onnx"), sess_options=opts, providers=["CPUExecutionProvider"]
        )
        self._input_names = {i.name for i in self.session.get_inputs()}

    # -- sub-token pieces ------------------------------------------------------------
    def _pieces(self, sentences: Sequence[Sequence[str]]) -> tuple[np.ndarray, np.ndarray]:
        """Sub-token ids of every word of every sentence, concatenated, and the offset of
        each word's first piece (one entry more than there are words).

        WordPiece never looks across the words of a pre-tokenised input, so a word's
        pieces are its own: they are memoised per word, and the words not seen yet go to
        the tokenizer in one call. Word frequencies are Zipfian, so after a few hundred
        abstracts almost every word is a hit; encoding each sentence with a Python loop
        per piece had cost ~1.3 ms per abstract.
        """
        memo = self._memo
        words = [w for sent in sentences for w in sent]
        new = [w for w in dict.fromkeys(words) if w not in memo]
        if new:
            if len(memo) + len(new) > self.MEMO_WORDS:
                memo.clear()
            enc = self.tokenizer.encode(new, is_pretokenized=True, add_special_tokens=False)
            counts = np.bincount(np.asarray(enc.word_ids, dtype=np.int64), minlength=len(new))
            for word, pieces in zip(new, np.split(np.asarray(enc.ids, dtype=np.int64), np.cumsum(counts)[:-1])):
                # A word the tokenizer drops entirely (e.g. a lone control character)
                # still needs a position to carry its label.
                memo[word] = pieces.tolist() or [self._unk]
        per_word = [memo[w] for w in words]
        offsets = np.zeros(len(words) + 1, dtype=np.int64)
        np.cumsum([len(p) for p in per_word], out=offsets[1:])
        return np.fromiter(chain.from_iterable(per_word), dtype=np.int64, count=int(offsets[-1])), offsets

    def _batches(self, units: list[Window]) -> Iterator[list[Window]]:
        """Cut length-sorted windows into batches of at most ``batch_size`` sentences and
        ``max_batch_tokens`` padded tokens (big batches of long inputs were slower on one
        core: the activations fall out of cache)."""
        batch: list[Window] = []
        for u in units:
            width = len(u[1])  # sorted ascending, so this is the padded width
            if batch and (len(batch) >= self.batch_size or (len(batch) + 1) * width > self.max_batch_tokens):
                yield batch
                batch = []
            batch.append(u)
        if batch:
            yield batch

    # -- public API --------------------------------------------------------------------
    def word_probs(self, sentences: Sequence[Sequence[str]], groups: Sequence[int] | None = None) -> list[np.ndarray]:
        """Per-word tag probabilities (first sub-token of each word).

        Parameters
        ----------
        sentences : sequence of sequence of str
            Pre-tokenised sentences (spaCy tokens).
        groups : sequence of int, optional
            Document id per sentence. Used only by models trained with packed sentences
            (``pack_sentences`` in config.json), which see neighbouring sentences of the
            same document as context. Without it every sentence is its own input, which
            cost the shipped (packed) model 3 points of dev F1.

        Returns
        -------
        list of numpy.ndarray, shape (n_words, n_tags)
        """
        budget = self.max_length - 2
        ids_all, offsets = self._pieces(sentences)
        counts = np.diff(offsets)
        firsts_of = np.cumsum([0, *(len(s) for s in sentences)])  # first word of each sentence
        if len(counts) and counts.max() > budget:
            # a single word longer than the budget keeps only its first sub-tokens
            keep = np.concatenate([np.arange(o, o + min(c, budget)) for o, c in zip(offsets[:-1], counts)])
            ids_all, counts = ids_all[keep], np.minimum(counts, budget)
            offsets = np.concatenate(([0], np.cumsum(counts)))
        per_word = counts.tolist()
        plan = plan_units([per_word[a:b] for a, b in pairwise(firsts_of)],
                          self.max_length, groups, self.pack)
        # (segments, input ids, first-piece position of every word in segment order)
        units: list[Window] = []
        for segs in plan:
            parts, firsts, width = [], [], 1  # position 0 holds [CLS]
            for si, ws, we in segs:
                lo, hi = firsts_of[si] + ws, firsts_of[si] + we
                parts.append(ids_all[offsets[lo] : offsets[hi]])
                firsts.append(offsets[lo:hi] - offsets[lo] + width)
                width += offsets[hi] - offsets[lo]
            ids = np.concatenate([[self._cls], *parts, [self._sep]])
            units.append((segs, ids, np.concatenate(firsts)))

        k = len(self.tags)
        result = [np.zeros((len(s), k), dtype=np.float32) for s in sentences]
        # Sorting by length keeps padding (wasted FLOPs) small inside every batch.
        units.sort(key=lambda u: len(u[1]))
        for batch in self._batches(units):
            width = max(len(u[1]) for u in batch)
            ids = np.full((len(batch), width), self._pad, dtype=np.int64)
            mask = np.zeros((len(batch), width), dtype=np.int64)
            for r, (_, tid, _) in enumerate(batch):
                ids[r, : len(tid)] = tid
                mask[r, : len(tid)] = 1
            feed = {"input_ids": ids, "attention_mask": mask}
            if "token_type_ids" in self._input_names:
                feed["token_type_ids"] = np.zeros_like(ids)
            logits = self.session.run(None, feed)[0].astype(np.float32)
            for r, (segs, _, first_pieces) in enumerate(batch):
                probs = _softmax(logits[r, first_pieces])
                off = 0
                for si, ws, we in segs:
                    result[si][ws:we] = probs[off : off + we - ws]
                    off += we - ws
        return result

    def tag(self, sentences: Sequence[Sequence[str]], groups: Sequence[int] | None = None) -> list[list[SpanTuple]]:
        """Tag pre-tokenised sentences.

        Parameters
        ----------
        sentences : sequence of sequence of str
            Words of each sentence (spaCy tokens).
        groups : sequence of int, optional
            Document id per sentence (see :meth:`word_probs`).

        Returns
        -------
        list of list of (start_word, end_word_exclusive, label, confidence)
            Spans per sentence, word offsets relative to the sentence, SciERC labels.
        """
        all_probs = self.word_probs(sentences, groups)
        if self.decode == "viterbi":
            paths = viterbi_bio_batch([np.log(p + 1e-12) for p in all_probs], self._start, self._trans)
        else:
            paths = [p.argmax(axis=1) for p in all_probs]
        return [bio_spans(path, self.tags, probs) if len(probs) else [] for path, probs in zip(paths, all_probs)]


# --------------------------------------------------------------------------- spaCy
def _sentences_of(doc: Doc) -> list[tuple[int, int]]:
    """Token ranges of the doc's sentences; the whole doc when none are set."""
    if len(doc) == 0:
        return []
    if doc.has_annotation("SENT_START"):
        return [(s.start, s.end) for s in doc.sents]
    return [(0, len(doc))]


class TransformerExtractor:
    """spaCy component: MiniLM/ONNX spans into ``doc.spans["model"]``.

    Whitespace tokens are removed before tagging (the model was trained on SciERC
    tokens, which never contain whitespace) and mapped back afterwards, so spans never
    start or end on a whitespace token.

    Parameters
    ----------
    nlp : Language
        The pipeline (unused; spaCy factory signature).
    name : str
        Component name.
    model_dir : str
        Model folder; ``""`` means the shipped default.
    batch_size : int
        Docs buffered per :meth:`pipe` step; their sentences are pooled and batched.
    sentence_batch_size : int
        Most model inputs per onnxruntime call (see :class:`OnnxTagger`; 1 keeps each
        document's result independent of the others).
    max_batch_tokens : int
        Most padded sub-tokens per onnxruntime call.
    num_threads : int
        onnxruntime intra-op threads.
    """

    group_name = "model"

    def __init__(
        self,
        nlp: Language | None,
        name: str = "kgraph_transformer",
        model_dir: str = "",
        batch_size: int = 64,
        sentence_batch_size: int = 1,
        max_batch_tokens: int = 512,
        num_threads: int = 1,
    ) -> None:
        self.name = name
        self.batch_size = max(1, int(batch_size))
        self.tagger = OnnxTagger(
            model_dir or None,
            num_threads=num_threads,
            batch_size=sentence_batch_size,
            max_batch_tokens=max_batch_tokens,
        )
        self._attrs = {KNOWS_DATASETS: "B-Dataset" in self.tagger.tags}  # the same for every doc

    def _process(self, docs: Sequence[Doc]) -> None:
        sents: list[list[str]] = []
        maps: list[list[int]] = []  # word index -> doc token index, per tagged sentence
        owners: list[int] = []
        for di, doc in enumerate(docs):
            # token texts from the ORTH column: iterating the doc built a Token object per
            # token (~1 ms of the accurate tier's ~38 ms per paper)
            columns = doc.to_array([ORTH, IS_SPACE]).tolist() if len(doc) else []
            strings = doc.vocab.strings
            texts = [strings[orth] for orth, _ in columns]
            for s, e in _sentences_of(doc):
                idx = [i for i in range(s, e) if not columns[i][1]]
                if idx:
                    sents.append([texts[i] for i in idx])
                    maps.append(idx)
                    owners.append(di)
        tagged = self.tagger.tag(sents, owners) if sents else []
        per_doc: list[list[tuple[int, int, str, float]]] = [[] for _ in docs]
        for spans, idx, di in zip(tagged, maps, owners):
            for ws, we, label, conf in spans:
                per_doc[di].append((idx[ws], idx[we - 1] + 1, label, conf))
        for doc, spans in zip(docs, per_doc):
            set_candidates(
                doc,
                self.group_name,
                [Span(doc, s, e, label=label) for s, e, label, _ in spans],
                [conf for *_, conf in spans],
                self._attrs,
            )

    def __call__(self, doc: Doc) -> Doc:
        self._process([doc])
        return doc

    def pipe(self, stream: Iterable[Doc], batch_size: int | None = None) -> Iterator[Doc]:
        """Tag docs in groups, pooling all their sentences into length-sorted batches."""
        size = max(1, int(batch_size or self.batch_size))
        buf: list[Doc] = []
        for doc in stream:
            buf.append(doc)
            if len(buf) >= size:
                self._process(buf)
                yield from buf
                buf = []
        if buf:
            self._process(buf)
            yield from buf
