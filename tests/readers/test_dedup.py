from __future__ import annotations

from kgraph.model import Paper, SourceRef
from kgraph.readers import ReadReport, deduplicate, read_papers
from kgraph.rdf.namespaces import paper_iri
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


def test_two_papers_sharing_a_source_id_get_distinct_ids(jsonl):
    # issue #19.8: paperlists numbers its papers per year, so "paper722" is two papers,
    # which became one paper with two titles in the RDF
    first = jsonl("2021.jsonl", [{"id": "paper722", "title": "Old paper", "abstract": "A.", "year": 2021},
                                 {"id": "paper9", "title": "Kept alone", "abstract": "B.", "year": 2021}])
    second = jsonl("2022.jsonl", [{"id": "paper722", "title": "New paper", "abstract": "C.", "year": 2022},
                                  {"id": "paper722", "title": "Newer paper", "abstract": "D.", "year": 2022}])
    report = ReadReport()
    papers = read_papers([first, second], report)
    ids = [p.id for p in papers]
    assert len(set(ids)) == 4 and ids[:2] == ["paper722", "paper9"]
    assert ids[2].startswith("paper722~") and ids[3].startswith("paper722~")
    assert len({paper_iri(i) for i in ids}) == 4  # four resources in the RDF, not one with three titles
    (problem,) = report.problems
    assert "2 papers share their id" in problem.message and (problem.source, problem.line) == (str(second), 1)
    # stable: the same input gives the same ids, and a paper keeps its suffix wherever it is read
    assert [p.id for p in read_papers([first, second])] == ids
    assert read_papers([first, jsonl("only.jsonl", [{"id": "paper722", "title": "Newer paper", "abstract": "D.",
                                                     "year": 2022}])])[-1].id == ids[3]


def test_one_title_in_two_years_gets_two_ids():
    papers = deduplicate([paper("Survey", year=2020), paper("Survey", year=2023)])
    assert len({p.id for p in papers}) == 2


def test_a_true_duplicate_still_merges_under_one_id(jsonl):
    a = jsonl("a.jsonl", [{"id": "x1", "title": "Same Paper", "abstract": "Short."}])
    b = jsonl("b.jsonl", [{"id": "x1", "title": "Same paper", "abstract": "Longer abstract."}])
    report = ReadReport()
    (merged,) = read_papers([a, b], report)
    assert merged.id == "x1" and len(merged.sources) == 2 and not report.problems
