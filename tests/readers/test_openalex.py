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


def test_a_scraped_landing_page_gives_its_abstract_with_a_warning(jsonl):
    from kgraph.readers import read_papers
    from kgraph.readers.openalex import inverted_index as _inverted
    from kgraph.readers.report import ReadReport

    abstract = "We count terraces on hillsides from aerial photographs and relate them to erosion."
    page = ("No AccessStand Alone Books1 Feb 2013TerracesAuthors/Editors: Mia LoMia Lo https://doi.org/10.1596/x "
            "SectionsAboutPDF (1.4 MB) ToolsAdd to favoritesDownload CitationsTrack Citations ShareFacebookTwitter"
            "Linked In Abstract:" + abstract + " FiguresreferencesRecommendeddetailsCited byHill farming in "
            "Peru Agricultural Systems, Vol.60 View Published: December 1995 KeywordsTERRACESEROSION PDF DownloadLoading ...")
    path = jsonl("works.jsonl", [
        {"id": "https://openalex.org/W1", "title": "Terraces", "abstract_inverted_index": _inverted(page)},
        {"id": "https://openalex.org/W2", "title": "Plain", "abstract_inverted_index": _inverted(abstract)},
        {"id": "https://openalex.org/W3", "title": "Only chrome", "abstract_inverted_index": _inverted(
            "No Access ToolsAdd to favoritesDownload CitationsTrack Citations ShareFacebookTwitterLinked In "
            "PDF DownloadLoading ...")},
    ])
    report = ReadReport()
    papers = read_papers([path], report)
    assert [(p.title, p.abstract) for p in papers] == [("Terraces", abstract), ("Plain", abstract)]
    assert [(p.line, p.message.split(":")[0]) for p in report.problems] == [
        (1, "abstract was a publisher's web page"), (3, "abstract is a publisher's web page with no abstract in it "
                                                        "(title 'Only chrome')")]
    assert report.skipped[str(path)] == 1
