"""Communities: two obvious clusters are found, named by their own entities, reproducibly."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest

from kgraph.graph.build import entity_node
from kgraph.graph.communities import annotate, canonical, communities_of, detect_communities, partition
from kgraph.model import Entity, EntityKind, Link, Paper


def two_cliques() -> nx.Graph:
    """Two 5-cliques joined by one light edge."""
    graph = nx.Graph()
    for group in ("a", "b"):
        names = [f"{group}{i}" for i in range(5)]
        graph.add_edges_from(((u, v) for i, u in enumerate(names) for v in names[i + 1 :]), weight=2.0)
    graph.add_edge("a0", "b0", weight=0.1)
    return graph


@pytest.mark.parametrize("method", ["leiden", "louvain"])
def test_two_cliques_are_two_communities(method):
    parts = detect_communities(two_cliques(), method=method)
    assert len(set(parts.values())) == 2
    assert len({parts[f"a{i}"] for i in range(5)}) == 1
    assert len({parts[f"b{i}"] for i in range(5)}) == 1
    assert parts["a0"] != parts["b0"]


def test_leiden_and_louvain_agree_on_the_clusters():
    graph = two_cliques()
    graph.add_edges_from([("b4", "c0"), ("c0", "c1"), ("c1", "c2"), ("c0", "c2"), ("c2", "c3"), ("c1", "c3"), ("c0", "c3")])
    leiden = detect_communities(graph, method="leiden")
    louvain = detect_communities(graph, method="louvain")
    # numbering is canonical (largest first, then first node), so equal partitions are equal dicts
    assert leiden == louvain
    assert sorted(set(leiden.values())) == [0, 1, 2]


def test_canonical_numbers_largest_first():
    assert canonical([3, 3, 1, 2, 2, 2]) == [1, 1, 2, 0, 0, 0]
    assert partition(0, [], []) == ([], partition(0, [], [])[1])


def test_unknown_method_is_refused():
    with pytest.raises(ValueError, match="unknown community method"):
        detect_communities(two_cliques(), method="spectral")


def corpus() -> tuple[list[Paper], list[Entity], dict[str, set[str]], list[Link]]:
    """Three diffusion papers, three graph papers; every paper says "neural network"."""
    def ent(i: str, label: str, kind: EntityKind = EntityKind.METHOD) -> Entity:
        return Entity(i, kind, label, label.lower())

    entities = [ent("nn", "neural network", EntityKind.CONCEPT), ent("ddpm", "DDPM"), ent("unet", "U-Net"),
                ent("fid", "FID", EntityKind.METRIC), ent("gnn", "GNN"), ent("gcn", "GCN"), ent("cora", "Cora", EntityKind.DATASET),
                ent("lonely", "a one-off term")]
    papers = [Paper(f"p{i}", f"Paper {i}", "") for i in range(6)]
    paper_entities = {f"p{i}": {"nn", "ddpm", "unet", "fid"} for i in range(3)}
    paper_entities |= {f"p{i}": {"nn", "gnn", "gcn", "cora"} for i in range(3, 6)}
    paper_entities["p5"].add("lonely")
    links = [Link(f"p{i}", f"p{j}", 3.0, ()) for i, j in [(0, 1), (1, 2), (0, 2), (3, 4), (4, 5), (3, 5)]]
    return papers, entities, paper_entities, links


def test_build_communities_split_the_topics_and_name_them_by_their_own_entities():
    papers, entities, paper_entities, links = corpus()
    found = communities_of(papers, entities, paper_entities, links)
    m = found.membership
    assert len(found) == 2
    assert m["p0"] == m["p1"] == m["p2"] == m[entity_node("ddpm")] == m[entity_node("fid")]
    assert m["p3"] == m["p4"] == m["p5"] == m[entity_node("gcn")] == m[entity_node("lonely")]
    assert m["p0"] != m["p3"]
    diffusion, graphs = m["p0"], m["p3"]
    assert set(found.top[diffusion]) == {"ddpm", "unet", "fid"}
    assert set(found.top[graphs]) == {"gnn", "gcn", "cora"}  # not the generic "neural network", nor the one-off
    assert "DDPM" in found.names[diffusion] and "GCN" in found.names[graphs]
    assert sum(found.sizes()) == len(papers) + len(entities)
    assert found.sizes()[0] >= found.sizes()[1]


@pytest.mark.slow
def test_build_communities_same_result_in_fresh_processes():
    # hash randomisation changes set order: the result must not depend on it
    code = ("import json, sys; sys.path.insert(0, 'tests'); from graph.test_communities import corpus;"
            "from kgraph.graph.communities import communities_of;"
            "c = communities_of(*corpus()); print(json.dumps([c.membership, c.names]))")
    outputs = set()
    for hash_seed in ("1", "2", "3"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        outputs.add(subprocess.run([sys.executable, "-c", code], env=env, cwd=Path(__file__).parents[2], capture_output=True, text=True, check=True).stdout)
    assert len(outputs) == 1
    membership, names = json.loads(outputs.pop())
    assert len(names) == 2 and len(membership) == 14


def test_annotate_puts_number_and_name_on_nodes():
    papers, entities, paper_entities, links = corpus()
    found = communities_of(papers, entities, paper_entities, links)
    graph = nx.Graph([("p0", entity_node("ddpm")), ("p3", "not-in-build")])
    annotate(graph, found)
    assert graph.nodes["p0"]["community"] == found.membership["p0"]
    assert graph.nodes[entity_node("ddpm")]["community_label"] == found.names[found.membership["p0"]]
    assert "community" not in graph.nodes["not-in-build"]


def test_leiden_builds_the_same_graph_a_slice_of_edges_at_a_time(monkeypatch):
    # the edges reach igraph in slices (memory): any slicing gives the graph, and so the
    # communities, of handing them over at once
    import numpy as np

    from kgraph.graph import communities

    rng = np.random.default_rng(3)
    edges = np.column_stack((rng.integers(0, 60, 400), rng.integers(0, 60, 400))).astype(np.int64)
    weights = rng.uniform(0.1, 2.0, 400)
    whole = partition(60, edges, weights, method="leiden")
    monkeypatch.setattr(communities, "_EDGE_CHUNK", 7)
    assert partition(60, edges, weights, method="leiden") == whole
    assert len(set(whole[0])) > 1
