"""Paper–paper links through shared entities, weighted so rare entities count most.

A link's weight is the sum, over the entities both papers mention, of the entity's
inverse document frequency ``log((N + 1) / (df + 1))``: two papers sharing a niche
dataset are more related than two papers that both say "neural network". Entities in
more than ``max_df`` of the papers explain nothing and are skipped. Entities in more than
``pair_df`` papers add their weight to a link but do not make one: two papers are
candidates only when they share a rarer entity, which keeps the candidate pairs from
growing with the square of the corpus (an entity in 10 % of a million papers alone makes
10^10 pairs). Each paper keeps its ``top_k`` strongest links.

The links come as a :class:`LinkTable`: numpy columns that make :class:`~kgraph.model.Link`
objects when read. A million abstracts have about seven million links; as objects (each
with its weight and a tuple of shared entity ids) they took 2.1 GB, as columns ~0.3 GB.
"""

from __future__ import annotations

import math
from array import array
from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from typing import Any, overload

import numpy as np

from ..mentions import ColumnTable
from ..model import Link

_CHUNK = 65_536  # links made into Python values at a time while iterating


class LinkTable(ColumnTable[Link]):
    """An immutable sequence of links stored in numpy columns.

    ``source`` and ``target`` index ``papers``; link ``i`` shares the entities
    ``names[shared[bounds[i]:bounds[i + 1]]]``. Equal to any sequence holding the same
    links in the same order, a tuple included.

    >>> table = LinkTable.of([Link("a", "b", 1.5, ("x", "y")), Link("a", "c", 0.5, ("y",))])
    >>> len(table), table[1], list(table) == [Link("a", "b", 1.5, ("x", "y")), Link("a", "c", 0.5, ("y",))]
    (2, Link(source='a', target='c', weight=0.5, shared=('y',)), True)
    """

    __slots__ = ("_bounds", "_names", "_papers", "_shared", "_source", "_target", "_weight")
    _noun = "links"

    def __init__(self, source: np.ndarray, target: np.ndarray, weight: np.ndarray, bounds: np.ndarray,
                 shared: np.ndarray, papers: Sequence[str], names: Sequence[str]) -> None:
        if not len(source) == len(target) == len(weight) == len(bounds) - 1:
            raise ValueError("link columns of different lengths")
        self._source, self._target, self._weight = source, target, weight
        self._bounds, self._shared = bounds, shared
        self._papers, self._names = tuple(papers), tuple(names)

    @classmethod
    def of(cls, links: Iterable[Link]) -> LinkTable:
        """A table of ``links``, in order."""
        if isinstance(links, LinkTable):
            return links
        papers: dict[str, int] = {}
        names: dict[str, int] = {}
        source, target, weight, shared = array("i"), array("i"), array("d"), array("i")
        bounds = array("q", [0])
        for link in links:
            source.append(papers.setdefault(link.source, len(papers)))
            target.append(papers.setdefault(link.target, len(papers)))
            weight.append(link.weight)
            shared.extend(names.setdefault(name, len(names)) for name in link.shared)
            bounds.append(len(shared))
        return cls(np.frombuffer(source, dtype=np.int32), np.frombuffer(target, dtype=np.int32),
                   np.frombuffer(weight, dtype=np.float64), np.frombuffer(bounds, dtype=np.int64),
                   np.frombuffer(shared, dtype=np.int32), list(papers), list(names))

    def __len__(self) -> int:
        return len(self._source)

    @overload
    def __getitem__(self, index: int) -> Link: ...

    @overload
    def __getitem__(self, index: slice) -> list[Link]: ...

    def __getitem__(self, index: int | slice) -> Link | list[Link]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        n = len(self)
        if not -n <= index < n:
            raise IndexError(f"link index {index} out of range for a table of {n}")
        i = index % n
        names = self._names
        lo, hi = int(self._bounds[i]), int(self._bounds[i + 1])
        return Link(self._papers[self._source[i]], self._papers[self._target[i]], float(self._weight[i]),
                    tuple(names[j] for j in self._shared[lo:hi].tolist()))

    def __iter__(self) -> Iterator[Link]:
        for lo in range(0, len(self), _CHUNK):
            yield from self.take(np.arange(lo, min(lo + _CHUNK, len(self))))

    def take(self, indices: Sequence[int] | np.ndarray) -> list[Link]:
        """``[self[i] for i in indices]``, made a column at a time (``indices`` in range)."""
        rows = np.asarray(indices, dtype=np.int64)
        starts, ends = self._bounds[rows], self._bounds[rows + 1]
        # the shared entities of every row, one after the other, and where each row's begin
        lengths = ends - starts
        offsets = np.zeros(len(rows) + 1, dtype=np.int64)
        np.cumsum(lengths, out=offsets[1:])
        within = np.arange(offsets[-1]) - np.repeat(offsets[:-1] - starts, lengths)
        shared, at = self._shared[within].tolist(), offsets.tolist()
        papers, names = self._papers, self._names
        return [Link(papers[s], papers[t], w, tuple(names[j] for j in shared[at[r] : at[r + 1]]))
                for r, (s, t, w) in enumerate(zip(self._source[rows].tolist(), self._target[rows].tolist(),
                                                  self._weight[rows].tolist()))]

    def touching(self, paper_id: str) -> list[Link]:
        """The links with ``paper_id`` at either end, in table order (found in the columns)."""
        try:
            number = self._papers.index(paper_id)
        except ValueError:
            return []
        return self.take(np.flatnonzero((self._source == number) | (self._target == number)))

    def ends(self, index: Mapping[str, int]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The links' sources and targets as numbers (``index[paper id]``), and their weights.

        Read from the columns: no Link object or Python number is made.
        """
        number = np.fromiter((index[paper] for paper in self._papers), dtype=np.int64, count=len(self._papers))
        return number[self._source], number[self._target], self._weight

    def __reduce__(self) -> tuple[Any, ...]:
        return LinkTable, (self._source, self._target, self._weight, self._bounds, self._shared,
                           self._papers, self._names)


def links_of(links: Sequence[Link], paper_id: str) -> list[Link]:
    """The links with ``paper_id`` at either end, in order (without reading every link of a
    :class:`LinkTable` into an object).

    >>> links_of([Link("a", "b", 1.0), Link("b", "c", 2.0), Link("c", "d", 0.5)], "b")
    [Link(source='a', target='b', weight=1.0, shared=()), Link(source='b', target='c', weight=2.0, shared=())]
    """
    if isinstance(links, LinkTable):
        return links.touching(paper_id)
    return [link for link in links if paper_id in (link.source, link.target)]


def take_links(links: Sequence[Link], indices: Sequence[int] | np.ndarray) -> list[Link]:
    """``[links[i] for i in indices]``, a column at a time where ``links`` is a :class:`LinkTable`."""
    if isinstance(links, LinkTable):
        return links.take(indices)
    return [links[i] for i in np.asarray(indices, dtype=np.int64).tolist()]


def link_ends(links: Sequence[Link], index: Mapping[str, int]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The sources and targets of ``links`` as numbers (``index[paper id]``), and their
    weights, as arrays (from the columns of a :class:`LinkTable`, without a Link object).

    >>> [a.tolist() for a in link_ends([Link("a", "b", 0.5)], {"a": 0, "b": 1})]
    [[0], [1], [0.5]]
    """
    if isinstance(links, LinkTable):
        return links.ends(index)
    return (np.array([index[link.source] for link in links], dtype=np.int64),
            np.array([index[link.target] for link in links], dtype=np.int64),
            np.array([link.weight for link in links], dtype=np.float64))


def idf(df: int, n_papers: int) -> float:
    """Inverse document frequency of an entity mentioned by ``df`` of ``n_papers`` papers.

    >>> round(idf(1, 99), 3), idf(99, 99)
    (3.912, 0.0)
    """
    return math.log((n_papers + 1) / (df + 1))


#: Default ``pair_df`` of :func:`paper_links`: a count, not a share, so that a paper's
#: candidate pairs stay bounded however large the corpus. On the 50k arXiv abstracts it
#: binds for 4 entities ("LLM" in 11,835 papers alone was 80 % of the product's work) and
#: changes 827 of 369,075 links; 13 papers that share only such entities lose their links.
#: On those abstracts replicated to 10^6 the link stage took 267 s, against ~4 h without.
PAIR_DF = 1_000


def _add_common_weight(block: Any, lo: int, common_weighted: Any, common: Any, chunk: int = 1 << 18) -> None:
    """Add to ``block`` (rows ``lo…`` against all papers), in place and at its nonzero pairs
    only, the weight of the common entities those pairs share.

    Gathered pair by pair in chunks: the common entities' own product is what costs.
    """
    coo = block.tocoo()  # the same entries in the same order as ``block.data``
    rows, cols = coo.row.astype(np.int64) + lo, coo.col.astype(np.int64)
    for start in range(0, len(rows), chunk):
        r, c = rows[start : start + chunk], cols[start : start + chunk]
        block.data[start : start + chunk] += np.asarray(common_weighted[r].multiply(common[c]).sum(axis=1)).ravel()


def paper_links(
    paper_entities: Mapping[str, Collection[str]],
    *,
    top_k: int = 10,
    max_df: float = 0.25,
    pair_df: int | None = PAIR_DF,
    min_weight: float = 0.0,
    block_rows: int = 2048,
) -> LinkTable:
    """Links between papers that share entities.

    Parameters
    ----------
    paper_entities
        Paper id -> ids of the entities it mentions.
    top_k
        Each paper keeps its ``top_k`` strongest links (a link stays when it is in the
        top ``k`` of either end; ties broken by paper order).
    max_df
        Entities mentioned by more than this fraction of papers (or, when > 1, this
        many papers) are not used to link.
    pair_df
        Entities mentioned by more than this many papers (and no more than ``max_df``)
        add their weight to the links of papers that also share a rarer entity but make
        no link on their own; ``None``: every linking entity makes links. The links differ
        from ``None``'s only for pairs of papers that share nothing but such entities.
    min_weight
        Drop links lighter than this.
    block_rows
        Papers scored per block: bounds memory whatever the corpus size.

    Returns
    -------
    LinkTable
        Sorted by (source, target); ``source < target``; ``shared`` ordered from the
        rarest entity to the commonest.

    Notes
    -----
    Scores are a sparse product ``(X · diag(idf)) · Xᵀ`` computed block by block, where
    ``X`` is the paper × entity incidence matrix restricted to entities with
    ``2 <= df <= cap``; only each row's top ``k`` survive a block, so memory stays
    linear in the corpus (a Python pair loop went quadratic on a hub entity). The
    product's work is the sum of the squared frequencies of the entities it runs over, so
    with ``pair_df`` binding it runs over the entities up to ``pair_df`` only, and the
    commoner ones' weight is added to the pairs it found, pair by pair.

    Examples
    --------
    >>> links = paper_links({"a": {"x", "y"}, "b": {"x", "y"}, "c": {"y"}, "d": {"z"}}, max_df=1.0)
    >>> [(l.source, l.target, l.shared) for l in links]
    [('a', 'b', ('x', 'y')), ('a', 'c', ('y',)), ('b', 'c', ('y',))]

    With ``pair_df=2`` the entity of three papers, ``y``, still weighs in ``a``–``b`` but
    links ``c`` to nothing:

    >>> links = paper_links({"a": {"x", "y"}, "b": {"x", "y"}, "c": {"y"}, "d": {"z"}}, max_df=1.0, pair_df=2)
    >>> [(l.source, l.target, l.shared) for l in links]
    [('a', 'b', ('x', 'y'))]
    """
    from scipy import sparse

    papers = sorted(paper_entities)
    n = len(papers)
    cap = max_df if max_df > 1 else max(2, math.floor(max_df * n))
    df: dict[str, int] = defaultdict(int)
    for entities in paper_entities.values():
        for entity in set(entities):
            df[entity] += 1
    linking = sorted(e for e, count in df.items() if 2 <= count <= cap)
    if not linking:
        return LinkTable.of(())
    column = {e: j for j, e in enumerate(linking)}
    entity_idf = np.array([idf(df[e], n) for e in linking])
    rows, cols = array("i"), array("i")  # compact: one entry per (paper, entity) of the corpus
    for i, paper in enumerate(papers):
        for entity in set(paper_entities[paper]):
            j = column.get(entity)
            if j is not None:
                rows.append(i)
                cols.append(j)
    incidence = sparse.csr_matrix((np.ones(len(rows)), (np.frombuffer(rows, dtype=np.int32),
                                                        np.frombuffer(cols, dtype=np.int32))), shape=(n, len(linking)))
    weighted = incidence.multiply(entity_idf).tocsr()
    above = [j for j, e in enumerate(linking) if pair_df is not None and df[e] > pair_df]
    # the entities above pair_df as (idf-weighted, plain) columns, or None: the plain
    # product over every linking entity (and its sums' order)
    common, pairing = None, incidence
    if above:
        kept = np.setdiff1d(np.arange(len(linking)), above)
        common = (weighted[:, above].tocsr(), incidence[:, above].tocsr())
        weighted, pairing = weighted[:, kept].tocsr(), incidence[:, kept]
    transposed = pairing.T.tocsr()
    # each row's kept pairs as (low, high, weight) in three compact columns, not a dict of
    # tuples: at a million papers ~10M pairs cost 1.4 GB as Python objects, 200 MB here
    lows, highs, scored = array("q"), array("q"), array("d")
    for lo in range(0, n, block_rows):
        block = (weighted[lo : lo + block_rows] @ transposed).tocsr()
        if common is not None:
            _add_common_weight(block, lo, *common)
        for r in range(block.shape[0]):
            i = lo + r
            start, end = block.indptr[r], block.indptr[r + 1]
            others, scores = block.indices[start:end], block.data[start:end]
            mask = (others != i) & (scores > 0) & (scores >= min_weight)
            others, scores = others[mask], scores[mask]
            if len(others) > top_k:
                # the k-th score bounds the candidates (a partition is linear; rows can
                # hold thousands), then strongest first, equal weights keep the earlier paper
                floor = np.partition(scores, len(scores) - top_k)[len(scores) - top_k]
                near = scores >= floor
                others, scores = others[near], scores[near]
                order = np.lexsort((others, -scores))[:top_k]
                others, scores = others[order], scores[order]
            lows.extend(np.minimum(others, i).tolist())
            highs.extend(np.maximum(others, i).tolist())
            scored.extend(scores.tolist())
    # a pair kept from both ends counts once, with the score of the later row (the two sums
    # may differ in the last bit), in (source, target) order
    key = np.frombuffer(lows, dtype=np.int64) * n + np.frombuffer(highs, dtype=np.int64)
    _, last = np.unique(key[::-1], return_index=True)
    chosen = len(key) - 1 - last  # np.unique sorts: the pairs come out in key order
    source = np.frombuffer(lows, dtype=np.int64)[chosen].astype(np.int32)
    target = np.frombuffer(highs, dtype=np.int64)[chosen].astype(np.int32)
    weight = np.frombuffer(scored, dtype=np.float64)[chosen]
    del key, last, chosen, lows, highs, scored
    # shared entities, rarest first: with the columns ordered by (-idf, id), each row of
    # the element-wise product lists them in that order (a reordered copy: reordering the
    # scoring matrix itself would change the order its sums are taken in, and so ties)
    by_rarity = sorted(range(len(linking)), key=lambda j: (-entity_idf[j], linking[j]))
    ranked = incidence[:, by_rarity].tocsr()
    names = [linking[j] for j in by_rarity]
    counts, columns = [], []
    for lo in range(0, len(source), block_rows * 32):  # bounds the product's memory
        a, b = source[lo : lo + block_rows * 32], target[lo : lo + block_rows * 32]
        shared = ranked[a].multiply(ranked[b]).tocsr()
        shared.sort_indices()
        counts.append(np.diff(shared.indptr))
        columns.append(shared.indices.astype(np.int32))
        # Python's round (correctly rounded), not numpy's (scaled, off in the last bit at times)
        weight[lo : lo + block_rows * 32] = [round(w, 6) for w in weight[lo : lo + block_rows * 32].tolist()]
    bounds = np.zeros(len(source) + 1, dtype=np.int64)
    if counts:
        np.cumsum(np.concatenate(counts), out=bounds[1:])
    return LinkTable(source, target, weight, bounds, np.concatenate(columns) if columns else np.zeros(0, np.int32),
                     papers, names)
