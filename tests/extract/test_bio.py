"""Tests of the BIO decoding shared by the accurate and fast tiers (:mod:`kgraph.extract.bio`)."""

from __future__ import annotations

import itertools

import numpy as np

from kgraph.extract.bio import allowed_transitions, bio_spans, viterbi_bio, viterbi_bio_batch

TAGS = ["O", "B-Method", "I-Method", "B-Task", "I-Task"]


def log(rows):
    return np.log(np.array(rows, dtype=np.float64))


def test_viterbi_repairs_an_i_tag_after_o():
    # argmax: O, I-Method, I-Method -- invalid (I- after O)
    probs = [
        [0.8, 0.1, 0.05, 0.03, 0.02],
        [0.1, 0.35, 0.45, 0.05, 0.05],
        [0.1, 0.1, 0.7, 0.05, 0.05],
    ]
    start, trans = allowed_transitions(TAGS)
    argmax = np.array(probs).argmax(axis=1).tolist()
    assert [TAGS[i] for i in argmax] == ["O", "I-Method", "I-Method"]
    path = viterbi_bio(log(probs), start, trans)
    assert [TAGS[i] for i in path] == ["O", "B-Method", "I-Method"]
    assert bio_spans(path, TAGS) == [(1, 3, "Method", 1.0)]


def test_viterbi_never_starts_with_i_and_never_switches_label_inside():
    probs = [
        [0.1, 0.1, 0.6, 0.1, 0.1],  # I-Method first: not allowed
        [0.1, 0.1, 0.2, 0.1, 0.5],  # I-Task after a Method tag: not allowed
    ]
    start, trans = allowed_transitions(TAGS)
    path = [TAGS[i] for i in viterbi_bio(log(probs), start, trans)]
    assert not path[0].startswith("I-")
    assert not (path[1] == "I-Task" and path[0] != "B-Task")


def test_viterbi_is_the_best_allowed_path_and_batch_agrees():
    rng = np.random.default_rng(0)
    start, trans = allowed_transitions(TAGS)
    sents = [np.log(rng.dirichlet(np.ones(len(TAGS)), size=n)) for n in (1, 4, 0, 3, 5)]
    batch = viterbi_bio_batch(sents, start, trans)
    for lp, got in zip(sents, batch):
        assert np.array_equal(got, viterbi_bio(lp, start, trans))
        if not len(lp):
            assert len(got) == 0
            continue
        best, best_path = -np.inf, None
        for path in itertools.product(range(len(TAGS)), repeat=len(lp)):
            ok = start[path[0]] and all(trans[a, b] for a, b in zip(path, path[1:]))
            score = sum(lp[t, k] for t, k in enumerate(path))
            if ok and score > best:
                best, best_path = score, path
        assert tuple(got.tolist()) == best_path


def test_transformer_reexports_the_decoder():
    import pytest

    transformer = pytest.importorskip("kgraph.extract.transformer")
    assert transformer.viterbi_bio_batch is viterbi_bio_batch
    assert transformer.allowed_transitions is allowed_transitions
