"""The columnar mention table: the same mentions as the objects it stores, in less memory."""

from __future__ import annotations

import pickle
from dataclasses import replace

import numpy as np
import pytest

from kgraph.builder import BuildOptions, build_data
from kgraph.mentions import MentionColumns, MentionTable, by_paper, mention_column, paper_rows
from kgraph.model import EntityKind, Field, Mention, Paper

ODD = [
    Mention("p1", Field.TITLE, 0, 4, "BERT", EntityKind.METHOD, 0, "model", 0.123456789012345, "Method", (0, 20)),
    Mention("p2", Field.ABSTRACT, 70_000, 70_009, "ImageNet\u00a0", EntityKind.DATASET, 41, "gazetteer", 1.0, "", None),
    Mention("p1", Field.ABSTRACT, 5, 10, "  é ü ", EntityKind.CONCEPT, 2, "rules", 0.0, "OtherScientificTerm", (0, 0)),
    Mention("p3", Field.ABSTRACT, 1, 3, "", EntityKind.METRIC, 0, "", 1e-300, "Metric", (2**31 - 2, 2**31 - 1)),
]


def test_rows_come_back_equal_field_for_field():
    table = MentionTable.of(ODD)
    assert len(table) == 4
    assert [table[i] for i in range(4)] == ODD
    assert list(table) == ODD
    assert table[-1] == ODD[-1]
    assert table == ODD and table == tuple(ODD) and ODD == list(table)
    assert table != ODD[:3] and table != [*ODD[:3], ODD[0]]
    assert isinstance(table[0].field, Field) and isinstance(table[0].kind, EntityKind)
    assert type(table[0].start) is int and type(table[0].confidence) is float


def test_out_of_range_index_is_an_index_error():
    table = MentionTable.of(ODD)
    with pytest.raises(IndexError, match="out of range"):
        table[4]
    with pytest.raises(IndexError):
        MentionTable.of([])[0]


def test_iteration_crosses_chunk_boundaries(monkeypatch):
    monkeypatch.setattr("kgraph.mentions._CHUNK", 3)
    many = [Mention(f"p{i}", Field.ABSTRACT, i, i + 1, f"t{i % 5}", EntityKind.METHOD, i, "model") for i in range(10)]
    assert list(MentionTable.of(many)) == many


def test_slices_take_and_columns():
    table = MentionTable.of(ODD)
    assert list(table[1:3]) == ODD[1:3] and list(table[::-1]) == ODD[::-1]
    assert list(table.take([3, 0])) == [ODD[3], ODD[0]]
    assert table.column("paper_id") == ["p1", "p2", "p1", "p3"]
    assert table.column("kind") == [m.kind for m in ODD]
    assert table.column("start") == [0, 70_000, 5, 1]
    assert mention_column(ODD, "text") == mention_column(table, "text")
    assert table.column("field") == [m.field for m in ODD] and table.column("label") == [m.label for m in ODD]
    assert all(a is b for a, b in zip(table.column("text"), table.column("text")))  # the stored strings, not copies
    assert MentionTable.of([]).column("text") == [] and MentionTable.of([]).column("kind") == []
    assert table.column("sentence_span") == [m.sentence_span for m in ODD] == mention_column(ODD, "sentence_span")
    with pytest.raises(KeyError, match="span_start"):
        table.column("span_start")


def test_a_paper_signature_reads_a_table_as_it_reads_mentions():
    """A rebuild signs paper graphs from the table's columns; any field of a mention changes it."""
    from dataclasses import replace

    from kgraph.rdf.convert import paper_signature

    paper = Paper("p1", "T", "An abstract.")
    signed = paper_signature(paper, MentionTable.of(ODD), ["a"] * 4)
    assert signed == paper_signature(paper, ODD, ["a"] * 4)
    for change in ({"sentence_span": (0, 21)}, {"confidence": 0.5}, {"extractor": "rules"}, {"sentence": 1}):
        other = [replace(ODD[0], **change), *ODD[1:]]
        assert paper_signature(paper, MentionTable.of(other), ["a"] * 4) != signed


def test_rows_by_paper_and_by_paper_keep_order():
    table = MentionTable.of(ODD)
    rows = paper_rows(table)
    assert {p: list(r) for p, r in rows.items()} == {"p1": [0, 2], "p2": [1], "p3": [3]}
    assert {p: list(r) for p, r in paper_rows(ODD).items()} == {p: list(r) for p, r in rows.items()}
    papers = [Paper("p3", "", ""), Paper("none", "", ""), Paper("p1", "", "")]
    assert list(by_paper(papers, table)) == [(papers[0], [ODD[3]]), (papers[1], []), (papers[2], [ODD[0], ODD[2]])]
    assert list(by_paper(papers, ODD)) == list(by_paper(papers, table))


def test_pickles_and_empty_tables():
    table = MentionTable.of(ODD)
    assert pickle.loads(pickle.dumps(table)) == ODD
    empty = MentionColumns().freeze()
    assert len(empty) == 0 and list(empty) == [] and empty == () and paper_rows(empty) == {}
    assert "4 mentions" in repr(table)


def test_a_build_keeps_its_mentions_in_a_table(tmp_path):
    papers = tmp_path / "papers.jsonl"
    papers.write_text('{"id": "a", "title": "BERT for NER", "abstract": "We evaluate BERT on CoNLL-2003."}\n'
                      '{"id": "b", "title": "More BERT", "abstract": "BERT and ELMo on SQuAD."}\n', encoding="utf-8")
    data = build_data([papers], BuildOptions(tier="rules"))
    assert isinstance(data.mentions, MentionTable)
    assert np.array_equal(np.unique(data.mentions.column("paper_id")), ["a", "b"])
    assert data.mentions.column("paper_id") == sorted(data.mentions.column("paper_id"))  # paper order


def test_cached_rows_make_the_table_that_mentions_make():
    from kgraph.cache import decode_mentions, encode_mentions, payload_rows
    from kgraph.mentions import MentionColumns

    papers = {"p1": ODD, "p2": [], "p3": [replace(m, paper_id="p3") for m in reversed(ODD)]}
    by_mentions, by_rows = MentionColumns(), MentionColumns()
    for paper_id, mentions in papers.items():
        payload = encode_mentions(mentions)
        by_mentions.extend(decode_mentions(paper_id, payload))
        by_rows.extend_rows(paper_id, payload_rows(payload))
    made, read = by_mentions.freeze(), by_rows.freeze()
    assert made == read and len(read) == 2 * len(ODD)
    assert made._strings == read._strings  # the same numbering, so the same table column for column
    assert all((made._columns[name] == read._columns[name]).all() for name in made._columns)
