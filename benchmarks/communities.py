"""Community detection time at the size of 100k papers (about 200k nodes, 1M edges).

Synthetic records shaped like a build: 100k papers, 100k entities in ``papers / 500``
topics (Zipf-like popularity inside a topic, a few generic entities everywhere), eight
entity mentions per paper and two links per paper to papers of the same topic (links
are drawn, not computed: the linking stage has its own benchmark). Times
:func:`kgraph.graph.communities.communities_of` (edge list + igraph Leiden + naming)
with its parts, the networkx-facing :func:`detect_communities` on the same graph, and
networkx Louvain (the fallback) on a smaller graph for reference. Also checks how many
planted topics the communities recover.

Usage: python benchmarks/communities.py [--papers 100000] [--louvain-papers 10000]
"""

from __future__ import annotations

import argparse
import random
import time
from collections import Counter

import networkx as nx

from kgraph.graph.build import entity_node
from kgraph.graph.communities import communities_of, detect_communities, partition
from kgraph.model import Entity, EntityKind, Link, Paper

KINDS = [EntityKind.METHOD, EntityKind.DATASET, EntityKind.TASK, EntityKind.METRIC, EntityKind.CONCEPT]


def synthetic(n_papers: int, seed: int = 0) -> tuple[list[Paper], list[Entity], dict[str, set[str]], list[Link], list[int]]:
    """Papers, entities, paper -> entity ids, links, and each paper's planted topic."""
    rng = random.Random(seed)
    n_entities = n_papers
    n_topics = max(2, n_papers // 500)
    entities = [Entity(f"e{i}", KINDS[i % 5], f"entity {i}", f"entity {i}") for i in range(n_entities)]
    generic = [e.id for e in entities[:200]]
    topics = [[e.id for e in entities[200 + t :: n_topics]] for t in range(n_topics)]
    zipf = [[1 / (r + 1) for r in range(len(pool))] for pool in topics]
    papers, paper_entities, topic_of = [], {}, []
    members: list[list[int]] = [[] for _ in range(n_topics)]
    for p in range(n_papers):
        t = rng.randrange(n_topics)
        papers.append(Paper(f"p{p}", f"paper {p}", ""))
        paper_entities[f"p{p}"] = set(rng.choices(topics[t], zipf[t], k=7)) | {rng.choice(generic)}
        topic_of.append(t)
        members[t].append(p)
    links = []
    for p, t in enumerate(topic_of):
        for q in rng.sample(members[t], min(2, len(members[t]))):
            if q != p:
                links.append(Link(f"p{min(p, q)}", f"p{max(p, q)}", round(rng.uniform(1, 8), 2)))
    return papers, entities, paper_entities, list({(l.source, l.target): l for l in links}.values()), topic_of


def edge_list(papers, entities, paper_entities, links):
    keys = [p.id for p in papers] + sorted(entity_node(e.id) for e in entities)
    index = {k: i for i, k in enumerate(keys)}
    edges, weights = [], []
    for p in papers:
        for e in sorted(paper_entities[p.id]):
            edges.append((index[p.id], index[entity_node(e)]))
            weights.append(1.0)
    for l in links:
        edges.append((index[l.source], index[l.target]))
        weights.append(l.weight)
    return keys, edges, weights


def purity(topic_of: list[int], membership: dict[str, int]) -> float:
    """Share of papers whose community's most common planted topic is their own."""
    by_community: dict[int, Counter] = {}
    for p, t in enumerate(topic_of):
        by_community.setdefault(membership[f"p{p}"], Counter())[t] += 1
    return sum(c.most_common(1)[0][1] for c in by_community.values()) / len(topic_of)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=int, default=100_000)
    parser.add_argument("--louvain-papers", type=int, default=10_000, help="size for the networkx Louvain reference (0: skip)")
    args = parser.parse_args()

    papers, entities, paper_entities, links, topic_of = synthetic(args.papers)
    keys, edges, weights = edge_list(papers, entities, paper_entities, links)
    print(f"graph: {len(papers):,} papers, {len(keys):,} nodes, {len(edges):,} edges, {max(topic_of) + 1} planted topics")

    start = time.perf_counter()
    found = communities_of(papers, entities, paper_entities, links)
    total = time.perf_counter() - start
    start = time.perf_counter()
    again, _ = partition(len(keys), edges, weights, method="leiden")
    leiden = time.perf_counter() - start
    same = again == [found.membership[k] for k in keys]
    print(f"communities_of ({found.method}): {total:.2f}s in all; igraph Leiden alone {leiden:.2f}s; "
          f"{len(found):,} communities, largest {max(found.sizes()):,}; paper purity {purity(topic_of, found.membership):.3f}; "
          f"same result on a second run: {same}")

    graph = nx.Graph()
    graph.add_nodes_from(keys)
    graph.add_weighted_edges_from((keys[u], keys[v], w) for (u, v), w in zip(edges, weights))
    start = time.perf_counter()
    detect_communities(graph)
    print(f"detect_communities on the networkx graph (conversion + Leiden): {time.perf_counter() - start:.2f}s")

    if args.louvain_papers:
        small = synthetic(args.louvain_papers)
        skeys, sedges, sweights = edge_list(*small[:4])
        for method in ("leiden", "louvain"):
            start = time.perf_counter()
            membership, _ = partition(len(skeys), sedges, sweights, method=method)
            elapsed = time.perf_counter() - start
            print(f"{method} on {args.louvain_papers:,} papers ({len(skeys):,} nodes, {len(sedges):,} edges): {elapsed:.2f}s, "
                  f"purity {purity(small[4], dict(zip(skeys, membership))):.3f}")


if __name__ == "__main__":
    main()
