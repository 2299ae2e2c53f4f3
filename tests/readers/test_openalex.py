"""The openalex reader against its hand-written fixtures (tests/readers/fixtures/)."""

from __future__ import annotations


def test_openalex_lines_and_page_agree(read_fixture):
    lines_papers, report, _ = read_fixture("openalex_works.jsonl")
    page_papers, page_report, _ = read_fixture("openalex_page.json")
    assert [p.id for p in lines_papers] == [p.id for p in page_papers] == ["doi:10.7717/peerj.4375", "openalex:W3"]
    oa, w3 = lines_papers
    assert oa.abstract == "The state of open the literature of science grows."  # no tags, gap closed, repeats placed
    assert (oa.year, oa.venue, oa.arxiv_id, oa.authors) == (2018, "PeerJ", "1705.00001", ("Heather Piwowar", "Jason Priem"))
    assert w3.title == "Only a display name: Ünïcödé" and w3.venue == "Old API venue"
    assert [p.line for p in report.problems] == [2] and not page_report.problems
