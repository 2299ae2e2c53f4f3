"""The mapping reader against its hand-written fixtures (tests/readers/fixtures/)."""

from __future__ import annotations

from kgraph.readers import read_papers


def test_csv_user_mapping(write):
    path = write("custom.csv", "Name;Summary;When\nMy paper;Its summary.;2019\n")
    assert read_papers([path], fmt="csv:title=Name;abstract=Summary;year=When")[0].year == 2019
    (paper,) = read_papers([path], mapping={"title": "Name", "abstract": "Summary"})
    assert (paper.title, paper.abstract, paper.year) == ("My paper", "Its summary.", None)
