"""Cue-word rules and acronym definitions as spaCy components.

Both are thin wrappers: :func:`~kgraph.text.acronyms.find_acronyms` and
:func:`~kgraph.extract.kinds.guess_kind` hold the logic.
"""

from __future__ import annotations

import re
from typing import Any

from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from ..model import EntityKind
from ..text.acronyms import find_acronyms
from .base import set_candidates
from .kinds import guess_kind

# A "name" token: capitalised, all-caps or mixed with digits ("ResNet-18", "COCO", "ViT").
_NAME = {"IS_ALPHA": False, "IS_PUNCT": False, "IS_SPACE": False, "IS_DIGIT": False}
_NAMEISH: list[dict[str, Any]] = [{"IS_TITLE": True, "IS_STOP": False},
                                   {"IS_UPPER": True, "LENGTH": {">=": 2}, "IS_STOP": False}, _NAME]
_DATASET_CUES = ["dataset", "datasets", "benchmark", "benchmarks", "corpus", "treebank"]


def _dataset_patterns() -> list[list[dict[str, Any]]]:
    # "the KITTI dataset", "Yelp business review dataset" (the {0,2} pattern also covers
    # the case with no word in between)
    patterns: list[list[dict[str, Any]]] = [[token, {"IS_LOWER": True, "OP": "{0,2}"}, {"LOWER": {"IN": _DATASET_CUES}}]
                                            for token in _NAMEISH]
    # "on KITTI and nuScenes", "on CIFAR-100"; once, not once per name pattern: the matcher
    # would find every match three times (same spans, 3x the work)
    patterns.append([{"LOWER": {"IN": ["on", "using"]}}, {"TEXT": {"REGEX": r"^(?=.*[A-Z].*[A-Z0-9])[\w\-]+$"}}])
    return patterns


class CueRules:
    """Names followed by "dataset"/"benchmark", or after "on"/"using", become Dataset spans."""

    def __init__(self, nlp: Language):
        self.matcher = Matcher(nlp.vocab)
        self.matcher.add("Dataset", _dataset_patterns())

    def __call__(self, doc: Doc) -> Doc:
        spans = []
        for _, start, end in self.matcher(doc):
            if doc[start].lower_ in ("on", "using"):
                start += 1
            spans.append(Span(doc, start, end, label=EntityKind.DATASET.value))
        kept = filter_spans(spans)
        set_candidates(doc, "rule", kept, [0.6] * len(kept))
        return doc


class AcronymDefinitions:
    """Long and short forms of each "long form (SHORT)" become spans of the kind the long form names.

    Later uses of the short form in the same text get the same kind. (Entity resolution
    finds the definitions again in the paper's text: it needs them per paper, not per Doc.)
    """

    def __call__(self, doc: Doc) -> Doc:
        text = doc.text  # Doc.text joins every token: build it once, not once per pair
        pairs = find_acronyms(text)
        spans: list[Span | None] = []
        for pair in pairs:
            kind = guess_kind(pair.long) or EntityKind.CONCEPT
            long_span = doc.char_span(pair.long_start, pair.long_end, label=kind.value, alignment_mode="expand")
            if long_span is not None:
                spans.append(long_span)
            # every use of the short form, plural included ("PINNs" for "PINN")
            for use in re.finditer(rf"(?<![\w-]){re.escape(pair.short)}s?(?![\w-])", text):
                spans.append(doc.char_span(use.start(), use.end(), label=kind.value))
        kept = filter_spans([s for s in spans if s is not None])
        set_candidates(doc, "acronym", kept, [0.8] * len(kept))
        return doc
