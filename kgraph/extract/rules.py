"""Cue-word rules and acronym definitions as spaCy components.

Both are thin wrappers: :func:`~kgraph.text.acronyms.find_acronyms` and
:func:`~kgraph.extract.kinds.guess_kind` hold the logic.
"""

from __future__ import annotations

import re

from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from ..model import EntityKind
from ..text.acronyms import find_acronyms
from .base import kind_of, set_candidates, tokens_of
from .kinds import guess_kind

#: Words after a name that say it is a dataset: "the KITTI dataset".
DATASET_CUES = frozenset({"dataset", "datasets", "benchmark", "benchmarks", "corpus", "treebank"})
#: Lower-case words allowed between the name and its cue ("Yelp business review dataset").
_MAX_BETWEEN = 2
#: A word after "on"/"using" with two capitals, or a capital then a digit: "on KITTI", "on CIFAR-100".
_NAME_AFTER_ON = re.compile(r"^(?=.*[A-Z].*[A-Z0-9])[\w\-]+$")


def cue_spans(doc: Doc) -> list[tuple[int, int]]:
    """Token bounds of the names that cue words mark as datasets, longest first where they overlap.

    A name-like token (capitalised, all capitals, or mixed with digits or marks, and not a
    stop word) followed by up to two lower-case words and a cue word
    (:data:`DATASET_CUES`), none of them a stop word, gives the name with its cue; a word after "on" or "using" with
    two capitals gives that word.

    >>> import spacy
    >>> doc = spacy.blank("en")("Results on KITTI and the Yelp review dataset, using CIFAR-100 .")
    >>> [doc[s:e].text for s, e in cue_spans(doc)]
    ['KITTI', 'Yelp review dataset', 'CIFAR-100']
    >>> [doc[s:e].text for s, e in cue_spans(spacy.blank("en")("Building on this dataset, we train."))]
    []
    """
    tokens = tokens_of(doc)
    lower, words = tokens.lower, tokens.words

    def name_like(i: int) -> bool:  # the lexeme flags a spaCy Matcher's token patterns would test
        t = doc[i]
        return (not t.is_stop and (t.is_title or (t.is_upper and len(t) >= 2))) or (
            not t.is_alpha and not t.is_punct and not t.is_space and not t.is_digit)

    spans = []
    for cue, word in enumerate(lower):
        if word in DATASET_CUES:
            for start in range(cue - 1, max(cue - 2 - _MAX_BETWEEN, -1), -1):
                if name_like(start):
                    spans.append((start, cue + 1))
                if not doc[start].is_lower or doc[start].is_stop:
                    break  # "Building on this dataset": no name reaches over a function word
        elif word in ("on", "using") and cue + 1 < len(words) and _NAME_AFTER_ON.search(words[cue + 1]):
            spans.append((cue + 1, cue + 2))
    return [(span.start, span.end) for span in filter_spans([doc[s:e] for s, e in spans])]


class CueRules:
    """Names followed by "dataset"/"benchmark", or after "on"/"using", become Dataset spans (:func:`cue_spans`)."""

    def __call__(self, doc: Doc) -> Doc:
        kept = [Span(doc, start, end, label=EntityKind.DATASET.value) for start, end in cue_spans(doc)]
        set_candidates(doc, "rule", kept, [0.6] * len(kept))
        return doc


def _model_label(model: list[Span], span: Span | None) -> str | None:
    """The label of the trained model's span over the last word of ``span`` (English names end
    in their head: "multi-class [Panoptic Quality]"), else over most of it, if it names a kind.

    An acronym's long form that no head word types ("Open Access Series of Imaging
    Studies") takes the model's view of its words ("Dataset"), its raw label included, so
    that a SciERC ``Material`` is refined as the model's own spans are.
    """
    if span is None:
        return None

    def rank(m: Span) -> tuple[bool, int]:
        return m.start < span.end <= m.end, min(m.end, span.end) - max(m.start, span.start)

    best = max((m for m in model if rank(m)[1] > 0 and kind_of(m.label_) is not None), key=rank, default=None)
    return best.label_ if best is not None else None


class AcronymDefinitions:
    """Long and short forms of each "long form (SHORT)" become spans of the kind the long form
    names, or else of the kind the trained model gave its words (:func:`_model_label`).

    Later uses of the short form in the same text get the same kind. (Entity resolution
    finds the definitions again in the paper's text: it needs them per paper, not per Doc.)
    """

    def __call__(self, doc: Doc) -> Doc:
        text = tokens_of(doc).text  # Doc.text joins every token: build it once per Doc
        pairs = find_acronyms(text)
        spans: list[Span | None] = []
        # most abstracts define no acronym: the model's spans are only listed for those that do
        model = list(doc.spans["model"]) if pairs and "model" in doc.spans else []
        for pair in pairs:
            long_span = doc.char_span(pair.long_start, pair.long_end, alignment_mode="expand")
            guessed = guess_kind(pair.long)
            label = guessed.value if guessed else _model_label(model, long_span) or EntityKind.CONCEPT.value
            if long_span is not None:
                spans.append(Span(doc, long_span.start, long_span.end, label=label))
            # every use of the short form, plural included ("PINNs" for "PINN")
            for use in re.finditer(rf"(?<![\w-]){re.escape(pair.short)}s?(?![\w-])", text):
                spans.append(doc.char_span(use.start(), use.end(), label=label))
        kept = filter_spans([s for s in spans if s is not None])
        set_candidates(doc, "acronym", kept, [0.8] * len(kept))
        return doc
