from __future__ import annotations

from dataclasses import replace

import networkx as nx

from kgraph.export.graphml import write_graphml
from kgraph.graph.data import build_networkx_of


def _present(attrs: dict) -> dict:
    return {k: "; ".join(v) if isinstance(v, (list, tuple)) else v for k, v in attrs.items() if v not in (None, "", [], ())}


def test_streamed_graphml_is_the_networkx_view(demo_kg, tmp_path):
    data = demo_kg.data
    write_graphml(data, tmp_path / "g.graphml")
    read = nx.read_graphml(tmp_path / "g.graphml")
    expected = build_networkx_of(data)
    assert set(read.nodes) == set(expected.nodes)
    assert {frozenset(e) for e in read.edges} == {frozenset(e) for e in expected.edges}
    for node, attrs in expected.nodes(data=True):
        assert read.nodes[node] == _present(attrs)
    for u, v, attrs in expected.edges(data=True):
        assert read.edges[u, v] == _present(attrs)


def test_characters_xml_cannot_hold_are_dropped_not_fatal(demo_kg, tmp_path):
    data = demo_kg.data
    first = replace(data.papers[0], title="Vertical\x0btab and \x00null")
    broken = replace(data, papers=(first, *data.papers[1:]))
    write_graphml(broken, tmp_path / "g.graphml")
    assert nx.read_graphml(tmp_path / "g.graphml").nodes[first.id]["label"] == "Verticaltab and null"


def test_markup_and_quotes_survive_in_text_and_ids(demo_kg, tmp_path):
    data = demo_kg.data
    title = 'A & B <b>bold</b> "quoted" \'single\'\r\nnew line\tand tab'
    first = replace(data.papers[0], id='odd "id" & <x>', title=title)
    mentions = tuple(replace(m, paper_id=first.id) if m.paper_id == data.papers[0].id else m for m in data.mentions)
    links = tuple(replace(l, source=first.id if l.source == data.papers[0].id else l.source,
                          target=first.id if l.target == data.papers[0].id else l.target) for l in data.links)
    odd = replace(data, papers=(first, *data.papers[1:]), mentions=mentions, links=links)
    write_graphml(odd, tmp_path / "g.graphml")
    read = nx.read_graphml(tmp_path / "g.graphml")
    assert read.nodes[first.id]["label"] == title
    assert read.degree(first.id) == build_networkx_of(odd).degree(first.id) > 0
