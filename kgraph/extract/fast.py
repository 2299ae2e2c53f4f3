"""Glue for the fast tier: a spaCy CNN ``ner`` whose entities become "model" candidates."""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from .base import set_candidates


class EntsToCandidates:
    """Copy ``doc.ents`` (SciERC labels) into ``doc.spans["model"]`` for the selector."""

    def __call__(self, doc: Doc) -> Doc:
        set_candidates(doc, "model", list(doc.ents), None)
        return doc


@Language.factory("kgraph_ents_to_candidates")
def make_ents_to_candidates(nlp: Language, name: str) -> EntsToCandidates:
    return EntsToCandidates()
