"""The csvfile reader against its hand-written fixtures (tests/readers/fixtures/)."""

from __future__ import annotations

from kgraph.readers import READERS, ReadReport


def test_scopus_csv_bom_multiline_no_abstract_and_long_row(read_fixture):
    papers, report, src = read_fixture("scopus.csv")
    first, namd = papers
    assert first.abstract.startswith("Agile methods are compared with Fuzzy-TOPSIS.")
    assert first.authors == ("Govil N.", "Sharma A.") and first.venue == "Advances in Engineering Software"
    assert namd.title == "Scalable molecular dynamics on naïve hardware" and namd.authors == ("Müller J.", "Øster K.")
    assert namd.sources[0].line == 5  # the multi-line abstract above makes rows and lines differ
    assert "[No abstract" not in " ".join(p.abstract for p in papers)
    assert [p.line for p in report.problems] == [4, 5]
    assert report.skipped[src] == 1  # the long row is read with a warning


def test_ieee_and_tsv(read_fixture):
    (ieee,), report, _ = read_fixture("ieee.csv")
    assert ieee.title == 'Exascale Computing Trends: Adjusting to the "New Normal"'
    assert ieee.authors == ("P. Kogge", "J. Shalf") and ieee.year == 2013 and ieee.doi == "10.1109/mcse.2013.95"
    assert [p.line for p in report.problems] == [3]
    (tsv,), report, _ = read_fixture("wos.tsv")
    assert tsv.abstract == "An abstract, with commas, in a TSV." and tsv.venue == "J OF TABS"
    assert not report.problems


def test_csv_without_abstract_column_counts_every_row(write):
    path = write("springer.csv", "Item Title,Publication Title,Item DOI,Authors,Publication Year\n"
                                 '"A","J","10.1/a","X","2020"\n"B","J","10.1/b","Y","2021"\n')
    report = ReadReport()
    assert list(READERS["csv"](path, report)) == []
    assert report.skipped[str(path)] == 2
    assert "--map abstract=COLUMN" in report.problems[0].message
