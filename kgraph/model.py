"""The words of the house: frozen records that flow between the stages.

``readers`` make :class:`Paper`; ``extract`` makes :class:`Mention`; ``resolve`` groups
mentions into :class:`Entity`; ``graph`` derives :class:`Link` between papers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


class EntityKind(str, Enum):
    """The five kinds of entity kgraph puts in the graph."""

    METHOD = "Method"
    DATASET = "Dataset"
    TASK = "Task"
    METRIC = "Metric"
    CONCEPT = "Concept"

    def __str__(self) -> str:  # so f-strings and CSV show "Method", not "EntityKind.METHOD"
        return self.value


class Field(str, Enum):
    """The part of a paper a mention was found in; offsets are relative to it."""

    TITLE = "title"
    ABSTRACT = "abstract"

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True, slots=True)
class SourceRef:
    """Where a record came from: a file and the 1-based line (or record number) it starts at."""

    path: str
    line: int | None = None

    def __str__(self) -> str:
        return f"{self.path}:{self.line}" if self.line is not None else self.path


@dataclass(frozen=True, slots=True)
class Paper:
    """One paper, as read from any input format.

    ``id`` is stable across runs: the DOI or arXiv id when known, else a hash of the
    normalised title (see :func:`kgraph.readers.ids.paper_id`).
    """

    id: str
    title: str
    abstract: str
    year: int | None = None
    authors: tuple[str, ...] = ()
    doi: str | None = None
    arxiv_id: str | None = None
    url: str | None = None
    venue: str | None = None
    sources: tuple[SourceRef, ...] = ()
    month: int | None = None  # 1-12, only where the record or the arXiv id says (never guessed)

    def text(self, part: Field) -> str:
        """The title or the abstract, the text a mention's offsets point into."""
        return self.title if part is Field.TITLE else self.abstract


@dataclass(frozen=True, slots=True)
class Mention:
    """A span of a paper's title or abstract that names an entity.

    ``start``/``end`` are character offsets into ``paper.text(field)`` (end exclusive),
    ``sentence`` is the 0-based sentence index within that field.
    ``label`` is the extractor's own label (e.g. SciERC ``Material``; ``Dataset`` where the
    fast tier's selection takes a listed dataset name over the model's label) and ``kind``
    the graph's entity kind it maps to. ``sentence_span`` gives the character offsets of the
    sentence the mention is in (same text as ``start``/``end``).
    """

    paper_id: str
    field: Field
    start: int
    end: int
    text: str
    kind: EntityKind
    sentence: int
    extractor: str
    confidence: float = 1.0
    label: str = ""
    sentence_span: tuple[int, int] | None = None


@dataclass(frozen=True, slots=True)
class Entity:
    """One real thing (a method, dataset, ...) that mentions were resolved to.

    ``key`` is the normalised form every variant shares; ``id`` is derived from the key
    so it is stable across builds. ``merged_by`` says how variants were merged
    (normalisation, acronym, gazetteer, thesaurus); ``exact_match`` holds IRIs of the
    same concept in known vocabularies (e.g. a Papers with Code method page).
    ``expansion`` is the long form of an acronym ("Bilingual Evaluation Understudy" for
    BLEU). ``generic`` says the entity is a generic word rather than a named thing
    ("training data"), with the ``evidence`` for that judgement (see
    :mod:`kgraph.resolve.specificity`); generic entities link no papers.
    """

    id: str
    kind: EntityKind
    label: str
    key: str
    alt_labels: tuple[str, ...] = ()
    merged_by: tuple[str, ...] = ()
    exact_match: tuple[str, ...] = ()
    expansion: str = ""
    generic: bool = False
    evidence: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Link:
    """A paper–paper link explained by the entities both papers mention."""

    source: str
    target: str
    weight: float
    shared: tuple[str, ...] = field(default=())


@dataclass(frozen=True, slots=True)
class Relation:
    """A typed, directed relation one sentence of a paper states between two of its mentions.

    ``head`` and ``tail`` are the character offsets of the two mentions in
    ``paper.text(field)``; ``label`` is a SciERC relation name (``USED-FOR``,
    ``EVALUATE-FOR``, ...), read "head label tail" ("CRF USED-FOR NER").
    ``confidence`` is the relation model's probability.
    """

    paper_id: str
    field: Field
    head: tuple[int, int]
    tail: tuple[int, int]
    label: str
    confidence: float
    sentence_span: tuple[int, int]
    extractor: str = "relations"


RESULT_KINDS = ("absolute", "improvement")


@dataclass(frozen=True, slots=True)
class Result:
    """A number an abstract reports: a method measured on a dataset with a metric.

    ``value`` is written as in the text ("92.3", "+2.1", "18-25%") at ``start``/``end``
    in the abstract; ``kind`` is ``absolute`` (a score) or ``improvement`` (a gain or a
    reduction). ``metric``/``dataset``/``method`` are the words the abstract uses ("" when
    it names none; ``method`` is "ours" for the paper's own unnamed method) and each
    ``*_span`` the offsets of the mention it came from (None when no mention: the
    entity graph then has no node for it).
    """

    paper_id: str
    value: str
    start: int
    end: int
    kind: str
    metric: str = ""
    dataset: str = ""
    method: str = ""
    sentence_span: tuple[int, int] = (0, 0)
    metric_span: tuple[int, int] | None = None
    dataset_span: tuple[int, int] | None = None
    method_span: tuple[int, int] | None = None
