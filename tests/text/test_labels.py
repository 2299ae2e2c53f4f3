from __future__ import annotations

import pytest
from hypothesis import given, strategies as st

from kgraph.text.labels import normalise_label, singular, tidy_label


@pytest.mark.parametrize(
    "variants",
    [
        ["Gaussian Processes", "gaussian process", "Gaussian process", "GAUSSIAN PROCESSES".title()],
        ["PINNs", "PINN"],
        ["state-of-the-art", "state of the art", "State–of–the–Art"],
        ["neural radiance fields", "Neural Radiance Field", "neural\u00a0radiance  fields"],
        ["{\\it Gaussian} splatting", "Gaussian splatting"],
        ["\u201cattention\u201d", '"attention"', "attention"],
    ],
)
def test_variants_share_a_key(variants):
    assert len({normalise_label(v) for v in variants}) == 1, [normalise_label(v) for v in variants]


def test_acronym_case_is_kept():
    assert normalise_label("GP") != normalise_label("gp")
    assert normalise_label("MoDec-GS") == "MoDec GS"


@pytest.mark.parametrize("word, expected", [("analysis", "analysis"), ("series", "series"), ("boxes", "box"), ("LLMs", "LLM"), ("GANs", "GAN"), ("loss", "loss")])
def test_singular(word, expected):
    assert singular(word) == expected


def test_tidy_label_latex_and_dashes():
    assert tidy_label("EIGER IV: the 10$^4$K gas \u2014 {\\bf bold}") == "EIGER IV: the 10^4K gas - bold"


@given(st.text(max_size=60))
def test_normalising_is_idempotent(label):
    once = normalise_label(label)
    assert normalise_label(once) == once


@given(st.lists(st.sampled_from(["graph", "Neural", "networks", "learning", "data", "process"]), min_size=1, max_size=4))
def test_case_and_separator_variants_map_to_one_key(words):
    spaced = " ".join(words)
    assert normalise_label(spaced.upper().title()) == normalise_label(spaced.lower()) == normalise_label("-".join(words))
