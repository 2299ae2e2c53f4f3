"""The bibtex reader against its hand-written fixtures (tests/readers/fixtures/)."""

from __future__ import annotations


def test_bibtex_accents_authors_arxiv_and_bad_entries(read_fixture):
    papers, report, src = read_fixture("library.bib")
    godel, vaswani, twice, wos = papers
    assert godel.title == "On GPU Kernels for Gödel Numbering"
    assert godel.authors == ("Kurt Gödel", "Csaba Balázs", "Ayşe Çelik")
    assert godel.abstract == r"We reach 95% accuracy with deep nets on $\mathbb{R}^n$ — a new record."
    assert (godel.year, godel.doi, godel.venue) == (2020, "10.1234/jt.2020.7", "Journal of Tests")
    assert vaswani.arxiv_id == "1706.03762" and vaswani.id == "arxiv:1706.03762"
    assert twice.title == "First Title Wins"
    assert wos.title == "Upper-Case Field Names From Web of Science" and wos.authors == ("Min-Jun Lee",)
    assert [p.line for p in report.problems] == [21, 26, 40]
    assert "no abstract" in report.problems[0].message and "repeats a field" in report.problems[1].message
    assert "unparsable BibTeX" in report.problems[2].message
    assert report.skipped[src] == 2  # the repeated-field entry is read, not skipped
