"""The wos reader against its hand-written fixtures (tests/readers/fixtures/)."""

from __future__ import annotations


def test_wos_continuations_and_truncation(read_fixture):
    (paper,), report, src = read_fixture("savedrecs.txt")
    assert paper.title == "Deep learning for friction stir welding: a review of methods"
    assert paper.authors == ("John Smith", "María García")
    assert paper.abstract.endswith("We review deep learning models that predict weld quality.")
    assert (paper.year, paper.doi, paper.id) == (2021, "10.1016/j.jmatprotec.2021.117000", "doi:10.1016/j.jmatprotec.2021.117000")
    assert [p.line for p in report.problems] == [18, 25]
    assert report.skipped[src] == 2
