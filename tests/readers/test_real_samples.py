"""Every reader against the real exports in ../shared/data/corpora (skipped when absent).

Counts were checked by hand against the files (see scripts/check_formats.py).
"""

from __future__ import annotations

import pytest
from conftest import SHARED

from kgraph.readers import READERS, ReadReport, detect_format, read_papers

CORPORA = SHARED / "data" / "corpora"
needs_corpora = pytest.mark.skipif(not (CORPORA / "format_samples").is_dir(),
                                   reason=f"real export samples not found at {CORPORA} (../shared is absent)")

# file -> (format, records read, records skipped)
EXPECTED = {
    "format_samples/arxiv_atom_api/arxiv_api_cs_start0.xml": ("atom", 100, 0),
    "format_samples/arxiv_oai_snapshot/arxiv-metadata-oai-snapshot_first200.jsonl": ("jsonl", 200, 0),
    "format_samples/bibtex/pmlr_bibtex_with_abstract_300.bib": ("bibtex", 296, 4),  # 4 entries with unbalanced braces
    "format_samples/bibtex/pybibx_scopus_170.bib": ("bibtex", 168, 2),  # 2 without abstract
    "format_samples/bibtex/pybibx_wos.bib": ("bibtex", 37, 0),
    "format_samples/ieee/litstudy_ieee.csv": ("csv", 10, 0),
    "format_samples/ris/litstudy_ieee_example.ris": ("ris", 25, 0),
    "format_samples/scopus/litstudy_scopus.csv": ("csv", 57, 1),
    "format_samples/scopus/pybibx_scopus.csv": ("csv", 13, 0),
    "format_samples/springer/litstudy_springer_test.csv": ("csv", 0, 18),  # Springer CSV has no abstracts
    "format_samples/wos/helioszjr_wos_savedrecs.txt": ("wos", 17, 0),
    "openalex_sample/openalexPro_works_api_page_chunk1.json": ("json", 49, 1),
    "openalex_sample/openalexPro_works_chunk4.jsonl": ("jsonl", 25, 0),
    "s2orc_sample/s2orc_metadata_sample.jsonl": ("jsonl", 488, 512),  # S2ORC: about half lack an abstract
}


@needs_corpora
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_real_export(name):
    path = CORPORA / name
    fmt, read, skipped = EXPECTED[name]
    report = ReadReport()
    assert detect_format(path) == fmt
    papers = list(READERS[fmt](path, report))
    assert (len(papers), report.skipped.get(str(path), 0)) == (read, skipped), [str(p) for p in report.problems[:3]]
    for paper in papers:
        assert paper.title and paper.abstract and "<jats:" not in paper.abstract
        assert "Add to favorites" not in paper.abstract and "PDF DownloadLoading" not in paper.abstract
    if papers and fmt != "csv" or "scopus" in name:
        assert sum(p.year is not None for p in papers) >= 0.9 * len(papers)


@needs_corpora
def test_openalex_page_and_lines_hold_the_same_works():
    report = ReadReport()
    papers = read_papers([CORPORA / "openalex_sample/openalexPro_works_api_page_chunk2.json",
                          CORPORA / "openalex_sample/openalexPro_works_chunk2.jsonl"], report)
    assert len(papers) == 50 and len(report.duplicates) == 50


@needs_corpora
@pytest.mark.slow
def test_arxiv_50k_reads_every_record():
    report = ReadReport()
    papers = list(READERS["jsonl"](CORPORA / "arxiv_cs_50k.jsonl.gz", report))
    assert len(papers) == 50_000 and not report.problems
    assert all(p.arxiv_id for p in papers[:1000])
