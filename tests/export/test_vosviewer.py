"""VOSviewer JSON: valid by the documented format, the right items and strengths, escaped descriptions."""

from __future__ import annotations

import html
import json
from dataclasses import replace
from itertools import combinations
from pathlib import Path
from statistics import mean

import pytest
from typer.testing import CliRunner

from kgraph.cli import app
from kgraph.errors import OptionError
from kgraph.export.vosviewer import vosviewer_json, write_vosviewer
from kgraph.graph.build import entity_node

SCHEMA = json.loads((Path(__file__).parent / "vosviewer.schema.json").read_text(encoding="utf-8"))
runner = CliRunner()


def validate(document: dict) -> None:
    try:
        import jsonschema
    except ImportError:  # a missing test dependency must not pass as a skipped check
        pytest.fail("jsonschema is not installed: pip install -e '.[test]'")
    jsonschema.validate(document, SCHEMA, cls=jsonschema.Draft202012Validator)


def strengths(document: dict) -> dict[frozenset, float]:
    """{source, target} -> strength of each link."""
    links = document["network"]["links"]
    return {frozenset((link["source_id"], link["target_id"])): link["strength"] for link in links}


@pytest.mark.parametrize("kind", ["terms", "papers"])
def test_both_maps_follow_the_documented_format(demo_kg, tmp_path, kind):
    write_vosviewer(demo_kg.data, tmp_path / "map.json", kind=kind)
    validate(json.loads((tmp_path / "map.json").read_text(encoding="ascii")))


def test_the_schema_rejects_what_vosviewer_rejects(demo_kg):
    import jsonschema

    document = vosviewer_json(demo_kg.data)
    for broken in ({"cluster": 0}, {"cluster": 1001}, {"weights": {"Papers": -1}}, {"id": None}):
        bad = json.loads(json.dumps(document))
        bad["network"]["items"][0] |= broken
        with pytest.raises(jsonschema.ValidationError):
            validate(bad)


def test_term_map_items_are_the_top_entities_and_strengths_the_papers_they_share(demo_kg):
    data = demo_kg.data
    document = vosviewer_json(data, top=5)
    items = document["network"]["items"]
    papers_of = {e: set(ps) for e, ps in data.specific_papers_of_entity.items()}
    counts = sorted((len(ps) for ps in papers_of.values()), reverse=True)
    assert [item["weights"]["Papers"] for item in items] == counts[:5]
    assert all(item["id"] in papers_of and not data.entity_by_id[item["id"]].generic for item in items)
    ids = [item["id"] for item in items]
    expected = {frozenset((a, b)): len(papers_of[a] & papers_of[b]) for a, b in combinations(ids, 2)}
    found = strengths(document)
    assert found == {pair: n for pair, n in expected.items() if n}
    for item in items:
        assert item["weights"]["Links"] == sum(1 for pair in found if item["id"] in pair)
        years = [data.paper_by_id[p].year for p in papers_of[item["id"]] if data.paper_by_id[p].year is not None]
        assert item["scores"]["Avg. pub. year"] == pytest.approx(mean(years), abs=0.01)
        assert -1 <= item["x"] <= 1 and -1 <= item["y"] <= 1


def test_clusters_are_the_communities_numbered_from_one(demo_kg):
    data = demo_kg.data
    document = vosviewer_json(data, top=0)
    communities = data.communities
    labels = {c["cluster"]: c["label"] for c in document["network"]["clusters"]}
    assert min(labels) == 1
    for item in document["network"]["items"]:
        assert labels[item["cluster"]] == communities.names[communities.membership[entity_node(item["id"])]]


def test_paper_map_holds_the_links_of_kgraph(demo_kg):
    data = demo_kg.data
    document = vosviewer_json(data, kind="papers", top=0)
    assert {item["id"] for item in document["network"]["items"]} == {p.id for p in data.papers}
    expected = {frozenset((link.source, link.target)): pytest.approx(link.weight, abs=1e-4) for link in data.links}
    assert strengths(document) == expected
    dated = next(p for p in data.papers if p.year is not None)
    item = next(i for i in document["network"]["items"] if i["id"] == dated.id)
    assert item["scores"] == {"Avg. pub. year": dated.year}


def test_hostile_text_is_escaped_in_descriptions_and_urls_are_web_only(demo_kg):
    data = demo_kg.data
    evil = '<img src=x onerror="alert(1)"><script>alert(2)</script> & "q"'
    papers = tuple(replace(p, title=f"{evil} {i}", authors=(evil,), url="javascript:alert(3)")
                   for i, p in enumerate(data.papers))
    papers_of = data.specific_papers_of_entity
    top_entity = min(papers_of, key=lambda e: (-len(papers_of[e]), e))
    entities = tuple(replace(e, label=evil, alt_labels=(evil,), exact_match=("javascript:alert(4)",))
                     if e.id == top_entity else e for e in data.entities)
    hostile = replace(data, papers=papers, entities=entities)
    for kind, hostile_id in (("terms", top_entity), ("papers", papers[0].id)):
        document = vosviewer_json(hostile, kind=kind, top=0)
        validate(document)
        for item in document["network"]["items"]:
            assert "<script" not in item["description"] and "<img" not in item["description"]
            assert "url" not in item or item["url"].startswith("http")
        shown = next(i for i in document["network"]["items"] if i["id"] == hostile_id)
        assert evil in html.unescape(shown["description"])  # escaped, not lost


def test_bad_options_are_refused(demo_kg):
    with pytest.raises(OptionError, match="map"):
        vosviewer_json(demo_kg.data, kind="authors")
    with pytest.raises(OptionError, match="top"):
        vosviewer_json(demo_kg.data, top=-1)


def test_cli_writes_either_map(demo_build, demo_kg, tmp_path):
    result = runner.invoke(app, ["export", str(demo_build), "--to", str(tmp_path / "t.json"), "--format", "vosviewer",
                                 "--top", "4"])
    assert result.exit_code == 0, result.output
    assert len(json.loads((tmp_path / "t.json").read_text())["network"]["items"]) == 4
    result = runner.invoke(app, ["export", str(demo_build), "--to", str(tmp_path / "p.json"), "-f", "vosviewer",
                                 "--map", "papers", "--top", "0"])
    assert result.exit_code == 0, result.output
    assert len(json.loads((tmp_path / "p.json").read_text())["network"]["items"]) == len(demo_kg.data.papers)


def test_cli_refuses_vosviewer_options_for_other_formats(demo_build, tmp_path):
    result = runner.invoke(app, ["export", str(demo_build), "--to", str(tmp_path / "g.gexf"), "--top", "5"])
    assert result.exit_code != 0 and "vosviewer" in result.output
    assert not (tmp_path / "g.gexf").exists()


def test_a_description_lists_a_few_variants_and_counts_the_rest(demo_kg):
    from kgraph.export.vosviewer import VARIANTS_SHOWN

    data = demo_kg.data
    item = vosviewer_json(data, top=1)["network"]["items"][0]
    many = tuple(f"variant {i}" for i in range(VARIANTS_SHOWN + 3))
    entities = tuple(replace(e, alt_labels=many) if e.id == item["id"] else e for e in data.entities)
    description = vosviewer_json(replace(data, entities=entities), top=1)["network"]["items"][0]["description"]
    assert description.endswith(f"variant {VARIANTS_SHOWN - 1} and 3 more")
    assert f"variant {VARIANTS_SHOWN}" not in description
