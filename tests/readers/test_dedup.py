from __future__ import annotations

from kgraph.model import Paper, SourceRef
from kgraph.readers import ReadReport, deduplicate
from kgraph.readers.ids import paper_id, title_key


def paper(title, abstract="A.", **kw):
    return Paper(id=kw.pop("id", paper_id(title, kw.get("doi"), kw.get("arxiv_id"))), title=title, abstract=abstract,
                 sources=(SourceRef(kw.pop("src", "f"), 1),), **kw)


def test_same_title_different_punctuation_is_one_paper():
    report = ReadReport()
    merged = deduplicate([paper("MoDec-GS: Global-to-Local Motion", src="a"), paper("MoDecGS: GlobaltoLocal Motion", "Longer abstract.", src="b")], report)
    assert len(merged) == 1
    assert merged[0].abstract == "Longer abstract."
    assert [s.path for s in merged[0].sources] == ["a", "b"]
    assert report.duplicates == [(merged[0].id, "b:1", "a:1")]


def test_doi_and_arxiv_ids_merge_regardless_of_title():
    merged = deduplicate([paper("Title one", doi="10.1/X"), paper("Other title", doi="https://doi.org/10.1/x"),
                          paper("T3", arxiv_id="2401.00001v1"), paper("T4", arxiv_id="arXiv:2401.00001v3")])
    assert len(merged) == 2


def test_same_title_different_years_stay_apart_and_richest_metadata_kept():
    merged = deduplicate([paper("Survey", year=2020), paper("Survey", year=2023), paper("Survey", authors=("A",))])
    assert [m.year for m in merged] == [2020, 2023]
    assert merged[0].authors == ("A",)


def test_title_key_ignores_case_space_and_hyphens():
    assert title_key("State-of-the-Art  Methods") == title_key("stateoftheart methods")
