"""The networkx view of a build: paper and entity nodes, mention and related edges."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import networkx as nx

from ..model import Entity, Link, Paper

PAPER = "paper"


def entity_node(entity_id: str) -> str:
    """Node key of an entity (papers use their own id)."""
    return f"entity:{entity_id}"


def build_networkx(
    papers: Sequence[Paper],
    entities: Sequence[Entity],
    mention_pairs: Sequence[tuple[str, str]],
    links: Sequence[Link],
) -> nx.Graph:
    """An undirected graph of the build.

    Nodes carry ``type`` (``paper`` or the entity kind) and ``label``; paper nodes also
    ``year`` and ``url``. Paper–entity edges (``type="mentions"``) carry ``count``, the
    number of mentions; paper–paper edges (``type="related"``) carry ``weight`` and
    ``shared``, the ids of the entities that explain them.

    ``mention_pairs`` holds one (paper id, entity id) per mention.
    """
    graph = nx.Graph()
    for paper in papers:
        graph.add_node(paper.id, type=PAPER, label=paper.title, year=paper.year, url=paper.url)
    for entity in entities:
        graph.add_node(entity_node(entity.id), type=entity.kind.value, label=entity.label,
                       alt_labels=list(entity.alt_labels))
    for (paper_id, entity_id), count in Counter(mention_pairs).items():
        graph.add_edge(paper_id, entity_node(entity_id), type="mentions", count=count)
    for link in links:
        graph.add_edge(link.source, link.target, type="related", weight=link.weight, shared=list(link.shared))
    return graph
