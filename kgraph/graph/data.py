"""Everything one build knows, as one frozen record that exporters and the API read."""

from __future__ import annotations

import itertools
import operator
from collections import Counter, defaultdict
from collections.abc import Container, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import networkx as nx
import numpy as np

from ..errors import KGraphError
from ..mentions import mention_column, paper_rows, rows_at
from ..model import Entity, EntityKind, Link, Mention, Paper, Relation, Result
from . import cooccurrence
from .build import build_networkx
from .communities import Communities, annotate
from .cooccurrence import YearRanking, kind_ranks, prominence, top_cooccurring, year_rankings
from .relations import EntityRelation, ResultRow, SpanKey, aggregate_relations, resolve_results
from .trends import Series, month_index, series, year_counts


@dataclass(frozen=True)
class GraphData:
    """Papers, mentions (with the entity each resolved to), entities and links of a build.

    ``mention_entity[i]`` is the id of the entity ``mentions[i]`` resolved to, or ``""``
    when a thesaurus removed the term. ``communities`` groups papers and entities (empty
    for data made without it). ``relations`` and ``results`` are what sentences state
    between two mentions and the numbers abstracts report (see :mod:`.relations`).
    """

    papers: tuple[Paper, ...]
    mentions: Sequence[Mention]  # a MentionTable from a build: a tuple would not fit memory at scale
    mention_entity: tuple[str, ...]
    entities: tuple[Entity, ...]
    links: Sequence[Link]  # a LinkTable from a build (see .links)
    ambiguous_acronyms: dict[str, tuple[str, ...]] = field(default_factory=dict)
    meta: dict[str, Any] = field(default_factory=dict)
    communities: Communities = field(default_factory=Communities)
    relations: tuple[Relation, ...] = ()
    results: tuple[Result, ...] = ()

    @cached_property
    def paper_by_id(self) -> dict[str, Paper]:
        return {p.id: p for p in self.papers}

    @cached_property
    def entity_by_id(self) -> dict[str, Entity]:
        return {e.id: e for e in self.entities}

    @cached_property
    def papers_of_entity(self) -> dict[str, list[str]]:
        """Entity id -> ids of the papers that mention it, in paper order."""
        order = {p.id: i for i, p in enumerate(self.papers)}
        out: dict[str, list[str]] = defaultdict(list)
        for paper_id in sorted(self.entities_of_paper, key=order.__getitem__):
            for entity in self.entities_of_paper[paper_id]:
                out[entity].append(paper_id)
        return dict(out)

    @cached_property
    def entities_of_paper(self) -> dict[str, tuple[str, ...]]:
        """Paper id -> ids of the entities it mentions, sorted."""
        return entities_by_paper(mention_column(self.mentions, "paper_id"), self.mention_entity)

    def adopt(self, values: Mapping[str, Any]) -> None:
        """Take cached properties (name -> value) worked out elsewhere on data equal to
        this in what they read (a build makes the rankings beside its linking, see
        :data:`LINK_FREE`), instead of computing them here."""
        for name, value in values.items():
            if not isinstance(getattr(type(self), name, None), cached_property):
                raise KGraphError(f"{name!r} is not a cached property of GraphData")
            self.__dict__[name] = value  # where cached_property keeps what it computed

    def build_indexes(self) -> None:
        """Make the paper/entity indexes now (before a fork, so that both processes share them)."""
        for name in ("papers_of_entity", "entities_of_paper"):
            getattr(self, name)  # a cached_property: computed here once, then kept on the instance

    @cached_property
    def mention_counts(self) -> Counter[str]:
        """Entity id -> number of mentions."""
        return Counter(e for e in self.mention_entity if e)

    @cached_property
    def specific_entities(self) -> tuple[Entity, ...]:
        """The entities that are not ``generic``, in entity order."""
        return tuple(e for e in self.entities if not e.generic)

    @cached_property
    def specific_papers_of_entity(self) -> dict[str, list[str]]:
        """:attr:`papers_of_entity` of the specific entities only (not ``generic``)."""
        specific = {e.id for e in self.specific_entities}
        return {e: ps for e, ps in self.papers_of_entity.items() if e in specific}

    @cached_property
    def prominence(self) -> dict[str, int]:
        """Entity id -> position in the build's ranking of all its entities (0 = most
        papers; ties by mentions, then names, see :func:`.cooccurrence.prominence`).
        Every ranked list (the API, ``kgraph stats``, ``kg:kindRank``, the page) follows it."""
        papers, mentions = self.papers_of_entity, self.mention_counts
        ordered = sorted(self.entities, key=lambda e: prominence(e, len(papers.get(e.id, ())), mentions[e.id]))
        return {e.id: i for i, e in enumerate(ordered)}

    @cached_property
    def kind_ranks(self) -> dict[str, int]:
        """Specific entity id -> rank among specific entities of its kind by papers
        (see :func:`.cooccurrence.kind_ranks`); generic entities have no rank."""
        counts = {e: len(ps) for e, ps in self.specific_papers_of_entity.items()}
        return kind_ranks(self.specific_entities, counts, self.mention_counts)

    @cached_property
    def year_totals(self) -> dict[int, int]:
        """Year -> papers of the corpus with that year (papers without one are not counted)."""
        return dict(sorted(Counter(p.year for p in self.papers if p.year is not None).items()))

    @cached_property
    def entity_years(self) -> dict[str, Counter[int]]:
        """Specific entity id -> its papers per year."""
        return year_counts(self.specific_papers_of_entity, self._year_of)

    @cached_property
    def year_rankings(self) -> dict[tuple[EntityKind, int], YearRanking]:
        """(kind, year) -> its leading specific entities that year (see
        :func:`.cooccurrence.year_rankings`)."""
        return year_rankings(self.specific_entities, self.entity_years, order=self.prominence)

    @cached_property
    def _year_of(self) -> dict[str, int | None]:
        return {p.id: p.year for p in self.papers}

    @cached_property
    def month_totals(self) -> dict[int, int]:
        """Month (:func:`.trends.month_index`) -> papers of the corpus dated to that month."""
        return dict(sorted(Counter(m for m in self._month_of.values() if m is not None).items()))

    @cached_property
    def _month_of(self) -> dict[str, int | None]:
        return {p.id: month_index(p.year, p.month) if p.year is not None and p.month else None for p in self.papers}

    @cached_property
    def entity_months(self) -> dict[str, Counter[int]]:
        """Specific entity id -> its papers per month (papers without a month not counted)."""
        return year_counts(self.specific_papers_of_entity, self._month_of)

    def period_totals(self, by: str = "year") -> dict[int, int]:
        """:attr:`year_totals` or :attr:`month_totals`, for ``by`` = ``"year"`` or ``"month"``."""
        return self.month_totals if by == "month" else self.year_totals

    def entity_periods(self, by: str = "year") -> dict[str, Counter[int]]:
        """:attr:`entity_years` or :attr:`entity_months`."""
        return self.entity_months if by == "month" else self.entity_years

    def entity_series(self, entity_id: str, by: str = "year") -> Series:
        """An entity's papers per year (or month), share, first and peak and bursts (see
        :mod:`.trends`); shared by the entities with the same counts: not to be changed."""
        counts = self.entity_periods(by).get(entity_id)
        if counts is None:  # a generic entity: counted the same way, on demand
            counts = year_counts({entity_id: self.papers_of_entity.get(entity_id, [])},
                                 self._month_of if by == "month" else self._year_of).get(entity_id, Counter())
        # a series is a function of the counts alone (the totals are the build's): most
        # entities share theirs with many others (one paper in 2024), so each is made once
        # (the RDF and kgraph.json each read one per entity: ~5 s at 50k papers otherwise).
        # The series is shared, and so not to be changed.
        profile = (by, *sorted(counts.items()))
        found = self._series_made.get(profile)
        if found is None:
            found = self._series_made[profile] = series(counts, self.period_totals(by))
        return found

    @cached_property
    def _series_made(self) -> dict[tuple[object, ...], Series]:
        return {}

    def span_entity(self) -> Mapping[SpanKey, str]:
        """(paper id, field, start, end) of each resolved mention -> its entity id.

        Made one paper at a time as it is looked up (relations and results come grouped by
        paper): a dict of every mention of the corpus cost ~250 bytes a mention, and even
        one of the papers with results alone held 1.4 GB at 10^6 abstracts.
        """
        return PaperSpans(self.mentions, self.mention_entity)

    @cached_property
    def entity_relations(self) -> list[EntityRelation]:
        """The corpus's relations between specific entities, most supported first."""
        return aggregate_relations(self.relations, self.span_entity(), {e.id for e in self.specific_entities})

    @cached_property
    def result_rows(self) -> list[ResultRow]:
        """Every result with its metric, dataset and method as specific entities ("" where none)."""
        return resolve_results(self.results, self.span_entity(), {e.id for e in self.specific_entities},
                               self.specific_entities)

    @cached_property
    def cooccurrence_min_papers(self) -> int:
        """The paper count from which co-occurrences are materialised (:data:`.cooccurrence.MIN_PAPERS`).

        Read once per build, so the RDF records the threshold :attr:`cooccurrences` used.
        """
        return cooccurrence.MIN_PAPERS

    @cached_property
    def cooccurrences(self) -> dict[str, list[tuple[str, int]]]:
        """Specific entity id -> top co-occurring specific entities per kind with shared
        papers, for the entities in at least :attr:`cooccurrence_min_papers` papers."""
        return top_cooccurring(self.specific_papers_of_entity, {e.id: e.kind for e in self.specific_entities},
                               min_papers=self.cooccurrence_min_papers)


#: Cached properties of :class:`GraphData` that read neither its links nor its communities
#: (nor its relations): the papers, mentions and entities alone. A build works them out
#: beside the linking (:meth:`GraphData.adopt`).
LINK_FREE = ("prominence", "kind_ranks", "year_rankings", "cooccurrences")


def link_free_properties(papers: Sequence[Paper], mentions: Sequence[Mention], mention_entity: tuple[str, ...],
                         entities: tuple[Entity, ...]) -> dict[str, Any]:
    """The :data:`LINK_FREE` properties of the build data made of these (links and communities to come)."""
    data = GraphData(tuple(papers), mentions, mention_entity, entities, ())
    return {name: getattr(data, name) for name in LINK_FREE}


class PaperSpans(Mapping[SpanKey, str]):
    """(paper id, field, start, end) -> entity id of the resolved mentions of ``mentions``
    (``mention_entity[i]`` is the entity of ``mentions[i]``, "" for none), with the spans
    of the paper looked up last kept: a lookup in another paper makes that paper's.

    >>> from kgraph.model import EntityKind, Field, Mention
    >>> m = [Mention("p", Field.ABSTRACT, 0, 3, "CRF", EntityKind.METHOD, 0, "rules")]
    >>> spans = PaperSpans(m, ("crf",))
    >>> spans[("p", Field.ABSTRACT, 0, 3)], spans.get(("q", Field.ABSTRACT, 0, 3)), len(spans)
    ('crf', None, 1)
    """

    def __init__(self, mentions: Sequence[Mention], mention_entity: Sequence[str]) -> None:
        self._mentions, self._entity = mentions, mention_entity
        self._paper: str | None = None
        self._spans: dict[SpanKey, str] = {}

    @cached_property
    def _rows(self) -> dict[str, np.ndarray]:
        # on the first lookup: a build without relations looks none up for them
        return paper_rows(self._mentions)

    def _of(self, paper_id: str) -> dict[SpanKey, str]:
        if paper_id != self._paper:
            indices = self._rows.get(paper_id)
            spans: dict[SpanKey, str] = {}
            if indices is not None:
                # three columns of the paper's rows, not a Mention per row: a 50k build
                # looks up the ends of 800k relations
                own = rows_at(self._mentions, indices)
                for i, at, start, end in zip(indices.tolist(), mention_column(own, "field"),
                                             mention_column(own, "start"), mention_column(own, "end")):
                    if entity := self._entity[i]:
                        spans[(paper_id, at, start, end)] = entity
            self._paper, self._spans = paper_id, spans
        return self._spans

    def __getitem__(self, key: SpanKey) -> str:
        return self._of(key[0])[key]

    def get(self, key: SpanKey, default: str | None = None) -> str | None:  # type: ignore[override]
        """The entity at ``key``, else ``default`` (without the KeyError that ``Mapping.get`` catches)."""
        return self._of(key[0]).get(key, default)

    def __iter__(self) -> Iterator[SpanKey]:
        for paper_id in self._rows:
            yield from self._of(paper_id)

    def __len__(self) -> int:
        return sum(1 for _ in self)


def entities_by_paper(paper_ids: Iterable[str], mention_entity: Iterable[str],
                      keep: Container[str] | None = None) -> dict[str, tuple[str, ...]]:
    """Paper id -> the sorted ids of the entities its mentions resolved to (those in ``keep``
    only, where given), from each mention's paper id and entity id ("" for none).

    Tuples, not sets: at a million papers a set per paper would take gigabytes. Mentions
    come grouped by paper from a build; a paper whose mentions are not together still
    gets all its entities.

    >>> entities_by_paper(["p", "p", "q", "p"], ["b", "a", "", "c"], keep={"a", "b"})
    {'p': ('a', 'b')}
    """
    out: dict[str, tuple[str, ...]] = {}
    for paper_id, pairs in itertools.groupby(zip(paper_ids, mention_entity), key=operator.itemgetter(0)):
        found = {e for _, e in pairs if e and (keep is None or e in keep)}
        if paper_id in out:
            found.update(out[paper_id])
        if found:
            out[paper_id] = tuple(sorted(found))
    return out


def build_networkx_of(data: GraphData) -> nx.Graph:
    """The networkx graph of a build's data: papers and entities, mentions and links, communities."""
    pairs = [(p, e) for p, e in zip(mention_column(data.mentions, "paper_id"), data.mention_entity) if e]
    return annotate(build_networkx(data.papers, data.entities, pairs, data.links), data.communities)
