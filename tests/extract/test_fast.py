"""Tests of the fast tier's glue (:mod:`kgraph.extract.fast`) with tiny spaCy taggers whose
output is fixed by hand, so that they hold for any shipped model: a Dataset label of the
fast model is handled as the accurate tier's is (``knows_datasets`` on the span group,
Dataset mentions typed Dataset, Material ones Concept, ``--scheme scierc`` → Material)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import spacy

from kgraph.extract.base import KNOWS_DATASETS
from kgraph.extract.fast import load_fast
from kgraph.model import EntityKind, Field

TEXT = "Results on KITTI are good."
KITTI = (11, 16)


def tiny_fast_model(path: Path, labels: list[str], favour: str) -> Path:
    """An untrained ``tagger`` over BIO tags of ``labels`` whose every token gets ``favour``."""
    nlp = spacy.blank("en")
    tagger = nlp.add_pipe("tagger")
    tags = ["O"] + [f"{p}-{lab}" for lab in labels for p in "BI"]
    for tag in tags:
        tagger.add_label(tag)
    nlp.initialize()
    softmax = tagger.model.get_ref("softmax")
    softmax.set_param("W", np.zeros_like(softmax.get_param("W")))
    bias = np.zeros_like(softmax.get_param("b"))
    bias[list(tagger.labels).index(favour)] = 5.0
    softmax.set_param("b", bias)
    nlp.to_disk(path)
    return path


@pytest.mark.parametrize("labels, knows", [(["Material", "Dataset"], True), (["Material", "Method"], False)])
def test_the_span_group_says_whether_the_model_knows_datasets(tmp_path, labels, knows):
    nlp = load_fast(tiny_fast_model(tmp_path, labels, "B-Material"))
    for doc in (nlp(TEXT), nlp("")):
        assert doc.spans["model"].attrs[KNOWS_DATASETS] is knows
    doc = nlp(TEXT)  # a SpanGroup needs its Doc alive
    assert ("KITTI", "Material") in {(s.text, s.label_) for s in doc.spans["model"]}


@pytest.mark.parametrize("name, labels, favour, kind, label", [
    ("KITTI", ["Material", "Dataset"], "B-Dataset", EntityKind.DATASET, "Dataset"),  # a fast-tier Dataset is a Dataset
    ("ZORBSET", ["Material", "Dataset"], "B-Material", EntityKind.CONCEPT, "Material"),  # its Material is not one,
    ("KITTI", ["Material", "Dataset"], "B-Material", EntityKind.DATASET, "Dataset"),  # but a listed dataset name is
    ("ZORBSET", ["Material", "Method"], "B-Material", EntityKind.DATASET, "Material"),  # SciERC-only: Material may be
])
def test_fast_tier_mentions_are_typed_as_the_accurate_tiers(tmp_path, monkeypatch, name, labels, favour, kind, label):
    import kgraph.extract.pipeline as pipeline
    from kgraph.extract.annotate import TextRecord, annotate

    folder = tiny_fast_model(tmp_path, labels, favour)
    real = pipeline.model_dir
    monkeypatch.setattr(pipeline, "model_dir", lambda tier: folder if tier == "fast" else real(tier))
    nlp = pipeline.build_pipeline("fast")
    text = TEXT.replace("KITTI", name)
    where = (KITTI[0], KITTI[0] + len(name))
    found = [m for m in pipeline.doc_mentions(nlp(text), "p", Field.ABSTRACT) if (m.start, m.end) == where]
    assert [(m.kind, m.label, m.extractor) for m in found] == [(kind, label, "model")]

    def annotated(scheme: str) -> str:
        (record,) = annotate([TextRecord(1, "a", text)], nlp, scheme=scheme)
        (got,) = [e["label"] for e in record["entities"] if (e["start"], e["end"]) == where]
        return str(got)

    assert annotated("model") == label
    assert annotated("kgraph") == kind.value
    assert annotated("scierc") == "Material"
