"""Paper–paper links through shared entities, weighted so rare entities count most.

A link's weight is the sum, over the entities both papers mention, of the entity's
inverse document frequency ``log((N + 1) / (df + 1))``: two papers sharing a niche
dataset are more related than two papers that both say "neural network". Entities in
more than ``max_df`` of the papers explain nothing and are skipped — which also keeps
the number of candidate pairs from growing with the square of the corpus. Each paper
keeps its ``top_k`` strongest links.
"""

from __future__ import annotations

import heapq
import math
from collections import defaultdict
from collections.abc import Collection, Mapping

from ..model import Link


def idf(df: int, n_papers: int) -> float:
    """Inverse document frequency of an entity mentioned by ``df`` of ``n_papers`` papers.

    >>> round(idf(1, 99), 3), idf(99, 99)
    (3.912, 0.0)
    """
    return math.log((n_papers + 1) / (df + 1))


def paper_links(
    paper_entities: Mapping[str, Collection[str]],
    *,
    top_k: int = 10,
    max_df: float = 0.25,
    min_weight: float = 0.0,
) -> list[Link]:
    """Links between papers that share entities.

    Parameters
    ----------
    paper_entities
        Paper id -> ids of the entities it mentions.
    top_k
        Each paper keeps its ``top_k`` strongest links (a link stays when it is in the
        top ``k`` of either end).
    max_df
        Entities mentioned by more than this fraction of papers (or, when > 1, this
        many papers) are not used to link.
    min_weight
        Drop links lighter than this.

    Returns
    -------
    list[Link]
        Sorted by (source, target); ``source < target``; ``shared`` ordered from the
        rarest entity to the commonest.

    Examples
    --------
    >>> links = paper_links({"a": {"x", "y"}, "b": {"x", "y"}, "c": {"y"}, "d": {"z"}}, max_df=1.0)
    >>> [(l.source, l.target, l.shared) for l in links]
    [('a', 'b', ('x', 'y')), ('a', 'c', ('y',)), ('b', 'c', ('y',))]
    """
    n = len(paper_entities)
    cap = max_df if max_df > 1 else max(2, math.floor(max_df * n))
    papers_of: dict[str, list[str]] = defaultdict(list)
    for paper, entities in paper_entities.items():
        for entity in entities:
            papers_of[entity].append(paper)
    weights: dict[tuple[str, str], float] = defaultdict(float)
    shared: dict[tuple[str, str], list[str]] = defaultdict(list)
    entity_idf = {}
    for entity, papers in papers_of.items():
        if len(papers) < 2 or len(papers) > cap:
            continue
        w = entity_idf[entity] = idf(len(papers), n)
        papers.sort()
        for i, a in enumerate(papers):
            for b in papers[i + 1 :]:
                weights[(a, b)] += w
                shared[(a, b)].append(entity)
    best: dict[str, list[tuple[float, tuple[str, str]]]] = defaultdict(list)
    for pair, w in weights.items():
        if w < min_weight:
            continue
        for end in pair:
            heap = best[end]
            item = (w, pair)
            if len(heap) < top_k:
                heapq.heappush(heap, item)
            elif item > heap[0]:
                heapq.heapreplace(heap, item)
    kept = {pair for heap in best.values() for _, pair in heap}
    return [
        Link(a, b, round(weights[(a, b)], 6), tuple(sorted(shared[(a, b)], key=lambda e: (-entity_idf[e], e))))
        for a, b in sorted(kept)
    ]
