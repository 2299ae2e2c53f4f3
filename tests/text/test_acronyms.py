from __future__ import annotations

import pytest

from kgraph.text.acronyms import find_acronyms, is_short_form


@pytest.mark.parametrize(
    "text, expected",
    [
        ("3D Gaussian Splatting (3DGS) has made strides.", [("3DGS", "3D Gaussian Splatting")]),
        ("We introduce GlobaltoLocal Motion Decomposition (GLMD) to capture motion.", [("GLMD", "GlobaltoLocal Motion Decomposition")]),
        ("Physics-informed neural networks (PINNs) solve PDEs.", [("PINNs", "Physics-informed neural networks")]),
        ("We use self-supervised learning (SSL).", [("SSL", "self-supervised learning")]),
        ("This leverages Global Canonical Scaffolds (Global CS) and more.", [("Global CS", "Global Canonical Scaffolds")]),
        ("The model GLMD (Global-to-Local Motion Decomposition) works.", [("GLMD", "Global-to-Local Motion Decomposition")]),
        ("Results (see Table 2) are good (e.g. fast) and the data (images) too.", []),
        # a function word between two words of the name gives no letter
        ("and Open Access Series of Imaging Studies (OASIS) datasets", [("OASIS", "Open Access Series of Imaging Studies")]),
        ("Density-Based Spatial Clustering of Applications with Noise (DBSCAN) groups points.",
         [("DBSCAN", "Density-Based Spatial Clustering of Applications with Noise")]),
        # ... but one the short form spells does
        ("We model the Division of Labor (DoL) in teams.", [("DoL", "Division of Labor")]),
    ],
)
def test_definitions(text, expected):
    assert [(p.short, p.long) for p in find_acronyms(text)] == expected


def test_offsets_point_into_text():
    text = "Recent work on Neural Radiance Fields (NeRF) is popular."
    (pair,) = find_acronyms(text)
    assert text[pair.short_start:pair.short_end] == "NeRF"
    assert text[pair.long_start:pair.long_end] == "Neural Radiance Fields"


def test_long_form_does_not_cross_clause():
    # "MSE" must not swallow the words before the comma
    (pair,) = find_acronyms("We train with Adam, and measure mean squared error (MSE).")
    assert pair.long == "mean squared error"


@pytest.mark.parametrize("candidate, ok", [("CNN", True), ("ViT", True), ("3DGS", True), ("e.g.", False), ("images", False), ("a", False)])
def test_short_form_shape(candidate, ok):
    assert is_short_form(candidate) is ok


@pytest.mark.parametrize("n", [1, 3, 12])
@pytest.mark.parametrize(
    "text",
    [
        "word " * 400,  # long: only a tail is scanned
        "x" * 2000 + " tail",  # one huge word: the cut walks back to the start
        "co-training isn't self-supervised " * 50 + "(a) b-c d’e",  # hyphens and apostrophes at the cut
        "",
    ],
)
def test_last_words_equals_scanning_the_whole_text(text, n):
    from kgraph.text.acronyms import _WORD, _last_words

    assert [m.span() for m in _last_words(text, n)] == [m.span() for m in list(_WORD.finditer(text))[-n:]]


def test_a_definition_whose_long_form_skips_a_word_is_no_definition():
    from kgraph.text.acronyms import find_acronyms

    assert [(p.short, p.long) for p in find_acronyms("non-autoregressive neural machine translation (NAT)")] == []
    assert [(p.short, p.long) for p in find_acronyms("improves F1 (from 10.3 to 11.8)")] == []
    assert [(p.short, p.long) for p in find_acronyms("We use Global Vectors (GloVe).")] == [("GloVe", "Global Vectors")]
