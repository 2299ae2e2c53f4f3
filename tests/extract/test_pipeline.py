"""The rules tier on hand-checked raw text (no trained model involved)."""

from __future__ import annotations

from kgraph.extract.pipeline import doc_mentions
from kgraph.model import EntityKind, Field, Paper
from kgraph.run.local import extract_mentions

ABSTRACT = (
    "3D Gaussian Splatting (3DGS) renders novel views in real time. "
    "We evaluate on the KITTI dataset and on ImageNet. "
    "Our convolutional neural network (CNN) beats a plain CNN baseline."
)


def found(nlp, text):
    return {(m.text, m.kind) for m in doc_mentions(nlp(text), "p", Field.ABSTRACT)}


def test_hand_checked_mentions(rules_nlp):
    mentions = found(rules_nlp, ABSTRACT)
    assert ("3D Gaussian Splatting", EntityKind.METHOD) in mentions
    assert ("3DGS", EntityKind.METHOD) in mentions
    assert ("KITTI", EntityKind.DATASET) in mentions  # the gazetteer knows the name itself
    assert ("ImageNet", EntityKind.DATASET) in mentions
    assert ("convolutional neural network", EntityKind.METHOD) in mentions
    # the later bare "CNN" is the acronym defined in the same text
    assert sum(1 for text, _ in mentions if text == "CNN") == 1


def test_offsets_and_sentence_index(rules_nlp):
    doc = rules_nlp(ABSTRACT)
    for m in doc_mentions(doc, "p", Field.ABSTRACT):
        assert ABSTRACT[m.start:m.end] == m.text
    by_text = {m.text: m for m in doc_mentions(doc, "p", Field.ABSTRACT)}
    assert by_text["3DGS"].sentence == 0
    assert by_text["ImageNet"].sentence == 1
    assert by_text["convolutional neural network"].sentence == 2
    assert by_text["3DGS"].extractor == "acronym"


def test_extract_mentions_covers_title_and_abstract(rules_nlp):
    paper = Paper(id="p1", title="Pruning 3D Gaussian Splatting", abstract=ABSTRACT)
    seen = []
    mentions = list(extract_mentions([paper], nlp=rules_nlp, processes=1, on_paper=lambda: seen.append(1)))
    assert {m.field for m in mentions} == {Field.TITLE, Field.ABSTRACT}
    assert seen == [1]
    for m in mentions:
        assert paper.text(m.field)[m.start:m.end] == m.text


def test_the_extraction_code_version_covers_the_mention_code_but_not_results_or_relations(monkeypatch):
    from kgraph.extract import pipeline, relate

    seen: list[list[str]] = []
    monkeypatch.setattr(pipeline, "files_digest", lambda paths: seen.append([p.name for p in paths]) or "x")
    pipeline.extraction_code_version()
    names = set(seen[0])
    assert {"rules.py", "pipeline.py", "labels.py"} <= names  # text/labels.py shapes mention texts too
    assert not names & {"results.py", "relate.py", "relations.py", "annotate.py", "scoring.py"}
    # relation code keys the cached relations instead
    monkeypatch.setattr(relate, "files_digest", lambda paths: seen.append([p.name for p in paths]) or "x")
    relate.relation_model_version("fast")
    assert {"relate.py", "relations.py", "model.onnx"} <= set(seen[1])
