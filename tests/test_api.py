from __future__ import annotations

import json

import networkx as nx
import pytest

import kgraph
from kgraph.errors import BuildNotFoundError, KGraphError


def test_build_returns_a_queryable_graph(demo_kg):
    assert len(demo_kg.papers) == 13  # 14 records, one paper in both demo files
    datasets = [e.label for e in demo_kg.entities("Dataset")]
    assert "ImageNet" in datasets
    assert all(e.kind.value == "Dataset" for e in demo_kg.entities("Dataset"))


def test_related_explains_links(demo_kg):
    sparse = next(p for p in demo_kg.papers if p.title.startswith("Sparse Gaussian Splatting"))
    related = demo_kg.related(sparse.id, k=3)
    assert related and len(related) <= 3
    assert related == sorted(related, key=lambda r: -r.weight)
    top = related[0]
    assert "3D Gaussian Splatting" in [e.label for e in top.shared]
    # the explanation is true: both papers mention every shared entity
    for entity in top.shared:
        ids = {p.id for p in demo_kg.papers_with(entity)}
        assert {sparse.id, top.paper.id} <= ids


def test_papers_with_accepts_any_label(demo_kg):
    by_acronym = demo_kg.papers_with("LoRA")
    by_name = demo_kg.papers_with("low-rank adaptation")
    assert by_acronym == by_name and len(by_acronym) == 2
    with pytest.raises(KGraphError, match="no entity named"):
        demo_kg.papers_with("no such thing at all")


def test_networkx_view(demo_kg):
    graph = demo_kg.to_networkx()
    assert isinstance(graph, nx.Graph)
    papers = [n for n, d in graph.nodes(data=True) if d["type"] == "paper"]
    assert len(papers) == len(demo_kg.papers)
    related = [(u, v, d) for u, v, d in graph.edges(data=True) if d["type"] == "related"]
    assert len(related) == len(demo_kg.data.links)
    assert all(d["weight"] > 0 and d["shared"] for _, _, d in related)
    mentions = [d["count"] for _, _, d in graph.edges(data=True) if d["type"] == "mentions"]
    assert sum(mentions) == sum(1 for e in demo_kg.data.mention_entity if e)


def test_save_and_load_round_trip(demo_build, demo_kg):
    for name in ("graph.ttl", "graph.html", "graph.graphml", "kgraph.json"):
        assert (demo_build / name).stat().st_size > 0
    assert (demo_build / "store").is_dir()
    assert not list(demo_build.glob(".*.tmp")), "no temp files left behind"
    loaded = kgraph.load(demo_build)
    assert loaded.data.papers == demo_kg.data.papers
    assert loaded.data.mentions == demo_kg.data.mentions
    assert loaded.data.entities == demo_kg.data.entities
    assert loaded.data.links == demo_kg.data.links
    graphml = nx.read_graphml(demo_build / "graph.graphml")
    assert graphml.number_of_nodes() == demo_kg.to_networkx().number_of_nodes()


def test_load_reports_missing_or_foreign_builds(tmp_path):
    with pytest.raises(BuildNotFoundError, match="no kgraph build here"):
        kgraph.load(tmp_path)
    (tmp_path / "kgraph.json").write_text(json.dumps({"format": 999}))
    with pytest.raises(BuildNotFoundError, match="another kgraph version"):
        kgraph.load(tmp_path)


def test_import_is_lazy():
    import subprocess
    import sys

    code = "import sys, kgraph; print(any(m in sys.modules for m in ('spacy', 'rdflib', 'networkx', 'pyvis')))"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip() == "False"
