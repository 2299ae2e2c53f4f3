"""Relations and results over the corpus: aggregation by entity, generic ends left out."""

from __future__ import annotations

from kgraph.graph.relations import aggregate_relations, leaderboard_key, numeric_value, resolve_results
from kgraph.model import Entity, EntityKind, Field, Relation, Result

A = Field.ABSTRACT


def said(paper: str, head: tuple[int, int], tail: tuple[int, int], label: str, confidence: float = 0.5) -> Relation:
    return Relation(paper, A, head, tail, label, confidence, (0, 50))


SPANS = {("p1", A, 0, 3): "crf", ("p1", A, 8, 11): "ner", ("p2", A, 0, 3): "crf", ("p2", A, 8, 11): "ner",
         ("p2", A, 20, 24): "svm", ("p3", A, 0, 4): "data", ("p3", A, 8, 11): "ner"}


def test_statements_of_several_papers_make_one_relation_with_their_support():
    relations = aggregate_relations([said("p1", (0, 3), (8, 11), "USED-FOR", 0.6), said("p2", (0, 3), (8, 11), "USED-FOR", 0.9),
                                     said("p2", (20, 24), (0, 3), "COMPARE")], SPANS, {"crf", "ner", "svm"})
    top = relations[0]
    assert (top.subject, top.label, top.object, top.papers, top.confidence) == ("crf", "USED-FOR", "ner", ("p1", "p2"), 0.9)
    assert len(top.evidence) == 2
    # a symmetric relation is stored with its ends in id order, whichever way it was said
    assert [(r.subject, r.object) for r in relations if r.label == "COMPARE"] == [("crf", "svm")]


def test_generic_unresolved_and_self_relations_are_left_out():
    statements = [said("p3", (0, 4), (8, 11), "USED-FOR"),  # "data" is generic
                  said("p1", (0, 3), (40, 44), "USED-FOR"),  # no mention there
                  said("p1", (0, 3), (0, 3), "CONJUNCTION")]
    assert aggregate_relations(statements, SPANS, {"crf", "ner"}) == []


def test_results_take_entities_only_where_specific():
    result = Result("p2", "91.2", 30, 34, "absolute", "F1", "CoNLL", "ours", (0, 50), (0, 3), (20, 24))
    (row,) = resolve_results([result], SPANS, {"svm"})
    assert (row.metric, row.dataset, row.method) == ("", "svm", "")


def test_numbers_and_leaderboard_order():
    assert [numeric_value(v) for v in ("92.3%", "+2.1", "3x", "1,024", "4-8%", "84.5\\%")] == [92.3, 2.1, 3.0, 1024.0, None, 84.5]
    rows = [("improvement", "F1", "5", "a"), ("absolute", "BLEU", "30", "b"), ("absolute", "F1", "91.5", "c"),
            ("absolute", "F1", "93", "d"), ("absolute", "F1", "90-92", "e")]
    assert [r[3] for r in sorted(rows, key=lambda r: leaderboard_key(*r))] == ["b", "d", "c", "e", "a"]


def test_spans_are_looked_up_one_paper_at_a_time_and_equal_a_full_dict():
    from kgraph.graph.data import PaperSpans
    from kgraph.mentions import MentionTable
    from kgraph.model import EntityKind, Mention

    def mention(paper: str, start: int, extractor: str = "rules") -> Mention:
        return Mention(paper, Field.ABSTRACT, start, start + 3, "abc", EntityKind.METHOD, 0, extractor)

    mentions = MentionTable.of([mention("p", 0), mention("p", 5), mention("p", 5, "model"), mention("q", 0),
                                mention("r", 9)])
    entity = ("a", "", "b", "c", "")  # p's second span: two extractors, the later one resolved
    full = {(m.paper_id, m.field, m.start, m.end): e for m, e in zip(mentions, entity) if e}
    spans = PaperSpans(mentions, entity)
    assert dict(spans) == full and len(spans) == 3
    # lookups that go back and forth between papers find the same
    for key in [("q", Field.ABSTRACT, 0, 3), ("p", Field.ABSTRACT, 5, 8), ("q", Field.ABSTRACT, 0, 3)]:
        assert spans[key] == full[key]
    assert spans.get(("r", Field.ABSTRACT, 9, 12)) is None and spans.get(("zz", Field.TITLE, 0, 1)) is None


def test_a_result_part_without_a_mention_is_the_one_entity_of_its_kind_its_words_name():
    fid = Entity("fid", EntityKind.METRIC, "FID", "fid", ("Frechet Inception Distance",))
    squad = Entity("squad", EntityKind.DATASET, "SQuAD", "squad", ("SQuAD dataset",))
    sam_a = Entity("sam_a", EntityKind.METHOD, "segment anything model", "sam a", ("SAM",))
    sam_b = Entity("sam_b", EntityKind.METHOD, "sharpness-aware minimization", "sam b", ("SAM",))
    index = Entity("ci", EntityKind.METRIC, "confidence index", "ci", ("CI",))
    said = [Result("p1", "2.1", 0, 3, "absolute", "frechet inception distance", "SQuAD Dataset", "SAM", (0, 9)),
            Result("p1", "95%", 5, 8, "absolute", "CI", "SQuAD", "", (0, 9)),
            Result("p1", "7.0", 9, 12, "absolute", "SQuAD", "FID", "", (0, 9))]
    entities = [fid, squad, sam_a, sam_b, index]
    rows = resolve_results(said, {}, {e.id for e in entities}, entities)
    # case aside, the words are a label; two methods share "SAM": neither is chosen
    assert (rows[0].metric, rows[0].dataset, rows[0].method) == ("fid", "squad", "")
    # "CI" is a statistic however one paper defined it
    assert (rows[1].metric, rows[1].dataset) == ("", "squad")
    # words of another kind name nothing: SQuAD is no metric, FID no dataset
    assert (rows[2].metric, rows[2].dataset) == ("", "")
    # generic entities are never chosen
    assert resolve_results(said[:1], {}, {"squad"}, entities)[0].metric == ""


def test_a_known_model_is_no_results_dataset_or_metric():
    gemini = Entity("gemini", EntityKind.METHOD, "Gemini 2.5", "gemini 2.5")
    gaia = Entity("gaia", EntityKind.METHOD, "GAIA", "GAIA")  # a benchmark the corpus types as a method
    said = [Result("p1", "66%", 30, 33, "absolute", "Gemini 2.5", "GAIA", "", (0, 50), (0, 10), (12, 16))]
    spans = {("p1", Field.ABSTRACT, 0, 10): "gemini", ("p1", Field.ABSTRACT, 12, 16): "gaia"}
    (row,) = resolve_results(said, spans, {"gemini", "gaia"}, [gemini, gaia])
    assert (row.metric, row.dataset) == ("", "gaia")
