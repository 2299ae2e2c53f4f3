"""Communities: groups of papers and entities that belong together, each named by its entities.

Detection runs on the build graph (papers, entities, mention edges of weight 1 and
paper–paper links with their IDF weight). igraph's Leiden (modularity) is the engine:
at the size of 100k papers (about 200k nodes, 1M edges) it takes seconds, where
networkx's Louvain takes minutes. networkx Louvain stays as the fallback when igraph is
missing and as the reference the tests compare against. Both run with a fixed seed on a
fixed node order, so a rebuild gives the same communities.

Communities are numbered by size, largest first (ties: the one whose first node comes
first), so community 0 is always the biggest one. Each is named by its most
characteristic entities: an entity scores ``inside**2 / papers``, the number of the
community's papers that mention it times the share of all its papers that lie in the
community — frequent *and* specific beats merely frequent.
"""

from __future__ import annotations

import itertools
import random
from array import array
from collections import Counter
from collections.abc import Collection, Hashable, Mapping, Sequence
from dataclasses import dataclass, field

import networkx as nx
import numpy as np

from ..errors import OptionError
from ..model import Entity, Link, Paper
from .build import entity_node
from .links import link_ends

SEED = 42
"""The seed every detection uses unless told otherwise: builds are reproducible."""
TOP_ENTITIES = 3
"""How many entities name a community."""
METHODS = ("auto", "leiden", "louvain")


@dataclass(frozen=True)
class Communities:
    """The community of every node of a build and what names each community.

    ``membership`` maps a node key (a paper id, or :func:`~kgraph.graph.build.entity_node`
    of an entity id) to its community number; ``top[c]`` holds the ids of community
    ``c``'s most characteristic entities and ``names[c]`` its display name.
    """

    membership: dict[str, int] = field(default_factory=dict)
    top: tuple[tuple[str, ...], ...] = ()
    names: tuple[str, ...] = ()
    method: str = ""

    def __len__(self) -> int:
        return len(self.names)

    def sizes(self) -> list[int]:
        """Number of nodes in each community, by community number."""
        counts = Counter(self.membership.values())
        return [counts[c] for c in range(len(self.names))]


def _resolve_method(method: str) -> str:
    if method not in METHODS:
        raise OptionError(f"unknown community method {method!r}; use one of {', '.join(METHODS)}")
    if method != "auto":
        return method
    try:
        import igraph  # noqa: F401  (only probing whether the fast engine is installed)
    except ImportError:
        return "louvain"
    return "leiden"


def canonical(membership: Sequence[int]) -> list[int]:
    """Renumber communities by size, largest first; ties keep first-appearance order.

    >>> canonical([5, 7, 7, 5, 9, 7])
    [1, 0, 0, 1, 2, 0]
    """
    sizes = Counter(membership)
    first: dict[int, int] = {}
    for i, c in enumerate(membership):
        first.setdefault(c, i)
    order = sorted(sizes, key=lambda c: (-sizes[c], first[c]))
    new = {c: i for i, c in enumerate(order)}
    return [new[c] for c in membership]


#: Edges handed to igraph at a time: each call re-indexes the graph so far, so few and large.
_EDGE_CHUNK = 1 << 22


def _leiden(n: int, edges: np.ndarray, weights: np.ndarray, seed: int, resolution: float) -> list[int]:
    import igraph as ig

    # igraph turns an edge array into Python pairs before it copies them (~130 bytes an
    # edge at once: 4 GB for the 32M edges of 10^6 papers); a slice at a time bounds that,
    # and the graph, its edge order included, is the same
    graph = ig.Graph(n=n)
    for lo in range(0, len(edges), _EDGE_CHUNK):
        graph.add_edges(edges[lo : lo + _EDGE_CHUNK])
    # igraph draws from a process-wide generator: give it a seeded one for this call only.
    # Two iterations (igraph's default): iterating to a fixed point doubled the time at
    # 1M edges for no gain in modularity on the benchmark graph.
    ig.set_random_number_generator(random.Random(seed))
    try:
        parts = graph.community_leiden(objective_function="modularity", weights=weights,
                                       resolution=resolution, n_iterations=2)
    finally:
        ig.set_random_number_generator(random)
    return list(parts.membership)


def _louvain(n: int, edges: np.ndarray, weights: np.ndarray, seed: int, resolution: float) -> list[int]:
    graph = nx.Graph()
    graph.add_nodes_from(range(n))
    graph.add_weighted_edges_from((u, v, w) for (u, v), w in zip(edges.tolist(), weights.tolist()))
    membership = [0] * n
    parts = nx.community.louvain_communities(graph, weight="weight", resolution=resolution, seed=seed)
    for c, part in enumerate(parts):
        for node in part:
            membership[node] = c
    return membership


def partition(
    n: int,
    edges: Sequence[tuple[int, int]] | np.ndarray,
    weights: Sequence[float] | np.ndarray,
    *,
    seed: int = SEED,
    resolution: float = 1.0,
    method: str = "auto",
) -> tuple[list[int], str]:
    """Communities of a graph given as node indices ``0..n-1`` and weighted edges.

    Parameters
    ----------
    n
        Number of nodes.
    edges, weights
        Undirected edges as index pairs (or an ``(m, 2)`` integer array), and one weight
        per edge.
    seed
        Seed of the random choices; the same input and seed give the same result.
    resolution
        Modularity resolution: higher gives more, smaller communities.
    method
        ``"leiden"`` (igraph), ``"louvain"`` (networkx) or ``"auto"`` (Leiden when
        igraph is installed).

    Returns
    -------
    tuple
        The community of each node (numbered by :func:`canonical`) and the method used.

    >>> partition(4, [(0, 1), (2, 3)], [1.0, 1.0], method="louvain")
    ([0, 0, 1, 1], 'louvain')
    """
    used = _resolve_method(method)
    if n == 0:
        return [], used
    run = _leiden if used == "leiden" else _louvain
    pairs = np.asarray(edges, dtype=np.int64).reshape(-1, 2)
    return canonical(run(n, pairs, np.asarray(weights, dtype=np.float64), seed, resolution)), used


def detect_communities(
    graph: nx.Graph,
    *,
    weight: str = "weight",
    seed: int = SEED,
    resolution: float = 1.0,
    method: str = "auto",
) -> dict[Hashable, int]:
    """Community number of every node of a networkx graph (see :func:`partition`).

    Edges without a ``weight`` attribute count 1.

    >>> g = nx.Graph([("a", "b"), ("b", "c"), ("a", "c"), ("x", "y"), ("y", "z"), ("x", "z"), ("c", "x")])
    >>> parts = detect_communities(g)
    >>> parts["a"] == parts["b"] == parts["c"] != parts["x"] == parts["y"] == parts["z"]
    True
    """
    nodes = list(graph)
    index = {node: i for i, node in enumerate(nodes)}
    edges, weights = [], []
    for u, v, attrs in graph.edges(data=True):
        edges.append((index[u], index[v]))
        weights.append(float(attrs.get(weight, 1.0)))
    membership, _ = partition(len(nodes), edges, weights, seed=seed, resolution=resolution, method=method)
    return dict(zip(nodes, membership))


def characteristic_entities(
    paper_community: Mapping[str, int],
    entity_community: Mapping[str, int],
    paper_entities: Mapping[str, Collection[str]],
    n_communities: int,
    *,
    top: int = TOP_ENTITIES,
) -> list[tuple[str, ...]]:
    """For each community, the ids of its ``top`` most characteristic member entities.

    Communities are given by paper id and by entity id. An entity scores
    ``inside**2 / papers`` (see the module docstring); ties go to the smaller id so the
    choice is stable.

    >>> characteristic_entities({"p1": 0, "p2": 0, "p3": 1}, {"a": 0, "b": 0, "c": 1},
    ...                         {"p1": {"a", "b"}, "p2": {"a"}, "p3": {"a", "c"}}, 2)
    [('a', 'b'), ('c',)]
    """
    inside: Counter[str] = Counter()
    total: Counter[str] = Counter()
    for paper, entity_ids in paper_entities.items():
        home = paper_community.get(paper)
        total.update(entity_ids)
        inside.update(e for e in entity_ids if entity_community.get(e) == home)
    ranked: list[list[tuple[float, str]]] = [[] for _ in range(n_communities)]
    for entity_id, count in inside.items():
        ranked[entity_community[entity_id]].append((-count * count / total[entity_id], entity_id))
    return [tuple(e for _, e in sorted(scores)[:top]) for scores in ranked]


def communities_of(
    papers: Sequence[Paper],
    entities: Sequence[Entity],
    paper_entities: Mapping[str, Collection[str]],
    links: Sequence[Link],
    *,
    seed: int = SEED,
    method: str = "auto",
    top: int = TOP_ENTITIES,
) -> Communities:
    """The communities of a build, straight from its records (no networkx graph needed).

    Nodes are the papers in their order, then the entities by id (the node order, and so
    the result, does not depend on set order); edges are one per
    (paper, entity) mentioned (weight 1) and one per link (its weight).
    """
    entity_ids = sorted(e.id for e in entities)
    index = {p.id: i for i, p in enumerate(papers)}
    at = {e: len(papers) + i for i, e in enumerate(entity_ids)}
    # edges as int64 columns: at 10^6 papers there are ~25M (paper, entity) edges, which
    # as a list of tuples took ~60 bytes each, as columns 16
    sources, targets = array("q"), array("q")
    for paper in papers:
        i = index[paper.id]
        mentioned = sorted(paper_entities.get(paper.id, ()))
        sources.extend(itertools.repeat(i, len(mentioned)))
        targets.extend(at[e] for e in mentioned)
    mentions = len(sources)
    link_sources, link_targets, link_weights = link_ends(links, index)
    edges = np.empty((mentions + len(link_sources), 2), dtype=np.int64)
    edges[:mentions, 0] = np.frombuffer(sources, dtype=np.int64)
    edges[:mentions, 1] = np.frombuffer(targets, dtype=np.int64)
    edges[mentions:, 0], edges[mentions:, 1] = link_sources, link_targets
    weights = np.concatenate((np.ones(mentions), link_weights))
    del sources, targets, link_sources, link_targets
    numbers, used = partition(len(papers) + len(entity_ids), edges, weights, seed=seed, method=method)
    paper_community = {p.id: numbers[i] for i, p in enumerate(papers)}
    entity_community = {e: numbers[i] for e, i in at.items()}
    membership = paper_community | {entity_node(e): c for e, c in entity_community.items()}
    n_communities = max(numbers, default=-1) + 1
    top_ids = characteristic_entities(paper_community, entity_community, paper_entities, n_communities, top=top)
    label = {e.id: e.label for e in entities}
    first_paper: dict[int, str] = {}
    for paper in papers:
        first_paper.setdefault(paper_community[paper.id], paper.title)
    names = tuple(" · ".join(label[e] for e in ids) if ids else first_paper.get(c, f"community {c}")
                  for c, ids in enumerate(top_ids))
    return Communities(membership, tuple(top_ids), names, used)


def annotate(graph: nx.Graph, communities: Communities) -> nx.Graph:
    """Put ``community`` (its number) and ``community_label`` on the graph's nodes; returns the graph."""
    for node, attrs in graph.nodes(data=True):
        c = communities.membership.get(node)
        if c is not None:
            attrs["community"] = c
            attrs["community_label"] = communities.names[c]
    return graph
