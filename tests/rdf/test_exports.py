"""Turtle, N-Triples and JSON-LD exports: round trips, SHACL validity, determinism."""

from __future__ import annotations

import re

import pyshacl
import pytest
import rdflib
from conftest import EXAMPLES
from typer.testing import CliRunner

import kgraph
from kgraph.cli import app
from kgraph.resources import ontology_dir

runner = CliRunner()
FORMATS = {"ttl": "turtle", "nt": "nt", "jsonld": "json-ld"}


@pytest.fixture(scope="module")
def exported(tmp_path_factory, demo_build):
    out = tmp_path_factory.mktemp("exports")
    for ext in FORMATS:
        result = runner.invoke(app, ["export", str(demo_build), "--to", str(out / f"graph.{ext}")])
        assert result.exit_code == 0, result.output
    return out


@pytest.mark.parametrize("ext", sorted(FORMATS))
def test_each_format_round_trips_to_the_same_graph(exported, demo_kg, ext):
    parsed = rdflib.Graph().parse(exported / f"graph.{ext}", format=FORMATS[ext])
    assert len(parsed) > 0
    assert parsed.isomorphic(demo_kg.to_rdflib())


@pytest.mark.parametrize("ext", sorted(FORMATS))
def test_each_format_conforms_to_the_shapes(exported, ext):
    data = rdflib.Graph().parse(exported / f"graph.{ext}", format=FORMATS[ext])
    shapes = rdflib.Graph().parse(ontology_dir() / "shapes.ttl")
    conforms, _, report = pyshacl.validate(data, shacl_graph=shapes, inference="none")
    assert conforms, report


def test_shapes_catch_a_broken_export(demo_kg):
    data = demo_kg.to_rdflib()
    oa = rdflib.Namespace("http://www.w3.org/ns/oa#")
    position = next(data.subjects(rdflib.RDF.type, oa.TextPositionSelector))
    data.set((position, oa.start, rdflib.Literal(-3)))
    kg_ns = rdflib.Namespace("https://w3id.org/kgraph/ontology#")
    paper = next(data.subjects(rdflib.RDF.type, kg_ns.Paper))
    data.remove((paper, rdflib.URIRef("http://purl.org/dc/terms/title"), None))
    shapes = rdflib.Graph().parse(ontology_dir() / "shapes.ttl")
    conforms, _, report = pyshacl.validate(data, shacl_graph=shapes, inference="none")
    assert not conforms
    assert "PositionShape" in report and "title" in report


@pytest.mark.slow
def test_same_input_gives_byte_identical_rdf_but_for_the_timestamp(tmp_path):
    outs = []
    for name in ("a", "b"):
        out = tmp_path / name
        kgraph.build([EXAMPLES], tier="rules").save(out)
        runner.invoke(app, ["export", str(out), "--to", str(out / "graph.nt")])
        outs.append(out)
    stamp = re.compile(r'.*startedAtTime.*\n')
    for name in ("graph.ttl", "graph.nt"):
        first, second = ((o / name).read_text() for o in outs)
        assert "startedAtTime" in first
        assert stamp.sub("", first) == stamp.sub("", second)
        assert "_:" not in first  # no blank nodes


def test_build_activity_records_version_tier_and_model(demo_kg):
    graph = demo_kg.to_rdflib()
    rows = list(graph.query("SELECT ?v ?t ?m WHERE { ?b a kg:Build ; kg:kgraphVersion ?v ; kg:extractorTier ?t ; kg:extractorModel ?m }",
                            initNs={"kg": rdflib.Namespace("https://w3id.org/kgraph/ontology#")}))
    assert [(str(v), str(t)) for v, t, _ in rows] == [(kgraph.__version__, "rules")]
    assert str(rows[0][2]).startswith("kgraph-rules@")


def test_jsonld_context_is_valid_json_and_covers_the_prefixes():
    import json

    from kgraph.rdf.namespaces import PREFIXES

    context = json.loads((ontology_dir() / "context.jsonld").read_text())["@context"]
    for prefix in ("kg", "dcterms", "skos", "oa", "prov"):
        assert context[prefix] == PREFIXES[prefix]
