"""Aggregates materialised at build time so the canned SPARQL queries stay fast.

"Top entities of a type" and "what co-occurs with X" are GROUP BY/ORDER BY queries over
every mention of an entity: 0.2–1.4 s at 100k papers in the embedded store, for a
common entity. They are computed here once per build (sparse products, block by block,
memory linear in the corpus) and written to the RDF as plain facts (``kg:kindRank``,
``kg:Cooccurrence`` resources) that the queries read with index lookups.
"""

from __future__ import annotations

import heapq
from collections.abc import Collection, Mapping
from dataclasses import dataclass

from ..model import Entity, EntityKind

MIN_PAPERS = 10
"""Co-occurrences are materialised for entities in at least this many papers. Below it
the canned queries count them live from ``kg:mentions``, which costs about what reading
the materialised facts does (on a 10k-paper build: 1.2 ms for an entity in 2 papers,
2.7 ms in 9, 5.3 ms in 19, 86 ms in 414, ~0.2 ms per paper). Materialising every entity
in two or more papers had made co-occurrences a third of the triples of a 100k build."""

RANKED = 1000
"""Entities ranked per kind: "top entities" reads ranks 1..limit by a scan of the rank
facts, so only the head is written (a real 50k-paper build has ~700k entities)."""

YEAR_RANKED = 200
"""Entities ranked per kind and year (:func:`year_rankings`). "Top entities in a range of
years" sums the years of the entities ranked in at least one of them: 200 a year kept it
at ~30 ms on a 50k-paper build (1000: ~100 ms; summing every entity-year: 2-16 s)."""


def prominence(entity: Entity, papers: int, mentions: int) -> tuple[int, int, int, str, str]:
    """Sort key of an entity in a ranked list: more papers first; at equal papers, more
    mentions; then a known name (``"known"`` evidence) before one written as a name
    (``"name"``) before a descriptive phrase; then label and id, so the order is total.

    Why not the label alone at a tie: in a small corpus most of a kind's list ties at one
    or two papers, and an alphabetical tail ("anomaly score", "approximating power",
    "aspect ratio") is what a reader would then see first.

    >>> from kgraph.model import Entity, EntityKind
    >>> a = Entity("a", EntityKind.METRIC, "aspect ratio", "aspect ratio")
    >>> m = Entity("m", EntityKind.METRIC, "MAE", "MAE", evidence=("name", "known"))
    >>> sorted([a, m], key=lambda e: prominence(e, 1, 2))[0].label
    'MAE'
    >>> sorted([a, m], key=lambda e: prominence(e, 1, 3 if e is a else 2))[0].label
    'aspect ratio'
    """
    evidence = entity.evidence
    named = 2 if "known" in evidence else 1 if "name" in evidence else 0
    return -papers, -mentions, -named, entity.label.casefold(), entity.id


def kind_ranks(entities: Collection[Entity], paper_count: Mapping[str, int],
               mention_count: Mapping[str, int] | None = None, *, top: int = RANKED) -> dict[str, int]:
    """Rank (1 = most prominent, see :func:`prominence`) of the first ``top`` entities of each kind.

    >>> from kgraph.model import Entity, EntityKind
    >>> a, b, c = (Entity(i, EntityKind.METHOD, i.upper(), i) for i in "abc")
    >>> kind_ranks([a, b, c], {"a": 1, "b": 5, "c": 1})
    {'b': 1, 'a': 2, 'c': 3}
    >>> kind_ranks([a, b, c], {"a": 1, "b": 5, "c": 1}, {"c": 2})
    {'b': 1, 'c': 2, 'a': 3}
    >>> kind_ranks([a, b, c], {"a": 1, "b": 5, "c": 1}, top=1)
    {'b': 1}
    """
    mention_count = mention_count or {}
    ranks: dict[str, int] = {}
    by_kind: dict[EntityKind, list[Entity]] = {}
    for entity in entities:
        by_kind.setdefault(entity.kind, []).append(entity)
    for members in by_kind.values():
        members.sort(key=lambda e: prominence(e, paper_count.get(e.id, 0), mention_count.get(e.id, 0)))
        ranks.update((e.id, rank) for rank, e in enumerate(members[:top], start=1))
    return ranks


@dataclass(frozen=True)
class YearRanking:
    """The leading entities of one kind in one year, ``(entity id, papers that year)`` in
    rank order, and ``floor``: the most papers any entity left out has that year (0 when
    none is left out)."""

    ranked: tuple[tuple[str, int], ...]
    floor: int


def year_rankings(entities: Collection[Entity], years_of: Mapping[str, Mapping[int, int]], *,
                  top: int | None = None, order: Mapping[str, int] | None = None,
                  ) -> dict[tuple[EntityKind, int], YearRanking]:
    """For each kind and year, its first ``top`` (default :data:`YEAR_RANKED`) entities by
    papers of that year; ties by ``order`` (an entity's position in the whole build's
    ranking, see :func:`prominence`), then label and id.

    An entity left out of a year's ranking has at most ``floor`` papers that year, so the
    top entities of a range of years are found among those ranked in one of its years
    whenever they have more papers than the floors together (the canned query
    ``top-in-years`` relies on it).

    >>> from kgraph.model import Entity, EntityKind
    >>> a, b, c = (Entity(i, EntityKind.METHOD, i.upper(), i) for i in "abc")
    >>> rankings = year_rankings([a, b, c], {"a": {2020: 1, 2021: 3}, "b": {2020: 2}, "c": {2021: 3}}, top=1)
    >>> rankings[EntityKind.METHOD, 2020]
    YearRanking(ranked=(('b', 2),), floor=1)
    >>> rankings[EntityKind.METHOD, 2021]
    YearRanking(ranked=(('a', 3),), floor=3)
    """
    top = YEAR_RANKED if top is None else top
    position, unranked = order or {}, len(order or ())
    members: dict[tuple[EntityKind, int], list[Entity]] = {}
    for entity in entities:
        for year in years_of.get(entity.id, ()):
            members.setdefault((entity.kind, year), []).append(entity)
    def tie_order(e: Entity) -> tuple[int, str, str]:
        return position.get(e.id, unranked), e.label, e.id

    out: dict[tuple[EntityKind, int], YearRanking] = {}
    for key in sorted(members, key=lambda k: (k[0].value, k[1])):
        year = key[1]
        # by papers that year, most first, then in tie order: the entities of a count are
        # ordered only while the ranking still needs some of them (most of a kind's tens of
        # thousands have one paper a year, and a ranking of 200 rarely reaches them)
        by_count: dict[int, list[Entity]] = {}
        for entity in members[key]:
            by_count.setdefault(years_of[entity.id][year], []).append(entity)
        ranked: list[Entity] = []
        for count in sorted(by_count, reverse=True):
            need = top + 1 - len(ranked)
            if need <= 0:
                break
            ranked.extend(heapq.nsmallest(need, by_count[count], key=tie_order))
        floor = years_of[ranked[top].id][year] if len(ranked) > top else 0
        out[key] = YearRanking(tuple((e.id, years_of[e.id][year]) for e in ranked[:top]), floor)
    return out


def top_cooccurring(
    papers_of: Mapping[str, Collection[str]],
    kind_of: Mapping[str, EntityKind],
    *,
    top: int = 20,
    also: Mapping[EntityKind, EntityKind] | None = None,
    min_papers: int = MIN_PAPERS,
    block_rows: int = 1024,
) -> dict[str, list[tuple[str, int]]]:
    """For each entity in at least ``min_papers`` papers, the entities sharing most papers with it.

    Each entity keeps its ``top`` partners overall and, when its kind is a key of
    ``also`` (by default Dataset -> Method), its ``top`` partners of that other kind, so
    "what co-occurs with X" and "methods used with dataset D" are both exact up to
    ``top`` rows. Entities in fewer papers are left out: the queries count theirs live
    (see :data:`MIN_PAPERS`).

    Parameters
    ----------
    papers_of
        Entity id -> ids of the papers mentioning it.
    kind_of
        Entity id -> kind.

    Returns
    -------
    dict
        Entity id -> ``(other entity id, shared papers)``, most shared first, ties by id.

    Examples
    --------
    >>> from kgraph.model import EntityKind as K
    >>> papers = {"bert": ["p1", "p2", "p3"], "glue": ["p1", "p2"], "squad": ["p3"], "lora": ["p2"], "f1": ["p1", "p2"]}
    >>> kinds = {"bert": K.METHOD, "glue": K.DATASET, "squad": K.DATASET, "lora": K.METHOD, "f1": K.METRIC}
    >>> top_cooccurring(papers, kinds, top=1, min_papers=2)
    {'bert': [('f1', 2)], 'f1': [('bert', 2)], 'glue': [('bert', 2)]}
    """
    import numpy as np
    from scipy import sparse

    also = {EntityKind.DATASET: EntityKind.METHOD} if also is None else also
    entities = sorted(papers_of)
    paper_index: dict[str, int] = {}
    rows, cols = [], []
    for i, entity in enumerate(entities):
        for paper in set(papers_of[entity]):
            rows.append(i)
            cols.append(paper_index.setdefault(paper, len(paper_index)))
    if not rows:
        return {}
    incidence = sparse.csr_matrix((np.ones(len(rows), dtype=np.int32), (rows, cols)),
                                  shape=(len(entities), len(paper_index)))
    kinds = list(EntityKind)
    kind_column = np.array([kinds.index(kind_of[e]) for e in entities])
    counts = np.asarray(incidence.sum(axis=1)).ravel()
    wanted = np.flatnonzero(counts >= min_papers)
    transposed = incidence.T.tocsr()
    result: dict[str, list[tuple[str, int]]] = {}
    for lo in range(0, len(wanted), block_rows):
        chunk = wanted[lo : lo + block_rows]
        block = (incidence[chunk] @ transposed).tocsr()
        for r, i in enumerate(chunk.tolist()):
            start, end = block.indptr[r], block.indptr[r + 1]
            others, shared = block.indices[start:end], block.data[start:end]
            mask = others != i
            others, shared = others[mask], shared[mask]
            if not len(others):
                continue
            order = np.lexsort((others, -shared))  # most shared first, ties by entity order
            chosen = order[:top]
            partner = also.get(kinds[kind_column[i]])
            if partner is not None:
                of_kind = order[kind_column[others[order]] == kinds.index(partner)][:top]
                chosen = np.union1d(chosen, of_kind)
                chosen = chosen[np.lexsort((others[chosen], -shared[chosen]))]
            result[entities[i]] = [(entities[j], int(n))
                                   for j, n in zip(others[chosen].tolist(), shared[chosen].tolist())]
    return result
