"""GEXF 1.3: networkx reads back every node, edge and attribute, whatever the titles hold."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from statistics import mean

import networkx as nx
import pytest

from kgraph.export.gexf import NODE_ATTRIBUTES, write_gexf
from kgraph.graph.build import entity_node


@pytest.fixture
def read_back(tmp_path):
    def _read(data):
        write_gexf(data, tmp_path / "g.gexf")
        return nx.read_gexf(tmp_path / "g.gexf")

    return _read


def test_round_trip_keeps_nodes_edges_and_attributes(demo_kg, read_back):
    data = demo_kg.data
    graph = read_back(data)
    pairs = {(m.paper_id, e) for m, e in zip(data.mentions, data.mention_entity) if e}
    assert graph.number_of_nodes() == len(data.papers) + len(data.entities)
    assert graph.number_of_edges() == len(pairs) + len(data.links)
    dated = next(p for p in data.papers if p.year is not None)
    attrs = graph.nodes[dated.id]
    assert (attrs["label"], attrs["kind"], attrs["year"], attrs["papers"]) == (dated.title, "Paper", dated.year, 1)
    assert attrs["community"] == data.communities.membership[dated.id]
    assert attrs["community_label"] == data.communities.names[attrs["community"]]
    papers_of = data.papers_of_entity
    entity = max(data.entities, key=lambda e: (len(papers_of.get(e.id, ())), e.id))
    attrs = graph.nodes[entity_node(entity.id)]
    years = [data.paper_by_id[p].year for p in papers_of[entity.id] if data.paper_by_id[p].year is not None]
    assert (attrs["label"], attrs["kind"]) == (entity.label, entity.kind.value)
    assert attrs["papers"] == len(papers_of[entity.id])
    assert (attrs["year"], attrs["mean_year"]) == (min(years), pytest.approx(mean(years), abs=0.01))
    assert attrs["generic"] is entity.generic
    assert set(attrs["viz"]) == {"size", "color"}
    link = data.links[0]
    edge = graph.edges[link.source, link.target]
    labels = {e.id: e.label for e in data.entities}
    assert (edge["kind"], edge["weight"]) == ("related", pytest.approx(link.weight))
    assert edge["explanation"] == "; ".join(labels[e] for e in link.shared)
    counts = Counter((m.paper_id, e) for m, e in zip(data.mentions, data.mention_entity) if e)
    (paper_id, entity_id), count = counts.most_common(1)[0]
    assert graph.edges[paper_id, entity_node(entity_id)]["weight"] == count


def test_attributes_are_declared_for_gephi(demo_kg, tmp_path):
    write_gexf(demo_kg.data, tmp_path / "g.gexf")
    head = (tmp_path / "g.gexf").read_text(encoding="utf-8")[:3000]
    assert 'xmlns="http://gexf.net/1.3"' in head and 'version="1.3"' in head
    assert '<graph mode="static" defaultedgetype="undirected">' in head
    for title, kind in NODE_ATTRIBUTES.items():
        assert f'title="{title}" type="{kind}"' in head


def test_hostile_titles_and_labels_read_back_intact(demo_kg, read_back):
    data = demo_kg.data
    title = 'A & B <script>alert("x")</script> ]]> \'q\'\r\nline\ttab'
    first = replace(data.papers[0], title=title + "\x00\x0b\x1f")
    label = "<b>&amp;</b> \"entity\""
    entity = replace(data.entities[0], label=label)
    graph = read_back(replace(data, papers=(first, *data.papers[1:]), entities=(entity, *data.entities[1:])))
    assert graph.nodes[first.id]["label"] == title  # the control characters XML cannot hold are dropped
    assert graph.nodes[entity_node(entity.id)]["label"] == label


def test_a_build_without_years_or_communities(demo_kg, read_back):
    from kgraph.graph.communities import Communities

    data = demo_kg.data
    bare = replace(data, papers=tuple(replace(p, year=None) for p in data.papers), communities=Communities())
    graph = read_back(bare)
    assert graph.number_of_nodes() == len(data.papers) + len(data.entities)
    assert not any("year" in attrs or "community" in attrs for _, attrs in graph.nodes(data=True))


def test_cli_writes_gexf_by_extension_or_by_format(demo_build, demo_kg, tmp_path):
    from typer.testing import CliRunner

    from kgraph.cli import app

    runner = CliRunner()
    for args, path in ((["--to", str(tmp_path / "g.gexf")], tmp_path / "g.gexf"),
                       (["--to", str(tmp_path / "g.xml"), "--format", "gexf"], tmp_path / "g.xml")):
        result = runner.invoke(app, ["export", str(demo_build), *args])
        assert result.exit_code == 0, result.output
        assert nx.read_gexf(path).number_of_nodes() == len(demo_kg.data.papers) + len(demo_kg.data.entities)
