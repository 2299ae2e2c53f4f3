"""Tests of the shipped fast tier (``kgraph/models/fast``): a spaCy CNN tok2vec + BIO tagger
(or transition-based NER), loaded as kgraph runs it (:func:`kgraph.extract.fast.load_fast`).

The sentences below were written for these tests (not taken from SciERC) and the
expected tags were checked by hand against the shipped model; they would fail if the
model were untrained, broken, or its labels mapped wrongly.
"""

from __future__ import annotations

import json

import pytest

from kgraph.extract.base import SCIERC_LABELS
from kgraph.extract.fast import load_fast
from kgraph.resources import model_dir

FAST = model_dir("fast")

pytestmark = pytest.mark.skipif(not (FAST / "config.cfg").is_file(), reason=f"fast model not installed at {FAST}")


@pytest.fixture(scope="module")
def nlp():
    return load_fast(FAST)


def ents(nlp, text: str) -> list[tuple[str, str]]:
    doc = nlp(text)  # a SpanGroup needs its Doc alive
    return [(e.text, e.label_) for e in doc.spans["model"]]


def test_pipeline_has_scierc_labels(nlp):
    if "tagger" in nlp.component_names:  # BIO tags, decoded by kgraph_bio_tags
        assert nlp.pipe_names == ["sentencizer", "tok2vec", "kgraph_bio_tags"]
        assert "tagger" in nlp.disabled
        tags = set(nlp.get_pipe("tagger").labels)
        assert tags == {"O"} | {f"{p}-{lab}" for p in "BI" for lab in SCIERC_LABELS}
    else:
        assert nlp.pipe_names == ["sentencizer", "tok2vec", "ner", "kgraph_ents_to_candidates"]
        assert set(nlp.get_pipe("ner").labels) == set(SCIERC_LABELS)
    meta = json.loads((FAST / "meta.json").read_text())
    assert meta["name"] == "kgraph_fast"


def test_model_is_small():
    size = sum(p.stat().st_size for p in FAST.rglob("*") if p.is_file())
    assert size < 20_000_000


def test_dataset_and_metric(nlp):
    found = ents(nlp, "We evaluate our approach on the ImageNet dataset and report top-1 accuracy.")
    assert ("ImageNet dataset", "Material") in found
    assert ("top-1 accuracy", "Metric") in found


def test_method_and_task(nlp):
    found = ents(nlp, "We propose a convolutional neural network for image classification.")
    assert ("convolutional neural network", "Method") in found
    assert ("image classification", "Task") in found


def test_model_and_corpus(nlp):
    found = ents(nlp, "We train a recurrent neural network language model on the Penn Treebank corpus.")
    assert ("recurrent neural network language model", "Method") in found
    assert ("Penn Treebank corpus", "Material") in found


def test_offsets_point_into_the_text(nlp):
    text = "Experiments on the Penn Treebank show that the proposed parser is accurate."
    doc = nlp(text)
    assert doc.spans["model"]
    for e in doc.spans["model"]:
        assert text[e.start_char : e.end_char] == e.text
        assert e.label_ in SCIERC_LABELS


def test_spans_stay_inside_sentences(nlp):
    doc = nlp("We study machine translation. Neural machine translation models are evaluated with BLEU.")
    starts = {sent.start for sent in doc.sents}
    for e in doc.spans["model"]:
        assert not any(e.start < s < e.end for s in starts)


def test_build_pipeline_model_only_gives_the_same_spans(nlp):
    from kgraph.extract.pipeline import build_pipeline

    text = "We propose a convolutional neural network for image classification on ImageNet."
    full = build_pipeline("fast", model_only=True)
    doc = nlp(text)
    expected = [(e.start_char, e.end_char, e.label_) for e in doc.spans["model"]]
    got = full(text)
    assert [(e.start_char, e.end_char, e.label_) for e in got.spans["model"]] == expected
    batch = list(full.pipe([text, "", text]))
    assert [[(e.start_char, e.end_char, e.label_) for e in d.spans["model"]] for d in batch] == [expected, [], expected]
