"""Candidate spans get clean edges: no space at either end, no edge inside a hyphenated word."""

from __future__ import annotations

import pytest
import spacy
from hypothesis import given
from hypothesis import strategies as st

from kgraph.extract.base import clean_bounds, kind_of, set_candidates

NLP = spacy.blank("en")


def _span_of(doc, text: str) -> tuple[int, int]:
    start = doc.text.index(text)
    span = doc.char_span(start, start + len(text))
    assert span is not None, text
    return span.start, span.end


@pytest.mark.parametrize("text, tagged, expected", [
    ("models of the state-of-the-art", "state-of-the-", "state-of-the-art"),
    ("a good-quality MT system", "-quality MT system", "good-quality MT system"),
    ("we study fine-tuning here", "fine", "fine-tuning"),
    ("trained with MLP-SRGAN today", "SRGAN", "MLP-SRGAN"),
    ("auxiliary index\nstructures", "auxiliary index\n", "auxiliary index"),
    ("a\u00a0BERT\u00a0model", "\u00a0BERT\u00a0", "BERT"),
    ("- a bullet", "- a bullet", "a bullet"),
    ("state - of - the - art", "art", "art"),  # SciERC's spaced dashes: separate words
])
def test_edges_move_to_whole_words(text, tagged, expected):
    doc = NLP(text)
    bounds = clean_bounds(doc, *_span_of(doc, tagged))
    assert bounds is not None and doc[bounds[0]:bounds[1]].text == expected


def test_a_span_of_space_is_dropped_with_its_score():
    doc = NLP("BERT \u00a0 and\n\nGPT")
    spaces = [doc[i:i + 1] for i, t in enumerate(doc) if t.is_space]
    set_candidates(doc, "model", [doc[0:1], *spaces, doc[-1:]], [0.9, *([0.5] * len(spaces)), 0.8])
    group = doc.spans["model"]
    assert [s.text for s in group] == ["BERT", "GPT"] and group.attrs["scores"] == [0.9, 0.8]


def test_spans_that_become_one_are_stored_once():
    doc = NLP("we study fine-tuning")
    set_candidates(doc, "model", [doc[2:3].char_span(0, 4, label="Method"), doc[2:5].char_span(0, 11, label="Method")])
    assert [(s.text, s.label_) for s in doc.spans["model"]] == [("fine-tuning", "Method")]


@given(st.text(alphabet=st.sampled_from(list("ab-  \n\u00a0.")), min_size=1, max_size=30), st.data())
def test_no_clean_span_has_space_at_an_edge_or_stops_inside_a_hyphenated_word(text, data):
    doc = NLP(text)
    start = data.draw(st.integers(0, len(doc) - 1))
    end = data.draw(st.integers(start + 1, len(doc)))
    bounds = clean_bounds(doc, start, end)
    if bounds is None:
        return
    span = doc[bounds[0]:bounds[1]]
    assert span.text == span.text.strip() and span.text.strip()
    a, b = span.start_char, span.end_char
    inside = [c.isalnum() for c in (text[a - 2:a] if a >= 2 else "")]
    assert not (text[a - 1:a] == "-" and len(inside) == 2 and all(inside) and text[a:a + 1].isalnum()) or bounds[0] == 0
    assert not (text[b:b + 1] == "-" and text[b - 1:b].isalnum() and text[b + 1:b + 2].isalnum())


def test_kind_of_maps_scierc_and_kgraph_labels():
    assert kind_of("Dataset").value == "Dataset" and kind_of("OtherScientificTerm").value == "Concept"


def test_a_processed_doc_still_serialises_with_its_token_strings_kept():
    from spacy.tokens import Doc

    from kgraph.extract.base import tokens_of
    from kgraph.extract.pipeline import build_pipeline

    doc = build_pipeline("rules")("We use BERT on the Stanford Question Answering Dataset (SQuAD).")
    again = Doc(doc.vocab).from_bytes(doc.to_bytes())  # the edge repairs kept their strings in user_data
    assert tokens_of(again).text == doc.text and [s.text for s in again.spans["kgraph"]] == [
        s.text for s in doc.spans["kgraph"]]
