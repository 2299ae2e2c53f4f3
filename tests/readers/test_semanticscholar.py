"""The semanticscholar reader against its hand-written fixtures (tests/readers/fixtures/)."""

from __future__ import annotations


def test_semantic_scholar_page_and_s2orc(read_fixture):
    (paper,), report, src = read_fixture("s2_search.json")
    assert (paper.arxiv_id, paper.year, paper.venue) == ("1706.03762", 2017, "Neural Information Processing Systems")
    assert paper.authors == ("Ashish Vaswani", "Noam M. Shazeer")
    assert [p.line for p in report.problems] == [2, 3] and "null" in report.problems[0].message
    (s2orc,), report, _ = read_fixture("s2orc_metadata.jsonl")
    assert s2orc.id == "s2:77490025" and s2orc.authors == ("Pen'kov A B Ma",) and s2orc.venue == "Oftalmologicheskiĭ zhurnal"
