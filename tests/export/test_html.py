"""The HTML view in a real browser (headless Chromium, network off)."""

from __future__ import annotations

import functools
import importlib.util
from pathlib import Path

import numpy as np
import pytest

from kgraph.export import html
from kgraph.export.html import (
    COLOURS,
    COMMUNITY_COLOURS,
    OVERVIEW_NODES,
    SPACING,
    VIEW_CAP,
    initial_layout,
    page_payload,
    render_html,
)
from kgraph.graph.build import entity_node
from kgraph.graph.communities import communities_of
from kgraph.graph.data import GraphData
from kgraph.model import Entity, EntityKind, Field, Link, Mention, Paper, Relation, Result


def test_page_renders_offline_without_any_request(open_page, demo_build, demo_kg):
    page, requests, errors = open_page(demo_build / "graph.html")
    state = page.evaluate("window.kgraphState")
    assert state["nodeCount"] == len(demo_kg.papers) + len(demo_kg.entities())
    assert state["edgeCount"] > 0
    # every visible node got a position on the canvas: the graph really was drawn
    visible = page.evaluate("window.kgraphNetwork.body.data.nodes.get({filter: n => !n.hidden}).map(n => n.id)")
    positions = page.evaluate("window.kgraphNetwork.getPositions()")
    assert len(visible) > len(demo_kg.papers)
    assert set(visible) <= set(positions)
    assert len({(round(p["x"]), round(p["y"])) for p in positions.values()}) > len(visible) // 2
    assert [r for r in requests if not r.startswith("file:")] == []
    assert errors == []


VISIBLE = "window.kgraphNetwork.body.data.nodes.get({filter: n => !n.hidden}).map(n => n.kind)"


def test_legend_filters_hide_kinds_without_blanking(open_page, demo_build):
    page, _, _ = open_page(demo_build / "graph.html")
    page.check("#show-singles")
    before = page.evaluate(VISIBLE)
    assert "Concept" in before and "Method" in before
    page.uncheck('input[data-kind="Concept"]')
    after = page.evaluate(VISIBLE)
    assert "Concept" not in after
    assert len(after) == len(before) - before.count("Concept") > 0
    page.check('input[data-kind="Concept"]')
    assert sorted(page.evaluate(VISIBLE)) == sorted(before)


def test_single_paper_entities_start_hidden_and_search_reveals_them(open_page, demo_build, demo_kg):
    page, _, _ = open_page(demo_build / "graph.html")
    singles = [e for e in demo_kg.entities() if len(demo_kg.data.papers_of_entity[e.id]) == 1]
    shared = [e for e in demo_kg.entities() if len(demo_kg.data.papers_of_entity[e.id]) > 1]
    visible = page.evaluate("window.kgraphNetwork.body.data.nodes.get({filter: n => !n.hidden}).map(n => n.id)")
    assert len(visible) == len(demo_kg.papers) + len(shared)
    target = singles[0]
    page.fill("#search", target.label)
    page.dispatch_event("#search", "change")
    assert page.inner_text("#details h2") == target.label
    assert page.evaluate(f"window.kgraphNetwork.body.data.nodes.get('entity:{target.id}').hidden") is False


def test_search_by_acronym_focuses_entity(open_page, demo_build):
    page, _, _ = open_page(demo_build / "graph.html")
    page.fill("#search", "3DGS")
    page.dispatch_event("#search", "change")
    assert page.inner_text("#details h2") == "3D Gaussian Splatting"
    assert "Sparse Gaussian Splatting" in page.inner_text("#details")
    # hyphens and case aside: the list of forms keeps one of "3D-Gaussian splatting" and this
    page.fill("#search", "3d-gaussian-splatting")
    page.dispatch_event("#search", "change")
    assert page.inner_text("#details h2") == "3D Gaussian Splatting"


PAYLOADS = [
    "<script>window.__pwned = 1</script>",
    "<img src=x onerror=\"window.__pwned = 2\">",
    "</script><script>window.__pwned = 3</script>",
    "\"'><svg onload=window.__pwned=4>",
]


def evil_data() -> GraphData:
    """A build made straight from records (readers may clean markup; the page must not rely on it)."""
    papers, mentions, mention_entity = [], [], []
    entities = [Entity(f"e{i}", EntityKind.METHOD, f"Net {p}", f"net{i}", (f"N{i} {p}",)) for i, p in enumerate(PAYLOADS)]
    for i, payload in enumerate(PAYLOADS):
        abstract = f"We study {payload} with Net. Again {payload}."
        papers.append(Paper(f"p{i}", f"Evil {i} {payload}", abstract, year=2024, url="javascript:window.__pwned=5"))
        for e, start in ((entities[i], 9), (entities[(i + 1) % len(PAYLOADS)], abstract.rindex(payload))):
            mentions.append(Mention(f"p{i}", Field.ABSTRACT, start, start + len(payload), payload, EntityKind.METHOD, 0, "test"))
            mention_entity.append(e.id)
    by_paper = {p.id: {e for m, e in zip(mentions, mention_entity) if m.paper_id == p.id} for p in papers}
    links = [Link("p0", "p1", 2.0, ("e1",))]
    return GraphData(tuple(papers), tuple(mentions), tuple(mention_entity), tuple(entities), tuple(links),
                     communities=communities_of(papers, entities, by_paper, links))


def test_untrusted_text_is_shown_literally_and_never_runs(tmp_path, open_page):
    data = evil_data()
    out = tmp_path / "graph.html"
    out.write_text(render_html(data, title="<b>evil</b>"), encoding="utf-8")
    page, requests, errors = open_page(out)
    page.check("#show-singles")
    page.evaluate("showNode('p0')")
    assert page.inner_text("#details h2") == data.papers[0].title
    assert PAYLOADS[0] in page.inner_text("#details")  # the abstract, marks included, shown as text
    assert page.locator("#details mark").count() == 2
    assert page.locator("#details a[href^='javascript']").count() == 0
    page.evaluate("showNode('entity:e1')")
    assert page.inner_text("#details h2") == data.entities[1].label
    assert data.entities[1].alt_labels[0] in page.inner_text("#details")
    # community names are made of entity labels: the legend shows them as text too
    assert any(p in page.inner_text("#communities") for p in PAYLOADS)
    page.fill("#search", "N2 ")
    page.dispatch_event("#search", "change")
    assert page.inner_text("#details h2") == data.entities[2].label
    page.click('#communities li a')
    page.wait_for_function("window.kgraphState.stabilized")
    assert page.evaluate("window.__pwned") is None
    # the only svg a panel draws is its own year chart; a payload's svg would have no such class
    assert page.locator("#details img, #details svg:not(.year-chart), #details script, #communities img, #communities svg").count() == 0
    assert page.title() == "<b>evil</b>"
    assert [r for r in requests if not r.startswith("file:")] == []
    assert errors == []


@functools.cache
def _benchmark(name: str):
    """A script of benchmarks/ as a module, so tests and benchmarks share what they build and measure."""
    path = Path(__file__).resolve().parents[2] / "benchmarks" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def synthetic_build(n_nodes: int) -> GraphData:
    """The benchmark's synthetic build (benchmarks/html_scale.py), so tests and benchmark see the same shape."""
    return _benchmark("html_scale").synthetic_build(n_nodes)


@pytest.fixture(scope="module")
def large_page(tmp_path_factory) -> tuple[GraphData, Path]:
    data = synthetic_build(2500)
    out = tmp_path_factory.mktemp("large") / "graph.html"
    out.write_text(render_html(data), encoding="utf-8")
    return data, out


def test_small_build_opens_on_the_whole_graph(demo_kg):
    payload = page_payload(demo_kg.data, "t")
    assert payload["mode"] == "full" and payload["overview"] is None
    assert [c["name"] for c in payload["communities"]] == list(demo_kg.data.communities.names)


def test_whole_graph_comes_laid_out_and_the_same_every_time(demo_kg):
    payload = page_payload(demo_kg.data, "t")
    moving = [n for n in payload["nodes"] if not n.get("single")]
    assert all(isinstance(n["x"], int) and isinstance(n["y"], int) for n in moving)
    assert not any("x" in n for n in payload["nodes"] if n.get("single"))  # out of the physics, placed on demand
    assert len({(n["x"], n["y"]) for n in moving}) > len(moving) * 0.9
    again = page_payload(demo_kg.data, "t")
    assert [(n.get("x"), n.get("y")) for n in again["nodes"]] == [(n.get("x"), n.get("y")) for n in payload["nodes"]]
    assert 0 < payload["polishIterations"] < 100


def test_initial_layout_keeps_unlinked_nodes_next_to_the_rest():
    ring = [(i, (i + 1) % 40) for i in range(40)] + [(i, (i + 7) % 40) for i in range(40)]
    coords = initial_layout(46, ring + [(44, 45)])  # 40, 41, 42, 43 link to nothing; 44-45 is a pair
    radius = np.hypot(*coords.T)
    assert radius[40:].max() < radius[:40].max() * 1.3
    assert np.hypot(*(coords[44] - coords[45])) < radius[:40].max()  # a small component stays together
    nearest = np.sort(np.hypot(*(coords[:, None] - coords[None]).transpose(2, 0, 1)), axis=1)[:, 1]
    assert np.median(nearest) == pytest.approx(SPACING)


def test_large_build_payload_has_an_overview_of_community_entities(large_page):
    data, _ = large_page
    payload = page_payload(data, "t")
    assert payload["mode"] == "overview"
    assert not any("x" in n for n in payload["nodes"])  # nothing laid out in Python for the overview
    ids = [payload["nodes"][i]["id"] for i in payload["overview"]["nodes"]]
    assert len(ids) == len(set(ids)) == OVERVIEW_NODES
    assert {entity_node(e) for e in data.communities.top[0]} <= set(ids)
    chosen = set(payload["overview"]["nodes"])
    assert payload["overview"]["edges"] and all(a in chosen and b in chosen and n >= 1 for a, b, n in payload["overview"]["edges"])
    xy = payload["overview"]["xy"]  # the map comes laid out: one position per entity, not all in one place
    assert len(xy) == len(ids) and len({tuple(p) for p in xy}) == len(ids)
    sizes = payload["overview"]["sizes"]  # by papers, within a range that leaves room for labels
    assert max(sizes) == html.MAP_SIZES[1] and min(sizes) >= html.MAP_SIZES[0] and len(set(sizes)) > 1


def _opening_view(page) -> dict:
    page.evaluate("void window.kgraphNetwork.redraw()")  # labels are measured when drawn
    page.wait_for_timeout(200)
    return page.evaluate(_benchmark("opening_view").OPENING)  # the probe benchmarks/opening_view.py reports


@pytest.mark.slow
def test_opening_view_is_a_readable_map(open_page, demo_build, large_page):
    """Both a small page (the whole graph) and a big one (the map) open readable: labels
    that do not overlap, big enough to read, the canvas used, and more labels on zooming in."""
    _, path = large_page
    for page_path, most in ((demo_build / "graph.html", 150), (path, OVERVIEW_NODES)):
        page, _, errors = open_page(page_path)
        view = _opening_view(page)
        assert 0 < view["visible"] <= most
        assert view["labels"] >= min(10, view["visible"]) and view["overlapping"] == 0
        assert view["minFont"] >= 10 and view["cut"] == 0  # pixels on screen, whatever the zoom; none cut off
        assert max(view["spanX"], view["spanY"]) > 0.75  # fitted to the canvas, not a blob in its middle
        page.evaluate("void window.kgraphNetwork.moveTo({ scale: window.kgraphNetwork.getScale() * 3 })")
        page.evaluate("void window.kgraphNetwork.emit('zoom', {})")  # what a wheel zoom reports
        page.wait_for_timeout(300)
        zoomed = _opening_view(page)  # closer, more of what is on screen has room for its label
        assert zoomed["overlapping"] == 0 and zoomed["minFont"] >= 10 and zoomed["cut"] == 0
        # (away from the sides: a node at the canvas's edge has no room for a whole label at any zoom)
        assert zoomed["innerShare"] > view["innerShare"] or view["innerShare"] == zoomed["innerShare"] == 1
        assert errors == []


NODE_COLOURS = "window.kgraphNetwork.body.data.nodes.get().map(n => [n.id, n.color])"


def test_colour_by_community(open_page, demo_build, demo_kg):
    page, _, errors = open_page(demo_build / "graph.html")
    found = demo_kg.data.communities
    by_type = dict(page.evaluate(NODE_COLOURS))
    assert by_type[demo_kg.papers[0].id] == COLOURS["Paper"]
    assert page.locator("#communities li").count() == min(len(found), len(COMMUNITY_COLOURS))
    assert found.names[0] in page.inner_text("#communities")
    page.check("#colour-community")
    by_community = dict(page.evaluate(NODE_COLOURS))
    for node, colour in by_community.items():
        c = found.membership[node]
        assert colour == (COMMUNITY_COLOURS[c] if c < len(COMMUNITY_COLOURS) else "#b8b8b8")
    assert len(set(by_community.values())) >= 2
    page.check("#colour-type")
    assert dict(page.evaluate(NODE_COLOURS)) == by_type
    assert errors == []


@pytest.mark.slow
def test_large_graph_opens_on_overview_and_search_reaches_any_node(open_page, large_page):
    data, path = large_page
    page, requests, errors = open_page(path)
    state = page.evaluate("window.kgraphState")
    assert state["mode"] == "overview" and state["colourBy"] == "community"
    assert state["nodeCount"] == len(data.papers) + len(data.entities) and state["viewNodes"] == OVERVIEW_NODES
    assert page.evaluate("window.kgraphNetwork.physics.options.enabled") is False  # laid out, then stopped
    paper = data.papers[-1]
    assert page.evaluate(f"window.kgraphNetwork.body.data.nodes.get({paper.id!r})") is None
    page.fill("#search", paper.title)
    page.dispatch_event("#search", "change")
    page.wait_for_function("window.kgraphState.stabilized && window.kgraphState.mode === 'neighbourhood'")
    assert page.inner_text("#details h2") == paper.title
    assert page.evaluate(f"window.kgraphNetwork.body.data.nodes.get({paper.id!r}).hidden") is False
    assert page.evaluate("window.kgraphNetwork.getSelectedNodes()") == [paper.id]
    page.click("#to-overview")
    page.wait_for_function("window.kgraphState.stabilized && window.kgraphState.mode === 'overview'")
    assert [r for r in requests if not r.startswith("file:")] == [] and errors == []


@pytest.mark.slow
def test_community_drill_down(open_page, large_page):
    data, path = large_page
    page, _, _ = open_page(path)
    page.click("#communities li:nth-child(2) a")
    page.wait_for_function("window.kgraphState.stabilized && window.kgraphState.mode === 'community'")
    shown = page.evaluate("window.kgraphNetwork.body.data.nodes.getIds()")
    assert 0 < len(shown) <= VIEW_CAP
    assert {data.communities.membership[n] for n in shown} == {1}
    assert page.evaluate("window.kgraphNetwork.physics.options.enabled") is False


@pytest.mark.slow
def test_big_page_leaves_out_single_paper_entities_but_still_marks_them(tmp_path, open_page, monkeypatch):
    data = synthetic_build(1000)
    monkeypatch.setattr(html, "ALL_ENTITIES_UP_TO", 100)
    payload = page_payload(data, "t")
    singles = {e.id for e in data.entities if len(data.papers_of_entity[e.id]) == 1}
    assert singles and payload["leftOut"] == len(singles)
    assert len(payload["nodes"]) == len(data.papers) + len(data.entities) - len(singles)
    assert not any(n.get("single") for n in payload["nodes"])
    assert all(max(pair) < len(payload["nodes"]) for pair in payload["mentions"])
    # a left-out entity's mention is still highlighted, by its kind
    kind_of = {e.id: e.kind.value for e in data.entities}
    paper = next(p for p in data.papers
                 if any(m.paper_id == p.id and e in singles for m, e in zip(data.mentions, data.mention_entity)))
    marks = payload["papers"][paper.id]["marks"]
    expected = sorted([m.start, m.end, -1, kind_of[e]] if e in singles else [m.start, m.end]
                      for m, e in zip(data.mentions, data.mention_entity) if m.paper_id == paper.id and m.field is Field.ABSTRACT)
    assert sorted(mark if mark[2] == -1 else mark[:2] for mark in marks) == expected
    out = tmp_path / "graph.html"
    out.write_text(render_html(data), encoding="utf-8")
    page, requests, errors = open_page(out)
    assert page.evaluate("window.kgraphState.nodeCount") == len(payload["nodes"])
    assert page.is_hidden("#show-singles")
    assert f"{len(singles):,} entities found in one paper only are not in this page" in page.inner_text("#singles-toggle")
    page.fill("#search", paper.title)
    page.dispatch_event("#search", "change")
    assert page.inner_text("#details h2") == paper.title
    titles = page.eval_on_selector_all("#details mark", "marks => marks.map(m => m.title)")
    assert len(titles) == len(marks) and kind_of[next(iter(singles & {e for m, e in zip(data.mentions, data.mention_entity)
                                                                        if m.paper_id == paper.id}))] in titles
    assert [r for r in requests if not r.startswith("file:")] == [] and errors == []


@pytest.mark.slow
def test_very_big_page_leaves_out_abstracts(tmp_path, open_page, monkeypatch):
    data = synthetic_build(1000)
    monkeypatch.setattr(html, "ABSTRACTS_UP_TO", 10)
    payload = page_payload(data, "t")
    assert all("abstract" not in p and "marks" not in p for p in payload["papers"].values())
    out = tmp_path / "graph.html"
    out.write_text(render_html(data), encoding="utf-8")
    page, _, errors = open_page(out)
    paper = data.papers[3]
    page.fill("#search", paper.title)
    page.dispatch_event("#search", "change")
    assert page.inner_text("#details h2") == paper.title
    assert "The abstract is not in this page" in page.inner_text("#details")
    assert paper.abstract[:40] not in page.inner_text("#details")
    assert errors == []


def relation_data() -> GraphData:
    """Two papers that state "Net USED-FOR Parsing" and report results on a dataset, in hostile words."""
    evil = PAYLOADS[1]
    entities = (Entity("net", EntityKind.METHOD, "Net", "net", alt_labels=("NET", "Neural Net", "neural net")),
                Entity("parsing", EntityKind.TASK, "Parsing", "parsing"),
                Entity("bank", EntityKind.DATASET, "Bank", "bank"), Entity("las", EntityKind.METRIC, "LAS", "las"))
    papers, mentions, mention_entity, relations, results = [], [], [], [], []
    for i in range(2):
        abstract = f"We use Net for Parsing {evil}. Net reaches 9{i}.5 LAS on Bank."
        second = abstract.index("Net reaches")
        papers.append(Paper(f"p{i}", f"Paper {i}", abstract, year=2020 + i))
        spans = [(7, 10, "net"), (15, 22, "parsing"), (second, second + 3, "net"),
                 (abstract.index("LAS"), abstract.index("LAS") + 3, "las"), (abstract.index("Bank"), len(abstract) - 1, "bank")]
        for start, end, entity in spans:
            sentence = (0, second - 1) if start < second else (second, len(abstract))
            kind = next(e.kind for e in entities if e.id == entity)
            mentions.append(Mention(f"p{i}", Field.ABSTRACT, start, end, abstract[start:end], kind, int(start >= second),
                                    "test", 1.0, kind.value, sentence))
            mention_entity.append(entity)
        relations.append(Relation(f"p{i}", Field.ABSTRACT, (7, 10), (15, 22), "USED-FOR", 0.8, (0, second - 1)))
        value = abstract.index("9")
        results.append(Result(f"p{i}", f"9{i}.5", value, value + 4, "absolute", "LAS", "Bank", f"ours {evil}",
                              (second, len(abstract)), spans[3][:2], spans[4][:2], None))
    by_paper = {p.id: {"net", "parsing", "bank", "las"} for p in papers}
    links = [Link("p0", "p1", 2.0, ("net",))]
    return GraphData(tuple(papers), tuple(mentions), tuple(mention_entity), entities, tuple(links),
                     communities=communities_of(papers, list(entities), by_paper, links),
                     relations=tuple(relations), results=tuple(results))


def test_an_entity_s_other_forms_are_listed_once_whatever_their_case():
    (net,) = [n for n in page_payload(relation_data(), "t")["nodes"] if n["id"] == "entity:net"]
    assert net["alt"] == ["Neural Net"]


def test_an_entity_panel_lists_typed_relations_and_a_dataset_its_results(tmp_path, open_page):
    out = tmp_path / "graph.html"
    out.write_text(render_html(relation_data()), encoding="utf-8")
    page, requests, errors = open_page(out)
    page.evaluate("showNode('entity:net')")
    panel = page.inner_text("#details")
    assert "Typed relations (1)" in panel and "USED-FOR" in panel and "2 paper(s)" in panel
    page.click("#details details summary")
    assert PAYLOADS[1] in page.inner_text("#details details")  # the evidence sentence, as text
    page.evaluate("showNode('entity:bank')")
    rows = page.locator("#details table.results tr").all_inner_texts()
    assert len(rows) == 3 and rows[1].split("\t")[:4] == ["ours " + PAYLOADS[1], "LAS", "91.5", "absolute"]
    # typed relations become arrows on demand, and the arrow's panel says what it is
    assert page.evaluate("window.kgraphNetwork.body.data.edges.get({filter: e => e.kind === 'typed'}).length") == 0
    page.check("#show-relations")
    page.wait_for_function("window.kgraphState.stabilized")
    assert page.evaluate("window.kgraphNetwork.body.data.edges.get({filter: e => e.kind === 'typed'}).length") == 1
    page.evaluate("showEdge('r0')")
    assert page.inner_text("#details h2") == "Typed relation"
    assert page.evaluate("window.__pwned") is None
    assert page.locator("#details img").count() == 0
    assert [r for r in requests if not r.startswith("file:")] == [] and errors == []


def test_time_overlay_colours_by_year_filters_years_and_charts_an_entity(tmp_path, open_page):
    out = tmp_path / "graph.html"
    out.write_text(render_html(relation_data()), encoding="utf-8")
    page, requests, errors = open_page(out)
    page.check("#colour-year")
    colours = page.evaluate("Object.fromEntries(window.kgraphNetwork.body.data.nodes.get().map(n => [n.id, n.color]))")
    assert colours["p0"] == "#440154" and colours["p1"] == "#fde725"  # 2020 and 2021 at the two ends of the ramp
    assert colours["entity:net"] == "#21918c"  # mean year 2020.5: the middle
    assert page.is_visible("#year-legend") and page.inner_text("#year-min") == "2020"
    page.fill("#year-from", "2021")
    page.dispatch_event("#year-from", "change")
    hidden = page.evaluate("window.kgraphNetwork.body.data.nodes.get({filter: n => n.hidden}).map(n => n.id)")
    assert hidden == ["p0"]  # the entities are in 2021 papers too
    page.evaluate("showNode('entity:bank')")
    assert "Papers per year (first 2020)" in page.inner_text("#details")
    assert page.locator("#details svg.year-chart rect").count() == 2
    assert page.locator("#details svg.year-chart title").all_text_contents() == ["2020: 1 paper(s)", "2021: 1 paper(s)"]
    assert [r for r in requests if not r.startswith("file:")] == [] and errors == []
