"""`kgraph annotate` and `evaluate` report what `kgraph build` extracts, in SciERC's or kgraph's labels."""

from __future__ import annotations

import json

import pytest
import spacy
from conftest import SHARED
from typer.testing import CliRunner

from kgraph.cli import app
from kgraph.errors import OptionError
from kgraph.extract.annotate import TextRecord, annotate, predicted_spans, scheme_label
from kgraph.extract.base import set_candidates
from kgraph.extract.pipeline import tier_available
from kgraph.extract.select import Selector

TEXT = "This method trains BERT on the SQuAD dataset and reports F1."


def _doc(with_selector: bool):
    doc = spacy.blank("en")(TEXT)
    # a model's guesses: "This method" (Generic), BERT (Method), "SQuAD" (Material)
    set_candidates(doc, "model", [doc[0:2].char_span(0, 11, label="Generic"), doc[3:4].char_span(0, 4, label="Method"),
                                  doc[6:7].char_span(0, 5, label="Material")], [0.9, 0.9, 0.8])
    # a rule's longer Dataset span, and a gazetteer Metric the model missed
    set_candidates(doc, "rule", [doc[6:8].char_span(0, 13, label="Dataset")], [0.6])
    set_candidates(doc, "gazetteer", [doc[10:11].char_span(0, 2, label="Metric")])
    if with_selector:
        Selector()(doc)
    return doc


def test_the_full_pipeline_gives_the_selected_spans_and_the_models_generic_ones():
    spans = [(s.text, s.label_) for s in predicted_spans(_doc(with_selector=True))]
    assert spans == [("This method", "Generic"), ("BERT", "Method"), ("SQuAD", "Material"), ("F1", "Metric")]


def test_a_model_only_pipeline_gives_the_models_spans():
    spans = [(s.text, s.label_) for s in predicted_spans(_doc(with_selector=False))]
    assert spans == [("This method", "Generic"), ("BERT", "Method"), ("SQuAD", "Material")]


@pytest.mark.parametrize("label, text, scierc, kgraph", [
    ("Dataset", "SQuAD", "Material", "Dataset"),
    ("Material", "SQuAD", "Material", "Dataset"),
    ("Material", "speech", "Material", "Concept"),
    ("Concept", "attention", "OtherScientificTerm", "Concept"),
    ("OtherScientificTerm", "attention", "OtherScientificTerm", "Concept"),
    ("Metric", "MMLU benchmark", "Metric", "Dataset"),
    ("Generic", "this model", "Generic", "Generic"),
])
def test_scheme_labels(label, text, scierc, kgraph):
    assert scheme_label(label, text, "scierc") == scierc
    assert scheme_label(label, text, "kgraph") == kgraph
    assert scheme_label(label, text, "model") == label


def test_an_unknown_scheme_is_an_option_error():
    with pytest.raises(OptionError, match="scheme"):
        list(annotate([TextRecord(1, "a", "text")], spacy.blank("en"), scheme="pwc"))


def test_the_cli_annotates_in_both_schemes_and_rejects_another(tmp_path):
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps({"id": "d1", "text": "We evaluate on the KITTI dataset and the COCO benchmark."}) + "\n")
    labels = {}
    for scheme in ("scierc", "kgraph"):
        out = tmp_path / f"{scheme}.jsonl"
        result = CliRunner().invoke(app, ["annotate", str(source), "-o", str(out), "--scheme", scheme])
        assert result.exit_code == 0, result.output
        labels[scheme] = {e["text"]: e["label"] for e in json.loads(out.read_text())["entities"]}
    assert labels["kgraph"]["KITTI dataset"] == "Dataset" and labels["scierc"]["KITTI dataset"] == "Material"
    bad = CliRunner().invoke(app, ["annotate", str(source), "-o", str(tmp_path / "x.jsonl"), "--scheme", "pwc"])
    assert bad.exit_code != 0 and "--scheme" in bad.output


def test_a_records_title_names_the_system_its_results_measure_as_in_a_build(tmp_path):
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps({"id": "d1", "title": "FooNet: fast road detection",
                                  "text": "Experiments give 92.3 F1 on the KITTI dataset."}) + "\n")
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(app, ["annotate", str(source), "-o", str(out), "--scheme", "kgraph"])
    assert result.exit_code == 0, result.output
    assert [(r["value"], r["method"]) for r in json.loads(out.read_text())["results"]] == [("92.3", "FooNet")]


@pytest.mark.slow
@pytest.mark.skipif(not tier_available("accurate"), reason="the accurate model is not installed")
def test_evaluate_scores_only_the_labels_the_gold_file_uses(tmp_path):
    gold = tmp_path / "gold.jsonl"
    text = "We train BERT on SQuAD."
    gold.write_text(json.dumps({"id": "g", "text": text, "entities": [{"start": 17, "end": 22, "label": "Dataset"}]}) + "\n")
    result = CliRunner().invoke(app, ["evaluate", str(gold), "--scheme", "kgraph"])
    assert result.exit_code == 0, result.output
    assert "the gold file's labels (Dataset)" in result.output and "Method" not in result.output.split("(Dataset)", 1)[1]


@pytest.mark.slow
@pytest.mark.skipif(not (SHARED / "data" / "scierc" / "dev.jsonl").exists(), reason="../shared/data/scierc is absent")
def test_annotate_relations_and_evaluate_agree_with_the_shared_relation_scorer(tmp_path):
    import subprocess
    import sys

    gold = tmp_path / "gold.jsonl"
    gold.write_text("".join((SHARED / "data" / "scierc" / "dev.jsonl").read_text(encoding="utf-8").splitlines(True)[:12]))
    out = tmp_path / "pred.jsonl"
    assert CliRunner().invoke(app, ["annotate", str(gold), "-o", str(out)]).exit_code == 0
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert sum(len(r["relations"]) for r in records) > 0
    for record in records:
        for relation in record["relations"]:
            assert 0 <= relation["head"] < len(record["entities"]) and 0 <= relation["tail"] < len(record["entities"])
            assert relation["label"] in {"USED-FOR", "FEATURE-OF", "HYPONYM-OF", "PART-OF", "EVALUATE-FOR", "COMPARE",
                                         "CONJUNCTION"} and 0 < relation["confidence"] <= 1
    shared = subprocess.run([sys.executable, str(SHARED / "tools" / "score_relations.py"), str(gold), str(out)],
                            capture_output=True, text=True, check=True).stdout.strip().splitlines()[-1]
    ours = CliRunner().invoke(app, ["evaluate", str(gold)])
    assert ours.exit_code == 0, ours.output
    assert shared in ours.output  # the same "relation F1 rel=… rel+=…" line
