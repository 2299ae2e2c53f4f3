"""Typed relations and results from build to kgraph.json, RDF (shapes, canned queries), API and CLI.

The relation model is replaced by a small rule (the shipped model's own tests are in
tests/extract/test_relations.py): what is tested here is everything around it.
"""

from __future__ import annotations

import json

import pyshacl
import pytest
import rdflib
from conftest import FirstMethodForFirstTask
from typer.testing import CliRunner

import kgraph
from kgraph.extract import relate
from kgraph.cli import app
from kgraph.resources import ontology_dir

ABSTRACTS = [
    ("Tagging biomedical text", "We apply conditional random fields to named entity recognition in clinical notes. "
     "Our tagger achieves 91.2 F1 on the BC5CDR dataset and improves recall by 2.4 points."),
    ("Neural tagging revisited", "Conditional random fields are used for named entity recognition in chemistry papers. "
     "The tagger reaches 88.5 F1 on BC5CDR, while a BiLSTM baseline scores 85.1 F1 on BC5CDR."),
    ("Graph parsing", "We study dependency parsing of tweets with a transition system trained on 2,000 tweets."),
]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    folder = tmp_path_factory.mktemp("relations")
    source = folder / "papers.jsonl"
    source.write_text("".join(json.dumps({"title": t, "abstract": a, "year": 2020 + i}) + "\n"
                              for i, (t, a) in enumerate(ABSTRACTS)), encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(relate, "relation_predictor", lambda tier=None: FirstMethodForFirstTask(0.8))
        result = CliRunner().invoke(app, ["build", str(source), "-o", str(folder / "out")])
    assert result.exit_code == 0, result.output
    return folder / "out"


def test_relations_and_results_survive_kgraph_json(built):
    kg = kgraph.load(built)
    (relation,) = kg.relations("Conditional random fields", type="USED-FOR")
    assert (relation.subject.label.lower(), relation.object.label.lower()) == (
        "conditional random fields", "named entity recognition")
    assert len(relation.papers) == 2 and relation.confidence == 0.8
    assert any("clinical notes" in s for s in relation.sentences)
    values = [(r.value, r.kind, r.metric) for r in kg.results(dataset="BC5CDR")]
    assert values[:3] == [("91.2", "absolute", "F1"), ("88.5", "absolute", "F1"), ("85.1", "absolute", "F1")]
    assert not any(r.value == "2,000" for r in kg.results(metric="F1"))  # a count, not a result
    with pytest.raises(kgraph.KGraphError, match="unknown relation type"):
        kg.relations("conditional random fields", type="USES")


def test_rdf_carries_relations_and_results_with_provenance_and_conforms(built):
    graph = rdflib.Graph().parse(built / "graph.ttl")
    kg_ns = rdflib.Namespace("https://w3id.org/kgraph/ontology#")
    assert len(list(graph.subject_objects(kg_ns.usedFor))) == 1
    statements = list(graph.subjects(rdflib.RDF.type, kg_ns.RelationStatement))
    assert len(statements) == 2 and all(graph.value(s, kg_ns.sentence) for s in statements)
    assert len(list(graph.subjects(rdflib.RDF.type, kg_ns.Result))) >= 4
    shapes = rdflib.Graph().parse(ontology_dir() / "shapes.ttl")
    conforms, _, report = pyshacl.validate(graph, shacl_graph=shapes, inference="none")
    assert conforms, report


def test_canned_queries_answer_typed_questions(built):
    runner = CliRunner()
    used = runner.invoke(app, ["query", "-g", str(built), "-n", "methods-for-task", "-p", "task=named entity recognition",
                               "-f", "json"])
    assert used.exit_code == 0, used.output
    rows = json.loads(used.output)
    assert [r["label"].lower() for r in rows] == ["conditional random fields"] and rows[0]["papers"] == 2
    board = runner.invoke(app, ["query", "-g", str(built), "-n", "leaderboard", "-p", "dataset=bc5cdr", "-f", "json"])
    assert [r["value"] for r in json.loads(board.output)][:3] == ["91.2", "88.5", "85.1"]


def test_cli_leaderboard_and_relations(built):
    runner = CliRunner()
    board = runner.invoke(app, ["leaderboard", str(built), "--dataset", "BC5CDR", "--format", "json"])
    assert board.exit_code == 0, board.output
    rows = json.loads(board.output)
    assert rows[0]["value"] == "91.2" and rows[0]["year"] == 2020 and "BC5CDR" in rows[0]["sentence"]
    csv = runner.invoke(app, ["leaderboard", str(built), "--dataset", "BC5CDR", "--format", "csv"])
    assert csv.output.splitlines()[0].startswith("method,metric,dataset,value,kind")
    table = runner.invoke(app, ["leaderboard", str(built), "--dataset", "BC5CDR"], env={"COLUMNS": "80"})
    lines = [line for line in table.output.splitlines() if line.startswith("│")]
    assert len(lines) == len(rows) and all(len(line) <= 80 for line in lines)  # one line a result: titles cut
    assert lines[0].split("│")[3].strip() == "91.2"
    missing = runner.invoke(app, ["leaderboard", str(built), "--dataset", "NoSuchData"])
    assert missing.exit_code != 0 and "no entity named 'NoSuchData'" in missing.output
    said = runner.invoke(app, ["relations", "named entity recognition", "-g", str(built), "--evidence"])
    assert said.exit_code == 0, said.output
    assert "USED-FOR" in said.output and "clinical notes" in said.output and "1 relation(s)" in said.output
