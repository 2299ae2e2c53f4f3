"""Match known names (Papers with Code, CSO) in text with spaCy's PhraseMatcher.

Names with capitals inside ("ResNet", "GQA", "ImageNet-1K") are matched case-sensitively
so "GQA" does not fire on an ordinary word; lower-case names match any casing. A name in
title case ("Support Vector Machine") written in lower case is not a candidate of its own
(thousands of them are ordinary phrases: "Error Removal", "Industrial Robots"), but is
kept apart (:data:`FOLDED`) so the selection can mend a model span that cut it
("support [vector machine]").
"""

from __future__ import annotations

import gzip
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from ..model import EntityKind
from ..resources import data_file
from ..text.acronyms import GENERIC_ACRONYMS
from ..text.labels import is_name_like
from .base import set_candidates


@dataclass(frozen=True, slots=True)
class GazetteerEntry:
    """A surface form, its kind, the canonical name it stands for, and where it came from."""

    surface: str
    kind: EntityKind
    canonical: str
    source: str


def is_case_sensitive(surface: str) -> bool:
    """True when a name has capitals past its first letter ("ResNet", "GQA").

    >>> is_case_sensitive("ResNet"), is_case_sensitive("Image classification")
    (True, False)
    """
    return any(c.isupper() for c in surface[1:])


FOLDED = "gazetteer_folded"
"""Span group of title-case names matched in any casing (see the module docstring)."""


def is_title_case_name(surface: str) -> bool:
    """True for a name of several words, each capitalised or all lower case, with at
    least one capital past the first word ("Support Vector Machine", "Tanks and Temples").

    >>> is_title_case_name("Support Vector Machine"), is_title_case_name("ResNet"), is_title_case_name("GQA Bench")
    (True, False, False)
    """
    words = surface.split()
    if len(words) < 2 or not is_case_sensitive(surface):
        return False
    return all(w[1:] == w[1:].lower() for w in words)


def read_gazetteer(path: Path) -> list[GazetteerEntry]:
    """Entries of a ``surface<TAB>kind<TAB>canonical<TAB>source`` file (``.gz`` or plain)."""
    opener = gzip.open if path.suffix == ".gz" else open
    entries = []
    with opener(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            if line.startswith("#") or not line.strip():
                continue
            surface, kind, canonical, source = line.rstrip("\n").split("\t")
            entries.append(GazetteerEntry(surface, EntityKind(kind), canonical, source))
    return entries


@lru_cache(maxsize=2)
def shipped_gazetteer() -> tuple[GazetteerEntry, ...]:
    """The gazetteer packaged with kgraph (built by scripts/build_gazetteer.py)."""
    return tuple(read_gazetteer(data_file("gazetteer.tsv.gz")))


#: Gazetteer sources whose kinds are curated names (Papers with Code lists); CSO labels
#: are topics, not typed names, and decide nothing.
NAMED_SOURCES = ("pwc_",)


@lru_cache(maxsize=1)
def known_dataset_names() -> frozenset[str]:
    """Surfaces the shipped Papers with Code lists give as datasets and nothing else, written
    as names ("SQuAD", "RCV1", "FB15k-237", "ZJU-MoCap"): capitals or digits past the first
    letter, not words in title case (the lists hold tasks so written: "Scene Flow"), no
    generic abbreviation ("SOTA") and no member of a model family.

    They decide a mention's kind where a model is known to call datasets methods (see
    :class:`~kgraph.extract.select.Selector`).
    """
    return frozenset(
        e.surface for e in shipped_gazetteer()
        if e.kind is EntityKind.DATASET and e.source.startswith(NAMED_SOURCES) and is_name_like(e.surface)
        and not is_title_case_name(e.surface) and e.surface.upper() not in GENERIC_ACRONYMS
        and not MODEL_FAMILY.fullmatch(e.surface))


@lru_cache(maxsize=1)
def shipped_places() -> frozenset[str]:
    """The place names packaged with kgraph (``kgraph/data/places.tsv.gz``, built by
    ``scripts/build_places.py``): countries, continents, states, provinces, big cities and
    the world's regions, as written."""
    with gzip.open(data_file("places.tsv.gz"), "rt", encoding="utf-8") as handle:
        return frozenset(line.split("\t", 1)[0] for line in handle if line.strip() and not line.startswith("#"))


class GazetteerMatcher:
    """spaCy component: known names -> ``doc.spans["gazetteer"]``, longest match wins.

    Title-case names found in lower case, and place names of several words ("Latin
    America", "Sub-Saharan Africa"), go to ``doc.spans[FOLDED]``: no candidates of their own,
    but taken whole where a model span cut them ("[Latin] America").
    """

    def __init__(self, nlp: Language, entries: Iterable[GazetteerEntry], places: Iterable[str] = ()):
        self.exact = PhraseMatcher(nlp.vocab, attr="ORTH")
        self.folded = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.title = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.places = PhraseMatcher(nlp.vocab, attr="ORTH")
        by_kind: dict[tuple[bool, EntityKind], list[str]] = {}
        titles: dict[EntityKind, list[str]] = {}
        for entry in entries:
            by_kind.setdefault((is_case_sensitive(entry.surface), entry.kind), []).append(entry.surface)
            if is_title_case_name(entry.surface):
                titles.setdefault(entry.kind, []).append(entry.surface)
        tokenizer: Any = nlp.tokenizer  # spaCy's Tokenizer has no stub
        for (case_sensitive, kind), surfaces in by_kind.items():
            matcher = self.exact if case_sensitive else self.folded
            matcher.add(kind.value, list(tokenizer.pipe(surfaces)))
        for kind, surfaces in titles.items():
            self.title.add(kind.value, list(tokenizer.pipe(surfaces)))
        several = [doc for doc in tokenizer.pipe(sorted(places)) if len(doc) > 1]
        if several:
            self.places.add(EntityKind.CONCEPT.value, several)

    def _spans(self, doc: Doc) -> Iterator[Span]:
        for matcher in (self.exact, self.folded):
            for match_id, start, end in matcher(doc):
                yield Span(doc, start, end, label=match_id)

    def __call__(self, doc: Doc) -> Doc:
        found = filter_spans(self._spans(doc))
        set_candidates(doc, "gazetteer", found, None)
        exact = {(span.start, span.end) for span in found}
        folded = [Span(doc, start, end, label=match_id)
                  for match_id, start, end in (*self.title(doc), *self.places(doc)) if (start, end) not in exact]
        set_candidates(doc, FOLDED, filter_spans(folded), None)
        return doc


#: Members of the model families abstracts name ("GPT-4o", "Qwen2.5", "Claude Opus 4.5",
#: "o3-mini"), as resolution keys write them: a Method whatever a gazetteer says. Released
#: families are newer than the Papers with Code lists, and a model tagging "evaluated on
#: Qwen2.5" may call them data. Words that are also plain English ("Phi", "Gemini") count
#: only with a version number.
MODEL_FAMILY = re.compile(
    r"(?i:gpt|llama|qwen|qwq|mistral|mixtral|gemma|deepseek|llava|internvl|vicuna)[\w.]*( [\w.]+){0,5}"
    r"|(?i:claude|gemini|phi|dino|dinov|t5|flan t5|grok|kimi|glm)[ -]?v?\d[\w.]*( [\w.]+){0,3}"
    # "Claude Opus 4.5", "Gemini 2.5 Pro": a family, a tier and a version; OpenAI's o-series
    # ("o1", "OpenAI o3-mini"); Codex (in a computer-science abstract, not a manuscript).
    # Keys come normalised: lower case for ordinary words, hyphens as spaces.
    r"|(?i:claude|gemini) (?i:opus|sonnet|haiku|pro|flash|ultra|nano)( [\w.]+){0,2}"
    # a Claude tier on its own with a decimal version ("Opus 4.6"; the OPUS corpus has none)
    r"|(?:Opus|Sonnet|Haiku) \d+\.\d+"
    r"|(?i:openai )?o[134](?:[ -](?i:mini|pro|preview|high|low))?"
    r"|(?i:openai )?(?i:codex)(?: [\w.]+)?"
)


def is_model_name(text: str) -> bool:
    """Whether ``text`` names a member of a known model family, hyphens read as spaces.

    >>> is_model_name("Claude-3.5-Sonnet"), is_model_name("Opus 4.7"), is_model_name("MATH-Hard")
    (True, True, False)
    """
    return bool(MODEL_FAMILY.fullmatch(text) or MODEL_FAMILY.fullmatch(text.replace("-", " ")))
