"""Format detection and reading several formats at once (kgraph/readers/__init__.py); each reader's own cases are in its test module."""

from __future__ import annotations

from pathlib import Path

import pytest

from kgraph.readers import ReadReport, detect_format, read_papers

FIXTURES = Path(__file__).parent / "fixtures"


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


def test_forced_schema_and_unknown_format(read_fixture):
    from kgraph.errors import InputError

    (paper, *_), _, _ = read_fixture("s2orc_metadata.jsonl", fmt="s2")
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
