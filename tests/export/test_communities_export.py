"""Communities travel into kgraph.json (and back) and into the GraphML attributes."""

from __future__ import annotations

import networkx as nx

import kgraph
from kgraph.export.jsondata import from_json, to_json
from kgraph.graph.build import entity_node


def test_build_has_communities_named_by_entities(demo_kg):
    found = demo_kg.data.communities
    assert found.method in ("leiden", "louvain")
    assert len(found) >= 2
    assert set(found.membership) == {p.id for p in demo_kg.papers} | {entity_node(e.id) for e in demo_kg.entities()}
    labels = {e.id: e.label for e in demo_kg.entities()}
    assert found.names[0] == " · ".join(labels[e] for e in found.top[0])


def test_json_round_trip_keeps_communities(demo_kg):
    obj = to_json(demo_kg.data)
    assert obj["communities"]["list"][0]["size"] == max(demo_kg.data.communities.sizes())
    assert from_json(obj).communities == demo_kg.data.communities


def test_json_without_communities_still_loads(demo_kg):
    obj = to_json(demo_kg.data)
    del obj["communities"]
    assert len(from_json(obj).communities) == 0


def test_graphml_nodes_carry_community(demo_build, demo_kg):
    graph = nx.read_graphml(demo_build / "graph.graphml")
    found = demo_kg.data.communities
    paper = demo_kg.papers[0].id
    assert graph.nodes[paper]["community"] == found.membership[paper]
    assert graph.nodes[paper]["community_label"] == found.names[found.membership[paper]]


def test_reloaded_build_has_the_same_communities(demo_build, demo_kg):
    assert kgraph.load(demo_build).data.communities == demo_kg.data.communities
