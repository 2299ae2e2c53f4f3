"""The arxiv reader against its hand-written fixtures (tests/readers/fixtures/)."""

from __future__ import annotations


def test_arxiv_snapshot_wraps_latex_and_first_version_year(read_fixture):
    first, second = read_fixture("arxiv_snapshot.jsonl")[0]
    assert first.title == "Calculation of prompt diphoton production cross sections at Tevatron and LHC energies"
    assert first.year == 2007 and first.arxiv_id == "0704.0001" and first.doi == "10.1103/physrevd.76.013009"
    assert first.authors[0] == "C. Balázs" and first.venue == "Phys.Rev.D76:013009,2007"
    assert second.authors == ("Ileana Streinu", "Louis Theran")  # from the LaTeX author string
    assert second.abstract.endswith(r"the $(k,\ell)$-pebble game with colors.")


def test_arxiv_api_records_as_json_are_decoded_from_tex_and_others_are_not(read_fixture):
    api, plain = read_fixture("arxiv_api.jsonl")[0]
    assert api.title == "Fast GPU Sorting for Everyone"
    assert api.abstract.startswith("Our sorter reaches 40.0% higher") and "$n=10^6$" in api.abstract
    assert plain.title == "A {curly} title" and "{0, 1}" in plain.abstract  # no arXiv link: read as written
