"""The selector: one span per stretch of text, by extractor priority, Generic dropped."""

from __future__ import annotations

import pytest
import spacy
from spacy.tokens import Span

from kgraph.extract.base import set_candidates
from kgraph.extract.select import Selector


def test_selector_prefers_model_over_rules_and_drops_generic():
    nlp = spacy.blank("en")
    doc = nlp("We apply this method to the Penn Treebank corpus")
    set_candidates(doc, "model", [doc[2:4].char_span(0, 11, label="Generic"), doc[6:9].char_span(0, 20, label="Material")], [0.9, 0.8])
    set_candidates(doc, "gazetteer", [doc[6:8].char_span(0, 13, label="Dataset"), doc[1:2].char_span(0, 5, label="Method")])
    Selector()(doc)
    chosen = [(s.text, s.label_) for s in doc.spans["kgraph"]]
    assert chosen == [("apply", "Method"), ("Penn Treebank corpus", "Material")]
    assert doc.spans["kgraph"].attrs["extractors"] == ["gazetteer", "model"]


def test_selector_keeps_the_scores_of_the_spans_it_chose():
    nlp = spacy.blank("en")
    doc = nlp("BERT on SQuAD")
    set_candidates(doc, "model", [doc[0:1].char_span(0, 4, label="Method")], [0.7])
    set_candidates(doc, "rule", [doc[2:3].char_span(0, 5, label="Dataset")], [0.6])
    Selector()(doc)
    group = doc.spans["kgraph"]
    assert [(s.text, s.label_) for s in group] == [("BERT", "Method"), ("SQuAD", "Dataset")]
    assert group.attrs["scores"] == [0.7, 0.6] and group.attrs["extractors"] == ["model", "rule"]


def test_a_title_case_name_written_in_lower_case_mends_the_span_the_model_cut():
    from kgraph.extract.gazetteer import GazetteerEntry, GazetteerMatcher
    from kgraph.model import EntityKind

    nlp = spacy.blank("en")
    matcher = GazetteerMatcher(nlp, [GazetteerEntry("Support Vector Machine", EntityKind.METHOD, "SVM", "pwc"),
                                     GazetteerEntry("support vector", EntityKind.CONCEPT, "support vector", "cso"),
                                     GazetteerEntry("Industrial Robots", EntityKind.TASK, "x", "pwc")])
    doc = matcher(nlp("We train a support vector machine for industrial robots ."))
    assert [s.text for s in doc.spans["gazetteer"]] == ["support vector"]  # title-case names: not candidates
    set_candidates(doc, "model", [Span(doc, 4, 6, label="Method")], [0.8])
    Selector()(doc)
    assert [(s.text, s.label_) for s in doc.spans["kgraph"]] == [("support vector machine", "Method")]

    # where the model holds the name whole, or finds nothing there, nothing changes
    doc = matcher(nlp("We train a support vector machine for industrial robots ."))
    set_candidates(doc, "model", [Span(doc, 3, 6, label="Method")], [0.8])
    Selector()(doc)
    assert [s.text for s in doc.spans["kgraph"]] == ["support vector machine"]
    assert doc.spans["kgraph"].attrs["extractors"] == ["model"]


def test_a_place_of_several_words_mends_the_span_the_model_cut():
    from kgraph.extract.gazetteer import GazetteerMatcher

    nlp = spacy.blank("en")
    matcher = GazetteerMatcher(nlp, [], ["Latin America", "Sub-Saharan Africa", "Chile"])
    doc = matcher(nlp("Social mobility in Latin America and Chile ."))
    assert not doc.spans["gazetteer"]  # places are no candidates of their own
    set_candidates(doc, "model", [Span(doc, 0, 2, label="Task"), Span(doc, 3, 4, label="Concept")], [0.9, 0.8])
    Selector()(doc)
    assert [(s.text, s.label_) for s in doc.spans["kgraph"]] == [("Social mobility", "Task"), ("Latin America", "Concept")]


def test_an_acronym_long_form_the_model_cut_is_taken_whole_with_the_models_kind():
    from kgraph.extract.rules import AcronymDefinitions

    nlp = spacy.blank("en")
    doc = nlp("We test on the Open Access Series of Imaging Studies (OASIS) data and on OASIS again .")
    # the model cuts the name at "of" and calls the pieces datasets (SciERC's Material)
    set_candidates(doc, "model", [doc[4:7], doc[8:10]], [0.9, 0.8])
    doc.spans["model"] = [Span(doc, 4, 7, "Material"), Span(doc, 8, 10, "Material")]
    AcronymDefinitions()(doc)
    assert [(s.text, s.label_) for s in doc.spans["acronym"]] == [
        ("Open Access Series of Imaging Studies", "Material"), ("OASIS", "Material"), ("OASIS", "Material")]
    Selector()(doc)
    assert [(s.text, s.label_) for s in doc.spans["kgraph"]] == [
        ("Open Access Series of Imaging Studies", "Material"), ("OASIS", "Material"), ("OASIS", "Material")]
    assert doc.spans["kgraph"].attrs["extractors"] == ["acronym", "acronym", "acronym"]


def test_a_long_form_the_model_holds_whole_stays_the_models_span():
    from kgraph.extract.rules import AcronymDefinitions

    nlp = spacy.blank("en")
    doc = nlp("We train a support vector machine (SVM) classifier .")
    set_candidates(doc, "model", [Span(doc, 3, 10, "Method")], [0.9])
    AcronymDefinitions()(doc)
    Selector()(doc)
    assert [(s.text, s.label_) for s in doc.spans["kgraph"]] == [("support vector machine (SVM) classifier", "Method")]


def test_known_dataset_names_override_a_method_label_only_when_asked():
    nlp = spacy.blank("en")
    text = "We fine-tune BERT on SQuAD , RCV1 and SOTA data for Sentence Compression ."
    labels = {"BERT": "Method", "SQuAD": "Method", "RCV1": "OtherScientificTerm", "SOTA": "Material",
              "Sentence Compression": "Task"}

    def chosen(selector: Selector) -> list[tuple[str, str]]:
        doc = nlp(text)
        spans = [doc.char_span(text.index(t), text.index(t) + len(t), label=lab) for t, lab in labels.items()]
        set_candidates(doc, "model", spans, [0.9] * len(spans))
        return [(s.text, s.label_) for s in selector(doc).spans["kgraph"]]

    # the accurate tier's selector keeps the model's labels
    assert chosen(Selector()) == list(labels.items())
    # the fast tier's: a name the lists give as a dataset alone is one; a model family, a
    # generic abbreviation and a task stay as the model said
    assert chosen(Selector(known_datasets=True)) == [
        ("BERT", "Method"), ("SQuAD", "Dataset"), ("RCV1", "Dataset"), ("SOTA", "Material"),
        ("Sentence Compression", "Task")]


@pytest.mark.slow
def test_only_the_fast_pipeline_asks_for_known_datasets():
    from kgraph.extract.pipeline import build_pipeline

    assert build_pipeline("rules").get_pipe_config("kgraph_select")["known_datasets"] is False
    fast = build_pipeline("fast")
    assert fast.get_pipe_config("kgraph_select")["known_datasets"] is True
    doc = fast("We report results on SQuAD and FB15k-237 .")
    assert {s.text: s.label_ for s in doc.spans["kgraph"]}.get("SQuAD") == "Dataset"
