"""Each reader against its hand-written fixture (tests/readers/fixtures/), nasty cases included."""

from __future__ import annotations

from pathlib import Path

import pytest

from kgraph.readers import READERS, ReadReport, detect_format, read_papers

FIXTURES = Path(__file__).parent / "fixtures"


def read(name: str, fmt: str | None = None):
    path = FIXTURES / name
    report = ReadReport()
    papers = list(READERS[fmt or detect_format(path)](path, report))
    return papers, report, str(path)


def problem_lines(report: ReadReport) -> list[int | None]:
    return [p.line for p in report.problems]


@pytest.mark.parametrize("name, fmt", [
    ("library.bib", "bibtex"), ("export.ris", "ris"), ("scopus.csv", "csv"), ("ieee.csv", "csv"), ("wos.tsv", "csv"),
    ("savedrecs.txt", "wos"), ("arxiv_api.xml", "atom"), ("openalex_works.jsonl", "jsonl"), ("openalex_page.json", "json"),
    ("s2_search.json", "json"), ("s2orc_metadata.jsonl", "jsonl"), ("arxiv_snapshot.jsonl", "jsonl"),
])
def test_detection_by_extension(name, fmt):
    assert detect_format(FIXTURES / name) == fmt


@pytest.mark.parametrize("name, fmt", [
    ("library.bib", "bibtex"), ("export.ris", "ris"), ("scopus.csv", "csv"), ("wos.tsv", "csv"), ("savedrecs.txt", "wos"),
    ("arxiv_api.xml", "atom"), ("openalex_works.jsonl", "jsonl"), ("s2_search.json", "json"),
])
def test_detection_by_content_without_extension(tmp_path, name, fmt):
    bare = tmp_path / "export"
    bare.write_bytes((FIXTURES / name).read_bytes())
    assert detect_format(bare) == fmt


def test_bibtex_accents_authors_arxiv_and_bad_entries():
    papers, report, src = read("library.bib")
    godel, vaswani, twice, wos = papers
    assert godel.title == "On GPU Kernels for Gödel Numbering"
    assert godel.authors == ("Kurt Gödel", "Csaba Balázs", "Ayşe Çelik")
    assert godel.abstract == r"We reach 95% accuracy with deep nets on $\mathbb{R}^n$ — a new record."
    assert (godel.year, godel.doi, godel.venue) == (2020, "10.1234/jt.2020.7", "Journal of Tests")
    assert vaswani.arxiv_id == "1706.03762" and vaswani.id == "arxiv:1706.03762"
    assert twice.title == "First Title Wins"
    assert wos.title == "Upper-Case Field Names From Web of Science" and wos.authors == ("Min-Jun Lee",)
    assert problem_lines(report) == [21, 26, 40]
    assert "no abstract" in report.problems[0].message and "repeats a field" in report.problems[1].message
    assert "unparsable BibTeX" in report.problems[2].message
    assert report.skipped[src] == 2  # the repeated-field entry is read, not skipped


def test_ris_crlf_continuation_n2_and_truncation():
    papers, report, src = read("export.ris")
    first, second = papers
    assert first.abstract == "An integrated European exascale computing infrastructure is key to a data economy."
    assert first.authors == ("G. Kalbe", "Jörg Müller") and first.year == 2019
    assert first.venue == "Computing in Science & Engineering" and first.url == "https://example.org/exascale"
    assert second.title == "Only an N2 Abstract" and second.authors == ("Jane Doe",) and second.year == 2018
    assert problem_lines(report) == [20, 25]
    assert "truncated" in report.problems[1].message
    assert report.skipped[src] == 2


def test_scopus_csv_bom_multiline_no_abstract_and_long_row():
    papers, report, src = read("scopus.csv")
    first, namd = papers
    assert first.abstract.startswith("Agile methods are compared with Fuzzy-TOPSIS.")
    assert first.authors == ("Govil N.", "Sharma A.") and first.venue == "Advances in Engineering Software"
    assert namd.title == "Scalable molecular dynamics on naïve hardware" and namd.authors == ("Müller J.", "Øster K.")
    assert namd.sources[0].line == 5  # the multi-line abstract above makes rows and lines differ
    assert "[No abstract" not in " ".join(p.abstract for p in papers)
    assert problem_lines(report) == [4, 5]
    assert report.skipped[src] == 1  # the long row is read with a warning


def test_ieee_and_tsv():
    (ieee,), report, _ = read("ieee.csv")
    assert ieee.title == 'Exascale Computing Trends: Adjusting to the "New Normal"'
    assert ieee.authors == ("P. Kogge", "J. Shalf") and ieee.year == 2013 and ieee.doi == "10.1109/mcse.2013.95"
    assert problem_lines(report) == [3]
    (tsv,), report, _ = read("wos.tsv")
    assert tsv.abstract == "An abstract, with commas, in a TSV." and tsv.venue == "J OF TABS"
    assert not report.problems


def test_csv_without_abstract_column_counts_every_row(write):
    path = write("springer.csv", "Item Title,Publication Title,Item DOI,Authors,Publication Year\n"
                                 '"A","J","10.1/a","X","2020"\n"B","J","10.1/b","Y","2021"\n')
    report = ReadReport()
    assert list(READERS["csv"](path, report)) == []
    assert report.skipped[str(path)] == 2
    assert "--map abstract=COLUMN" in report.problems[0].message


def test_csv_user_mapping(write):
    path = write("custom.csv", "Name;Summary;When\nMy paper;Its summary.;2019\n")
    assert read_papers([path], fmt="csv:title=Name;abstract=Summary;year=When")[0].year == 2019
    (paper,) = read_papers([path], mapping={"title": "Name", "abstract": "Summary"})
    assert (paper.title, paper.abstract, paper.year) == ("My paper", "Its summary.", None)


def test_wos_continuations_and_truncation():
    (paper,), report, src = read("savedrecs.txt")
    assert paper.title == "Deep learning for friction stir welding: a review of methods"
    assert paper.authors == ("John Smith", "María García")
    assert paper.abstract.endswith("We review deep learning models that predict weld quality.")
    assert (paper.year, paper.doi, paper.id) == (2021, "10.1016/j.jmatprotec.2021.117000", "doi:10.1016/j.jmatprotec.2021.117000")
    assert problem_lines(report) == [18, 25]
    assert report.skipped[src] == 2


def test_atom_entries_and_lines():
    papers, report, _ = read("arxiv_api.xml")
    first, third = papers
    assert first.title == "DiffusionBrowser: Interactive Diffusion Previews via Multi-Branch Decoders"
    assert first.abstract == "Video diffusion models are slow & opaque; we decode previews with Gödel-style multi-branch decoders."
    assert (first.arxiv_id, first.doi, first.year, first.venue) == ("2512.13690", "10.1000/diffusion.1", 2025, "CVPR 2026")
    assert first.authors == ("Susung Hong", "Chongjian Ge") and first.sources[0].line == 7
    assert third.id == "arxiv:2512.00002"
    assert problem_lines(report) == [23]


def test_truncated_atom_keeps_entries_before_the_damage(write):
    text = (FIXTURES / "arxiv_api.xml").read_text(encoding="utf-8")
    path = write("cut.xml", text[: text.index("<title>Third entry")])
    report = ReadReport()
    papers = list(READERS["atom"](path, report))
    assert [p.arxiv_id for p in papers] == ["2512.13690"]
    assert any("damaged XML" in p.message and p.line for p in report.problems)


def test_atom_refuses_entity_expansion(write):
    bomb = write("bomb.xml", '<?xml version="1.0"?><!DOCTYPE feed [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;">]>'
                             '<feed xmlns="http://www.w3.org/2005/Atom"><entry><title>&b;</title></entry></feed>')
    report = ReadReport()
    assert list(READERS["atom"](bomb, report)) == []
    assert "refused" in report.problems[0].message


def test_openalex_lines_and_page_agree():
    lines_papers, report, _ = read("openalex_works.jsonl")
    page_papers, page_report, _ = read("openalex_page.json")
    assert [p.id for p in lines_papers] == [p.id for p in page_papers] == ["doi:10.7717/peerj.4375", "openalex:W3"]
    oa, w3 = lines_papers
    assert oa.abstract == "The state of open the literature of science grows."  # no tags, gap closed, repeats placed
    assert (oa.year, oa.venue, oa.arxiv_id, oa.authors) == (2018, "PeerJ", "1705.00001", ("Heather Piwowar", "Jason Priem"))
    assert w3.title == "Only a display name: Ünïcödé" and w3.venue == "Old API venue"
    assert problem_lines(report) == [2] and not page_report.problems


def test_semantic_scholar_page_and_s2orc():
    (paper,), report, src = read("s2_search.json")
    assert (paper.arxiv_id, paper.year, paper.venue) == ("1706.03762", 2017, "Neural Information Processing Systems")
    assert paper.authors == ("Ashish Vaswani", "Noam M. Shazeer")
    assert problem_lines(report) == [2, 3] and "null" in report.problems[0].message
    (s2orc,), report, _ = read("s2orc_metadata.jsonl")
    assert s2orc.id == "s2:77490025" and s2orc.authors == ("Pen'kov A B Ma",) and s2orc.venue == "Oftalmologicheskiĭ zhurnal"


def test_arxiv_snapshot_wraps_latex_and_first_version_year():
    first, second = read("arxiv_snapshot.jsonl")[0]
    assert first.title == "Calculation of prompt diphoton production cross sections at Tevatron and LHC energies"
    assert first.year == 2007 and first.arxiv_id == "0704.0001" and first.doi == "10.1103/physrevd.76.013009"
    assert first.authors[0] == "C. Balázs" and first.venue == "Phys.Rev.D76:013009,2007"
    assert second.authors == ("Ileana Streinu", "Louis Theran")  # from the LaTeX author string
    assert second.abstract.endswith(r"the $(k,\ell)$-pebble game with colors.")


def test_forced_schema_and_unknown_format():
    from kgraph.errors import InputError

    (paper, *_), _, _ = read("s2orc_metadata.jsonl", fmt="s2")
    assert paper.id == "s2:77490025"
    with pytest.raises(InputError, match="unknown format"):
        read_papers([FIXTURES / "export.ris"], fmt="endnote")
    with pytest.raises(InputError, match="fixed fields"):
        read_papers([FIXTURES / "export.ris"], fmt="ris:title=X")


def test_all_fixtures_together_dedup_and_report_files():
    report = ReadReport()
    papers = read_papers([FIXTURES], report)
    # Vaswani et al. is in library.bib (arXiv eprint) and s2_search.json (ArXiv id);
    # the OpenAlex works are in both the page and the lines file.
    assert len(report.duplicates) == 3
    dropped = sorted(Path(d[1].rsplit(":", 1)[0]).name for d in report.duplicates)
    assert dropped == ["openalex_works.jsonl", "openalex_works.jsonl", "s2_search.json"]
    assert len({p.id for p in papers}) == len(papers) == report.total_read - 3
    attention = next(p for p in papers if p.arxiv_id == "1706.03762")
    assert {Path(s.path).name for s in attention.sources} == {"library.bib", "s2_search.json"}
    assert attention.doi == "10.48550/arxiv.1706.03762"  # richest metadata kept from the second record


def test_stdin(monkeypatch):
    import io
    import sys

    data = (FIXTURES / "export.ris").read_bytes()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    report = ReadReport()
    papers = read_papers(["-"], report)
    assert len(papers) == 2
    assert papers[0].sources[0].path == "<stdin>" and report.read["<stdin>"] == 2
    assert all(p.source == "<stdin>" for p in report.problems)
