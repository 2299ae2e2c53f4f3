"""Tests of the accurate (MiniLM/ONNX) entity tagger: decoder unit tests + the shipped model.

No torch here: the component must run on onnxruntime, tokenizers, numpy and spaCy only.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import spacy

from kgraph.extract.transformer import (
    DEFAULT_MODEL_DIR,
    allowed_transitions,
    bio_spans,
    viterbi_bio,
    viterbi_bio_batch,
)

TAGS = ["O", "B-Method", "I-Method", "B-Task", "I-Task"]


def _valid(path, tags):
    prev = "O"
    for i in path:
        t = tags[i]
        if t.startswith("I-") and prev not in ("B-" + t[2:], "I-" + t[2:]):
            return False
        prev = t
    return True


def test_viterbi_repairs_i_after_o():
    # argmax would read O, I-Method, I-Method (an I- without a B-).
    p = np.array([
        [0.8, 0.05, 0.05, 0.05, 0.05],
        [0.3, 0.25, 0.35, 0.05, 0.05],
        [0.1, 0.05, 0.75, 0.05, 0.05],
    ])
    start, trans = allowed_transitions(TAGS)
    path = viterbi_bio(np.log(p), start, trans)
    assert _valid(path, TAGS)
    assert [TAGS[i] for i in path] == ["O", "B-Method", "I-Method"]
    assert [s[:3] for s in bio_spans(path, TAGS, p)] == [(1, 3, "Method")]


def test_viterbi_never_i_after_other_label_or_at_start():
    # argmax: I-Task, B-Method, I-Task -- both I-Task are illegal.
    p = np.array([
        [0.1, 0.1, 0.1, 0.2, 0.5],
        [0.1, 0.6, 0.1, 0.1, 0.1],
        [0.1, 0.1, 0.3, 0.1, 0.4],
    ])
    start, trans = allowed_transitions(TAGS)
    path = viterbi_bio(np.log(p), start, trans)
    assert _valid(path, TAGS)
    assert TAGS[path[0]] != "I-Task"
    # best legal path keeps the Method span and extends it: B-Method I-Method
    assert [TAGS[i] for i in path[1:]] == ["B-Method", "I-Method"]


def test_viterbi_random_matrices_always_valid():
    rng = np.random.default_rng(0)
    start, trans = allowed_transitions(TAGS)
    for _ in range(200):
        n = int(rng.integers(1, 12))
        p = rng.dirichlet(np.ones(len(TAGS)) * 0.3, size=n)
        path = viterbi_bio(np.log(p + 1e-12), start, trans)
        assert len(path) == n and _valid(path, TAGS)


def test_viterbi_batch_equals_one_sentence_at_a_time():
    rng = np.random.default_rng(1)
    start, trans = allowed_transitions(TAGS)
    sents = [np.log(rng.dirichlet(np.ones(len(TAGS)) * 0.3, size=int(n)) + 1e-12) for n in rng.integers(0, 15, size=40)]
    batched = viterbi_bio_batch(sents, start, trans)
    assert [b.tolist() for b in batched] == [viterbi_bio(s, start, trans).tolist() for s in sents]


def test_viterbi_empty():
    start, trans = allowed_transitions(TAGS)
    assert viterbi_bio(np.zeros((0, len(TAGS))), start, trans).shape == (0,)


def test_bio_spans_labels_and_confidence():
    p = np.full((4, len(TAGS)), 0.1)
    path = [3, 4, 0, 1]
    for w, t in enumerate(path):
        p[w, t] = 0.6
    spans = bio_spans(path, TAGS, p)
    assert [s[:3] for s in spans] == [(0, 2, "Task"), (3, 4, "Method")]
    assert all(abs(s[3] - 0.6) < 1e-9 for s in spans)


# ----------------------------------------------------------------------------- model
def _model_tags() -> list[str]:
    import json

    return list(json.loads((DEFAULT_MODEL_DIR / "config.json").read_text())["tags"])


@pytest.fixture(scope="module")
def nlp():
    if not (DEFAULT_MODEL_DIR / "model.onnx").exists():
        pytest.skip("shipped model not present")
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("kgraph_transformer")
    return nlp


def _spans(doc):
    return [(s.start_char, s.end_char, s.text, s.label_) for s in doc.spans["model"]]


def test_two_sentences_offsets_and_labels(nlp):
    text = (
        "We propose a novel convolutional neural network for machine translation. "
        "It improves BLEU score on the WMT 2014 English-German corpus."
    )
    spans = _spans(nlp(text))
    assert (19, 47, "convolutional neural network", "Method") in spans
    assert (52, 71, "machine translation", "Task") in spans
    # second sentence: offsets must be doc-relative, not sentence-relative
    assert (85, 95, "BLEU score", "Metric") in spans
    # the corpus name ends the sentence; whether "WMT 2014" is split off varies by model
    assert any(e == 133 and label in ("Material", "Dataset") for _, e, _, label in spans)


def test_parser_sentence(nlp):
    spans = _spans(nlp("This paper presents a statistical parser for Chinese that uses a maximum entropy model."))
    assert (22, 40, "statistical parser", "Method") in spans
    assert (65, 86, "maximum entropy model", "Method") in spans
    # nothing is tagged on the function words
    assert not any(s[2] in ("This paper", "presents", "uses", "that", "for") for s in spans)


def test_bert_squad_spans(nlp):
    doc = nlp("We evaluate BERT on the SQuAD dataset.")
    group = doc.spans["model"]
    got = {(s.start_char, s.end_char): s.label_ for s in group}
    # SciERC predates BERT, so its label is not stable; the boundaries are.
    assert (12, 16) in got and (24, 37) in got
    labels = {tag[2:] for tag in _model_tags() if tag != "O"}
    assert set(got.values()) <= labels
    if "Dataset" in labels:  # a model trained with a Dataset label knows SQuAD is one
        assert got[24, 37] == "Dataset" and group.attrs["knows_datasets"] is True
    scores = group.attrs["scores"]
    assert len(scores) == len(group) and all(0.0 < c <= 1.0 for c in scores)


def test_whitespace_tokens_do_not_shift_spans(nlp):
    text = "We propose a novel  convolutional neural network\nfor machine translation."
    spans = _spans(nlp(text))
    start = text.index("convolutional")
    assert (start, start + len("convolutional neural network"), "convolutional neural network", "Method") in spans
    assert all(not s[2][0].isspace() and not s[2][-1].isspace() for s in spans)


def test_pipe_equals_call_and_no_sentencizer(nlp):
    texts = [
        "We train a support vector machine classifier for text categorization.",
        "",
        "Speech recognition systems are evaluated by word error rate.",
    ]
    piped = [_spans(d) for d in nlp.pipe(texts, batch_size=2)]
    single = [_spans(nlp(t)) for t in texts]
    assert piped == single
    assert piped[1] == []
    # Without a sentencizer the whole doc is one sentence; one-sentence texts agree.
    bare = spacy.blank("en")
    bare.add_pipe("kgraph_transformer")
    assert _spans(bare(texts[2])) == single[2]
    assert (44, 59, "word error rate", "Metric") in single[2]


def test_a_document_does_not_depend_on_its_batch(nlp):
    # int8 MatMuls scale their activations per onnxruntime call: if inputs of several
    # documents shared a call, a paper's entities would change with its neighbours
    from kgraph.readers import read_papers

    abstracts = [p.abstract for p in read_papers([Path(__file__).resolve().parents[2] / "examples"])][:12]
    together = [_spans(d) for d in nlp.pipe(abstracts, batch_size=12)]
    assert together == [_spans(nlp(t)) for t in abstracts]


def test_long_sentence_is_windowed_not_truncated(nlp):
    tagger = nlp.get_pipe("kgraph_transformer").tagger
    words = ("we apply a maximum entropy model to machine translation and parsing".split()) * 30
    probs = tagger.word_probs([words, ["parsing"]])
    assert probs[0].shape == (len(words), len(tagger.tags))
    # every word, including the ones past max_length sub-tokens, got a real distribution
    assert np.allclose(probs[0].sum(axis=1), 1.0, atol=1e-4)
    spans = tagger.tag([words])[0]
    assert any(s[0] > 200 for s in spans)


def test_memoised_pieces_equal_the_tokenizer(nlp, monkeypatch):
    tagger = nlp.get_pipe("kgraph_transformer").tagger
    sentences = [["Hyper-parameter", "tuning", "of", "BERT", "\x07", "models"], [], ["models", "naïve", "x" * 300]]

    def direct(sents):
        ids = []
        for sent in sents:
            for word in sent:
                enc = tagger.tokenizer.encode([word], is_pretokenized=True, add_special_tokens=False)
                ids.append(enc.ids or [tagger.tokenizer.token_to_id("[UNK]")])
        return ids

    expected = direct(sentences)
    for _ in range(2):  # unseen words, then every word from the memo
        flat, offsets = tagger._pieces(sentences)
        assert [flat[a:b].tolist() for a, b in zip(offsets[:-1], offsets[1:])] == expected
    # a full memo starts over instead of growing
    monkeypatch.setattr(tagger, "MEMO_WORDS", 3)
    tagger._pieces([["zqxv1", "zqxv2", "zqxv3", "zqxv4"]])  # never seen by this tagger
    assert len(tagger._memo) == 4
    flat, offsets = tagger._pieces(sentences)
    assert [flat[a:b].tolist() for a, b in zip(offsets[:-1], offsets[1:])] == expected


@pytest.mark.slow
def test_runs_without_torch(nlp):
    # torch may be installed in a dev environment (and spaCy/thinc then import it), so
    # block it in a fresh interpreter and run the component there.
    code = (
        "import sys; sys.modules['torch'] = None; sys.modules['transformers'] = None\n"
        "import spacy, kgraph.extract.transformer\n"
        "nlp = spacy.blank('en'); nlp.add_pipe('sentencizer'); nlp.add_pipe('kgraph_transformer')\n"
        "doc = nlp('Speech recognition systems are evaluated by word error rate.')\n"
        "print(sorted(s.label_ for s in doc.spans['model']))\n"
    )
    root = Path(__file__).resolve().parents[2]
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=root, timeout=120)
    assert out.returncode == 0, out.stderr
    assert "Metric" in out.stdout
