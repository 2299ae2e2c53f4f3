"""The HTML view in a real browser (headless Chromium, network off)."""

from __future__ import annotations

import kgraph
from kgraph.export.html import render_html


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


def test_untrusted_text_is_shown_literally_and_never_runs(tmp_path, jsonl, open_page):
    payloads = [
        "<script>window.__pwned = 1</script>",
        "<img src=x onerror=\"window.__pwned = 2\">",
        "</script><script>window.__pwned = 3</script>",
        "\"'><svg onload=window.__pwned=4>",
    ]
    records = [{"title": f"Evil {i} {p}", "abstract": f"We study {p} with Convolutional Neural Networks (CNNs) on ImageNet. "
                "A second sentence keeps this an abstract.", "url": "javascript:window.__pwned=5"} for i, p in enumerate(payloads)]
    src = jsonl("evil.jsonl", records)
    kg = kgraph.build([src], tier="rules")
    out = tmp_path / "graph.html"
    out.write_text(render_html(kg.data, title="<b>evil</b>"), encoding="utf-8")
    page, requests, errors = open_page(out)
    node_id = kg.papers[0].id
    page.evaluate(f"window.kgraphNetwork.selectNodes([{node_id!r}])")
    page.evaluate(f"showNode({node_id!r})")
    assert page.evaluate("window.__pwned") is None
    assert page.inner_text("#details h2") == records[0]["title"]
    assert "<script>" in page.inner_text("#details")
    assert page.locator("#details a[href^='javascript']").count() == 0
    assert page.title() == "<b>evil</b>"
    assert [r for r in requests if not r.startswith("file:")] == []
