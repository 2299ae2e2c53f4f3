"""Tests of the shipped fast tier (``kgraph/models/fast``): a spaCy CNN tok2vec + NER.

The sentences below were written for these tests (not taken from SciERC) and the
expected tags were checked by hand against the shipped model; they would fail if the
model were untrained, broken, or its labels mapped wrongly.
"""

from __future__ import annotations

import json

import pytest
import spacy

from kgraph.extract.base import SCIERC_LABELS
from kgraph.resources import model_dir

FAST = model_dir("fast")

pytestmark = pytest.mark.skipif(not (FAST / "config.cfg").is_file(), reason=f"fast model not installed at {FAST}")


@pytest.fixture(scope="module")
def nlp():
    nlp = spacy.load(FAST)
    nlp.add_pipe("sentencizer", first=True)
    return nlp


def ents(nlp, text: str) -> list[tuple[str, str]]:
    return [(e.text, e.label_) for e in nlp(text).ents]


def test_pipeline_is_tok2vec_ner_with_scierc_labels(nlp):
    assert nlp.pipe_names == ["sentencizer", "tok2vec", "ner"]
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
    assert doc.ents
    for e in doc.ents:
        assert text[e.start_char : e.end_char] == e.text
        assert e.label_ in SCIERC_LABELS
