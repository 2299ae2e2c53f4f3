"""The ris reader against its hand-written fixtures (tests/readers/fixtures/)."""

from __future__ import annotations


def test_ris_crlf_continuation_n2_and_truncation(read_fixture):
    papers, report, src = read_fixture("export.ris")
    first, second = papers
    assert first.abstract == "An integrated European exascale computing infrastructure is key to a data economy."
    assert first.authors == ("G. Kalbe", "Jörg Müller") and first.year == 2019
    assert first.venue == "Computing in Science & Engineering" and first.url == "https://example.org/exascale"
    assert second.title == "Only an N2 Abstract" and second.authors == ("Jane Doe",) and second.year == 2018
    assert [p.line for p in report.problems] == [20, 25]
    assert "truncated" in report.problems[1].message
    assert report.skipped[src] == 2
