"""Match known names (Papers with Code, CSO) in text with spaCy's PhraseMatcher.

Names with capitals inside ("ResNet", "GQA", "ImageNet-1K") are matched case-sensitively
so "GQA" does not fire on an ordinary word; lower-case names match any casing.
"""

from __future__ import annotations

import gzip
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


class GazetteerMatcher:
    """spaCy component: known names -> ``doc.spans["gazetteer"]``, longest match wins."""

    def __init__(self, nlp: Language, entries: Iterable[GazetteerEntry]):
        self.exact = PhraseMatcher(nlp.vocab, attr="ORTH")
        self.folded = PhraseMatcher(nlp.vocab, attr="LOWER")
        by_kind: dict[tuple[bool, EntityKind], list[str]] = {}
        for entry in entries:
            by_kind.setdefault((is_case_sensitive(entry.surface), entry.kind), []).append(entry.surface)
        tokenizer: Any = nlp.tokenizer  # spaCy's Tokenizer has no stub
        for (case_sensitive, kind), surfaces in by_kind.items():
            matcher = self.exact if case_sensitive else self.folded
            matcher.add(kind.value, list(tokenizer.pipe(surfaces)))

    def _spans(self, doc: Doc) -> Iterator[Span]:
        for matcher in (self.exact, self.folded):
            for match_id, start, end in matcher(doc):
                yield Span(doc, start, end, label=match_id)

    def __call__(self, doc: Doc) -> Doc:
        set_candidates(doc, "gazetteer", filter_spans(self._spans(doc)), None)
        return doc
