"""Typed relations between the mentions of a sentence, from the relation model.

:mod:`kgraph.extract.relations` holds the model (one onnxruntime call scores every pair
of entities of a sentence); this module feeds it what the pipeline found: the words of
each sentence and its entity spans, and turns its answers back into offsets. ``kgraph
build`` calls :func:`paper_relations` on each paper's mentions; ``kgraph annotate`` calls
:func:`doc_relations` on a processed Doc and the spans it writes out.

Any object with the model's ``predict(words, entities)`` can stand in for it
(:class:`Predictor`): tests use a small rule, the product the shipped model.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from functools import lru_cache
from typing import Protocol

import spacy
from spacy.tokens import Doc, Span

from ..model import Field, Mention, Paper, Relation
from ..resources import PACKAGE_DIR, files_digest, model_dir


class Predicted(Protocol):
    """One predicted relation: indices into the entities given, a label and a confidence."""

    @property
    def head(self) -> int: ...
    @property
    def tail(self) -> int: ...
    @property
    def label(self) -> str: ...
    @property
    def confidence(self) -> float: ...


class Predictor(Protocol):
    """What the relation model offers: relations between the entities of one sentence."""

    def predict(self, words: Sequence[str], entities: Sequence[tuple[int, int, str]]) -> Sequence[Predicted]: ...


def relation_model_folder(tier: str | None = None) -> str:
    """The relation model a tier uses: the fast tier's smaller one (3 encoder layers, about
    twice the speed) where it is installed, else the accurate tier's."""
    if tier == "fast" and (model_dir("relations_fast") / "model.onnx").is_file():
        return "relations_fast"
    return "relations"


def relations_available(tier: str | None = None) -> bool:
    """Whether a relation model for ``tier`` is installed with the package."""
    return (model_dir(relation_model_folder(tier)) / "model.onnx").is_file()


def relation_model_version(tier: str | None = None) -> str:
    """``relations@hash`` (``relations_fast@hash``) of the tier's relation model's files and of
    the code that runs it (this module and ``relations.py``; "" when none is installed)."""
    if not relations_available(tier):
        return ""
    folder = relation_model_folder(tier)
    code = [PACKAGE_DIR / "extract" / "relate.py", PACKAGE_DIR / "extract" / "relations.py"]
    return f"{folder}@{files_digest(sorted(p for p in model_dir(folder).rglob('*') if p.is_file()) + code)}"


def relation_predictor(tier: str | None = None) -> Predictor | None:
    """The shipped relation model for ``tier``, or None when it is not installed."""
    if not relations_available(tier):
        return None
    from .relations import relation_model  # onnxruntime session: loaded when first used

    model: Predictor = relation_model(relation_model_folder(tier))
    return model


@lru_cache(maxsize=1)
def _tokenizer() -> spacy.tokenizer.Tokenizer:
    # the tokenizer every tier's pipeline starts with (spacy.blank("en")): the same words
    return spacy.blank("en").tokenizer


Found = list[tuple[int, int, str, float]]
"""Relations as (head index, tail index, label, confidence)."""


def _sentence_relations(model: Predictor, sentence: Span | Doc, spans: Sequence[Span]) -> Found:
    """Relations among ``spans`` (all in ``sentence``), as (i, j, label, confidence) into ``spans``."""
    if len(spans) < 2:
        return []
    words: list[str] = []
    index: dict[int, int] = {}
    for token in sentence:
        if not token.is_space:
            index[token.i] = len(words)
            words.append(token.text)
    entities, kept = [], []
    for k, span in enumerate(spans):
        inside = [index[t.i] for t in span if t.i in index]
        if inside:
            entities.append((inside[0], inside[-1] + 1, span.label_))
            kept.append(k)
    if len(entities) < 2:
        return []
    return [(kept[r.head], kept[r.tail], r.label, float(r.confidence)) for r in model.predict(words, entities)]


def doc_relations(model: Predictor, doc: Doc, spans: Sequence[Span]) -> Found:
    """Relations among the spans of a processed Doc, sentence by sentence, indices into ``spans``.

    A span's label is a SciERC label or a kgraph kind (the model maps kinds onto SciERC's).
    """
    by_sentence: dict[int, list[int]] = defaultdict(list)
    sentences = list(doc.sents) if doc.has_annotation("SENT_START") else [doc[:]]
    starts = [s.start for s in sentences]
    for k, span in enumerate(spans):
        by_sentence[max(i for i, start in enumerate(starts) if start <= span.start)].append(k)
    out = []
    for i, members in by_sentence.items():
        for a, b, label, confidence in _sentence_relations(model, sentences[i], [spans[k] for k in members]):
            out.append((members[a], members[b], label, confidence))
    return out


def paper_relations(model: Predictor, paper: Paper, mentions: Sequence[Mention]) -> list[Relation]:
    """The relations each sentence of a paper states between its mentions (title and abstract).

    Mentions are grouped by the sentence they carry (``sentence_span``); each sentence is
    tokenised as the pipeline tokenised it, and a mention's words are the tokens its
    offsets cover. Mentions at the same offsets (two extractors) count once.
    """
    groups: dict[tuple[Field, tuple[int, int]], dict[tuple[int, int], Mention]] = defaultdict(dict)
    for mention in mentions:
        if mention.sentence_span is not None:
            groups[(mention.field, mention.sentence_span)].setdefault((mention.start, mention.end), mention)
    out = []
    for (field, (lo, hi)), members in sorted(groups.items(), key=lambda g: (g[0][0].value, g[0][1])):
        if len(members) < 2:
            continue
        doc = _tokenizer()(paper.text(field)[lo:hi])
        ordered = sorted(members.values(), key=lambda m: (m.start, m.end))
        spans, kept = [], []
        for mention in ordered:
            span = doc.char_span(mention.start - lo, mention.end - lo, label=mention.kind.value,
                                 alignment_mode="expand")
            if span is not None and len(span):
                spans.append(span)
                kept.append(mention)
        for a, b, label, confidence in _sentence_relations(model, doc, spans):
            out.append(Relation(paper.id, field, (kept[a].start, kept[a].end), (kept[b].start, kept[b].end), label,
                                round(confidence, 4), (lo, hi)))
    return out


#: Papers per task sent to a worker process, and the fewest papers worth starting workers for.
CHUNK = 64
POOL_MIN_PAPERS = 200


def _chunk_relations(chunk: Sequence[tuple[Paper, Sequence[Mention]]], tier: str | None) -> list[list[Relation]]:
    model = relation_predictor(tier)  # loaded once per worker process (cached)
    assert model is not None
    return [paper_relations(model, paper, mentions) for paper, mentions in chunk]


def relations_of_papers(items: Sequence[tuple[Paper, Sequence[Mention]]], processes: int = 1,
                        on_paper: Callable[[], None] | None = None,
                        tier: str | None = None) -> Iterator[list[Relation]]:
    """:func:`paper_relations` of each (paper, mentions), in order, on ``processes`` worker
    processes, with ``tier``'s relation model (:func:`relation_model_folder`).

    One sentence is one onnxruntime call, so a corpus's relations cost about as much as its
    extraction: worker processes (forked on Linux; each loads the model once) share it out.
    """
    if processes <= 1 or len(items) < POOL_MIN_PAPERS:
        model = relation_predictor(tier)
        if model is None:
            return
        for paper, mentions in items:
            yield paper_relations(model, paper, mentions)
            if on_paper is not None:
                on_paper()
        return
    import multiprocessing
    import sys
    from concurrent.futures import ProcessPoolExecutor

    context = multiprocessing.get_context("fork" if sys.platform == "linux" else "spawn")
    chunks = [items[i:i + CHUNK] for i in range(0, len(items), CHUNK)]
    with ProcessPoolExecutor(processes, mp_context=context) as pool:
        for found in pool.map(functools.partial(_chunk_relations, tier=tier), chunks):
            for relations in found:
                yield relations
                if on_paper is not None:
                    on_paper()
