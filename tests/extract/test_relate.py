"""Feeding the relation model sentences and mentions, and reading its answers back as offsets."""

from __future__ import annotations

import spacy
from conftest import FirstMethodForFirstTask

from kgraph.extract.relate import doc_relations, paper_relations
from kgraph.model import EntityKind, Field, Mention, Paper


def mention(text: str, words: str, kind: EntityKind, sentence: tuple[int, int], extractor: str = "model") -> Mention:
    start = text.index(words)
    return Mention("p", Field.ABSTRACT, start, start + len(words), words, kind, 0, extractor, 1.0, kind.value, sentence)


def test_paper_relations_give_offsets_of_the_two_mentions_and_the_sentence():
    text = "We train BERT. Conditional random fields  help for named entity recognition."
    second = (15, len(text))
    mentions = [mention(text, "BERT", EntityKind.METHOD, (0, 14)),
                mention(text, "Conditional random fields", EntityKind.METHOD, second),
                mention(text, "Conditional random fields", EntityKind.METHOD, second, "gazetteer"),  # same span twice
                mention(text, "named entity recognition", EntityKind.TASK, second)]
    model = FirstMethodForFirstTask()
    (relation,) = paper_relations(model, Paper("p", "T", text), mentions)
    assert text[slice(*relation.head)] == "Conditional random fields"
    assert text[slice(*relation.tail)] == "named entity recognition"
    assert (relation.label, relation.confidence, relation.sentence_span) == ("USED-FOR", 0.875, second)
    # one call, for the one sentence with two mentions; words without the double space's token
    ((words, entities),) = model.calls
    assert words[:3] == ["Conditional", "random", "fields"] and " " not in words
    assert entities == [(0, 3, "Method"), (5, 8, "Task")]


def test_doc_relations_index_the_spans_given_across_sentences():
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    doc = nlp("CRFs work for parsing. We test SVMs on tagging.")
    spans = [doc.char_span(*bounds, label=label) for bounds, label in
             (((0, 4), "Method"), ((14, 21), "Task"), ((31, 35), "Method"), ((39, 46), "Task"))]
    assert doc_relations(FirstMethodForFirstTask(), doc, spans) == [(0, 1, "USED-FOR", 0.875), (2, 3, "USED-FOR", 0.875)]
    assert doc_relations(FirstMethodForFirstTask(), doc, spans[:1]) == []


def test_worker_processes_give_the_relations_of_one_process_in_order(monkeypatch):
    from kgraph.extract import relate

    monkeypatch.setattr(relate, "relation_predictor", lambda tier=None: FirstMethodForFirstTask())
    monkeypatch.setattr(relate, "POOL_MIN_PAPERS", 2)
    monkeypatch.setattr(relate, "CHUNK", 2)
    items = []
    for i in range(7):
        text = f"Method{i} CRF helps tagging {i}. Nothing here."
        first = (0, text.index(".") + 1)
        items.append((Paper(f"p{i}", "T", text), [mention(text, f"Method{i} CRF", EntityKind.METHOD, first),
                                                    mention(text, "tagging", EntityKind.TASK, first)]))
    ticks = []
    alone = list(relate.relations_of_papers(items, processes=1))
    pooled = list(relate.relations_of_papers(items, processes=2, on_paper=lambda: ticks.append(1)))
    assert pooled == alone and len(ticks) == 7
    assert [r[0].paper_id for r in pooled] == [f"p{i}" for i in range(7)] and all(len(r) == 1 for r in pooled)


def test_the_fast_tier_has_its_own_smaller_relation_model():
    from kgraph.extract import relate
    from kgraph.extract.relations import relation_model

    assert relate.relation_model_folder("fast") == "relations_fast"
    assert relate.relation_model_folder("accurate") == relate.relation_model_folder(None) == "relations"
    assert relate.relation_model_version("fast").startswith("relations_fast@")
    assert relate.relation_model_version("accurate").startswith("relations@")
    fast, accurate = relation_model("relations_fast"), relation_model("relations")
    assert fast.config["train_config"]["layers"] == 3 and accurate.config["train_config"]["layers"] == 4
    assert relate.relation_predictor("fast") is fast and relate.relation_predictor("accurate") is accurate
