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
