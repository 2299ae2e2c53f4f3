"""Glue for the fast tier: a spaCy CNN model whose entities become "model" candidates.

Two model layouts are supported (``kgraph/models/fast``):

* ``tok2vec`` + ``tagger`` over BIO entity tags (``"B-Method"``, ``"I-Task"``, ``"O"``):
  :class:`BioTagDecoder` runs the tagger's network itself, decodes its scores with the
  BIO-constrained Viterbi of :mod:`kgraph.extract.bio` (entities never cross a sentence
  start) and stores the spans; the tagger component stays disabled, so its argmax
  ``token.tag_`` annotation is never written.
* ``tok2vec`` + ``ner`` (transition-based): :class:`EntsToCandidates` copies ``doc.ents``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import spacy
from spacy.attrs import SENT_START  # type: ignore[import-not-found]  # spaCy ships no stub for spacy.attrs
from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import minibatch

from .base import KNOWS_DATASETS, set_candidates
from .bio import allowed_transitions, viterbi_bio_batch


class EntsToCandidates:
    """Copy ``doc.ents`` (SciERC labels) into ``doc.spans["model"]`` for the selector."""

    def __call__(self, doc: Doc) -> Doc:
        set_candidates(doc, "model", list(doc.ents), None)
        return doc


class BioTagDecoder:
    """Entity spans from a BIO ``tagger``: its scores, Viterbi-decoded, into ``doc.spans["model"]``.

    The tagger's network reads the shared ``tok2vec`` output from ``doc.tensor``, so this
    component must run after ``tok2vec``. Decoding gives exactly the BIO-constrained
    Viterbi path of each doc with no entity continuing across a sentence start, computed
    cheaply: such a path splits into independent sentences; where a sentence's argmax
    tags already obey the constraints they are its Viterbi path, so Viterbi
    (:func:`~kgraph.extract.bio.viterbi_bio_batch`) runs only on the other sentences. It
    runs on the raw scores (logits): a per-token constant does not change the best path.
    """

    def __init__(self, nlp: Language, name: str = "kgraph_bio_tags", tagger: str = "tagger", batch_size: int = 256):
        self.name = name
        tagger_pipe: Any = nlp.get_pipe(tagger)  # a trainable pipe (spaCy types get_pipe as Doc -> Doc)
        self.model = tagger_pipe.model
        self.tags = list(tagger_pipe.labels)
        self.batch_size = batch_size
        self._start, self._trans = allowed_transitions(self.tags)
        self._inside = np.array([t.startswith("I-") for t in self.tags], dtype=bool)
        self._begin = np.array([t.startswith("B-") for t in self.tags], dtype=bool)
        self._labels = [t[2:] if t != "O" else "" for t in self.tags]
        self._attrs = {KNOWS_DATASETS: "Dataset" in self._labels}

    def _process(self, docs: list[Doc]) -> None:
        for doc in docs:
            if not len(doc):
                set_candidates(doc, "model", [], None, self._attrs)
        docs = [doc for doc in docs if len(doc)]
        if not docs:
            return
        scores = np.concatenate([np.asarray(s) for s in self.model.predict(docs)])
        lengths = np.array([len(doc) for doc in docs])
        offsets = np.concatenate(([0], np.cumsum(lengths)))
        sent_start = np.concatenate([doc.to_array(SENT_START) == 1 for doc in docs])
        sent_start[offsets[:-1]] = True  # every doc starts a sequence
        best = scores.argmax(axis=1)
        inside = self._inside[best]
        bad = inside & (sent_start | ~self._trans[np.roll(best, 1), best])
        if bad.any():
            starts = np.flatnonzero(sent_start)
            ends = np.append(starts[1:], len(best))
            redo = np.unique(np.searchsorted(starts, np.flatnonzero(bad), side="right") - 1)
            paths = viterbi_bio_batch([scores[starts[j] : ends[j]] for j in redo], self._start, self._trans)
            for j, path in zip(redo.tolist(), paths):
                best[starts[j] : ends[j]] = path
            inside = self._inside[best]
        # a valid path: a span opens at each B- tag and runs over the I- tags after it
        n = len(best)
        not_inside_at = np.where(inside, n, np.arange(n))
        next_not_inside = np.append(np.minimum.accumulate(not_inside_at[::-1])[::-1], n)
        begins = np.flatnonzero(self._begin[best])
        span_ends = next_not_inside[begins + 1]
        doc_of = np.searchsorted(offsets, begins, side="right") - 1
        labels = self._labels
        per_doc: list[list[Span]] = [[] for _ in docs]
        for b, e, d, tag in zip(begins.tolist(), span_ends.tolist(), doc_of.tolist(), best[begins].tolist()):
            off = int(offsets[d])
            per_doc[d].append(Span(docs[d], b - off, e - off, label=labels[tag]))
        for doc, spans in zip(docs, per_doc):
            set_candidates(doc, "model", spans, None, self._attrs)

    def __call__(self, doc: Doc) -> Doc:
        self._process([doc])
        return doc

    def pipe(self, stream: Iterable[Doc], batch_size: int | None = None) -> Iterator[Doc]:
        for batch in minibatch(stream, batch_size or self.batch_size):  # type: ignore[no-untyped-call]  # unannotated
            self._process(batch)
            yield from batch


def load_fast(path: str | Path) -> Language:
    """The fast model at ``path`` with a sentencizer, writing its spans to ``doc.spans["model"]``."""
    nlp = spacy.load(path)
    if "sentencizer" not in nlp.pipe_names and "senter" not in nlp.pipe_names:
        nlp.add_pipe("sentencizer", first=True)
    if "tagger" in nlp.component_names:
        if "tagger" in nlp.pipe_names:
            nlp.disable_pipe("tagger")  # BioTagDecoder runs its network instead
        nlp.add_pipe("kgraph_bio_tags")
    else:
        nlp.add_pipe("kgraph_ents_to_candidates")
    return nlp
