from __future__ import annotations

import pytest

from kgraph.extract.kinds import guess_kind
from kgraph.model import EntityKind


@pytest.mark.parametrize(
    "phrase, kind",
    [("Local Gaussian Deformation", EntityKind.METHOD), ("tiny object detection", EntityKind.TASK),
     ("Yelp review dataset", EntityKind.DATASET), ("mean squared error", EntityKind.METRIC), ("the weather", None)],
)
def test_guess_kind(phrase, kind):
    assert guess_kind(phrase) is kind


def test_a_material_of_a_model_that_knows_datasets_is_a_concept():
    from kgraph.extract.kinds import refine_kind

    assert refine_kind("Material", EntityKind.DATASET, "KITTI") is EntityKind.DATASET  # SciERC-only model: a guess
    assert refine_kind("Material", EntityKind.DATASET, "KITTI", knows_datasets=True) is EntityKind.CONCEPT
    assert refine_kind("Dataset", EntityKind.DATASET, "KITTI", knows_datasets=True) is EntityKind.DATASET
    # ... unless the text names it and calls it data; a description stays a Concept
    assert refine_kind("Material", EntityKind.DATASET, "KITTI benchmark", knows_datasets=True) is EntityKind.DATASET
    assert refine_kind("Material", EntityKind.DATASET, "driving benchmark", knows_datasets=True) is EntityKind.CONCEPT
    # a Dataset-aware model's other labels stand: no head-word rule
    assert refine_kind("Metric", EntityKind.METRIC, "MMLU benchmark") is EntityKind.DATASET
    assert refine_kind("Metric", EntityKind.METRIC, "MMLU benchmark", knows_datasets=True) is EntityKind.METRIC


def test_mentions_follow_the_models_dataset_knowledge():
    import spacy

    from kgraph.extract.base import KNOWS_DATASETS, set_candidates
    from kgraph.extract.pipeline import doc_mentions
    from kgraph.extract.select import Selector
    from kgraph.model import Field

    kinds = []
    for knows in (False, True):
        doc = spacy.blank("en")("Results on KITTI are good.")
        set_candidates(doc, "model", [doc[2:3].char_span(0, 5, label="Material")], [0.9], {KNOWS_DATASETS: knows})
        Selector()(doc)
        kinds.append(doc_mentions(doc, "p", Field.ABSTRACT)[0].kind)
    assert kinds == [EntityKind.DATASET, EntityKind.CONCEPT]
