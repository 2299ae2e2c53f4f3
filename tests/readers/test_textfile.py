"""Decoding input files: what one flaw costs (issue #19, points 5, 7 and 11)."""

from __future__ import annotations

import gzip
import json

import pytest

from kgraph.errors import InputError
from kgraph.readers import READERS, ReadReport, detect_format, read_papers, textfile
from kgraph.readers.textfile import gunzip, read_text

ABSTRACT = "We propose a method for parsing. It beats the baseline on two benchmarks by a wide margin."


def _records(n: int = 3) -> list[dict]:
    return [{"id": f"r{i}", "title": f"Paper number {i}", "abstract": ABSTRACT} for i in range(n)]


def _jsonl(records: list[dict]) -> str:
    return "".join(json.dumps(r) + "\n" for r in records)


def _read(path, fmt=None):
    report = ReadReport()
    papers = list(READERS[fmt or detect_format(path)](path, report))
    return papers, report


# -- 5: gzip is streamed, with a limit on what it may expand to

def test_gzip_is_read_in_chunks_and_a_bomb_is_refused_with_the_file_named(write, monkeypatch):
    monkeypatch.setattr(textfile, "GZIP_MIN_LIMIT", 1_000_000)
    bomb = write("bomb.jsonl.gz", gzip.compress(_jsonl(_records(1)).encode() + b" " * 20_000_000, compresslevel=9))
    assert bomb.stat().st_size < 100_000
    papers, report = _read(bomb)
    assert papers == []
    (problem,) = report.problems
    assert problem.source == str(bomb) and "expands past" in problem.message and "not read" in problem.message


def test_gunzip_stops_at_the_limit_without_holding_more():
    data = gzip.compress(b"x" * 5_000_000)
    with pytest.raises(InputError, match="expands past"):
        gunzip(data, "f.gz", limit=1_000_000)
    assert gunzip(data, "f.gz", limit=5_000_000) == b"x" * 5_000_000
    assert gunzip(data, "f.gz", head=10).startswith(b"x" * 10)


def test_gzip_with_two_members_is_read_whole(write):
    records = _records(4)
    members = gzip.compress(_jsonl(records[:2]).encode()) + gzip.compress(_jsonl(records[2:]).encode())
    path = write("two.jsonl.gz", members)
    papers, report = _read(path)
    assert [p.id for p in papers] == ["r0", "r1", "r2", "r3"] and not report.problems


# -- 7: one defect does not lose a whole file

def test_one_invalid_utf8_byte_in_a_bibtex_loses_no_entry(write):
    entries = [f"@article{{k{i},\n  title = {{Title {i}}},\n  abstract = {{{ABSTRACT}}},\n  year = {{2020}}\n}}\n"
               for i in range(3)]
    data = "".join(entries).encode().replace(b"Title 1", b"Title \xff1")
    papers, report = _read(write("lib.bib", data))
    assert [p.title for p in papers] == ["Title 0", "Title \ufffd1", "Title 2"]
    (problem,) = report.problems
    assert problem.line == 7 and "not UTF-8" in problem.message


def test_a_nul_byte_in_one_jsonl_record_costs_that_record(write):
    data = _jsonl(_records(3)).encode().replace(b"Paper number 1", b"Paper\x00number 1")
    papers, report = _read(write("nul.jsonl", data))
    assert [p.id for p in papers] == ["r0", "r2"]
    assert [(p.line, "invalid JSON" in p.message) for p in report.problems] == [(2, True)]


def test_a_file_full_of_nul_bytes_is_still_binary(write):
    papers, report = _read(write("data.bin", b"\x00\x01\x02" * 1000), "jsonl")
    assert papers == [] and "binary" in report.problems[0].message


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-8-sig"])
def test_utf16_and_other_unicode_encodings_are_read(write, encoding):
    path = write("export.jsonl", _jsonl(_records(2)).encode(encoding))
    papers, report = _read(path)
    assert detect_format(path) == "jsonl"
    assert [p.id for p in papers] == ["r0", "r1"] and not report.problems


def test_utf16_ris_with_bom_is_detected_by_content(write):
    ris = f"TY  - JOUR\r\nTI  - A title\r\nAB  - {ABSTRACT}\r\nER  - \r\n"
    path = write("export.txt", ris.encode("utf-16"))
    assert detect_format(path) == "ris"
    papers, _ = _read(path)
    assert [p.title for p in papers] == ["A title"]


CR_ONLY = {
    "ris": "".join(f"TY  - JOUR\nTI  - Title {i}\nAB  - {ABSTRACT}\nER  - \n" for i in range(3)),
    "jsonl": _jsonl(_records(3)),
    "wos": "FN Clarivate Analytics Web of Science\nVR 1.0\n"
           + "".join(f"PT J\nTI Title {i}\nAB {ABSTRACT}\nER\n" for i in range(3)) + "EF\n",
}


@pytest.mark.parametrize("fmt", sorted(CR_ONLY))
def test_cr_only_line_ends_are_line_ends(write, fmt):
    path = write(f"mac.{fmt}.txt", CR_ONLY[fmt].replace("\n", "\r").encode())
    papers, report = _read(path)
    assert detect_format(path) == fmt
    assert len(papers) == 3 and not report.problems
    assert [p.sources[0].line for p in papers] == ([1, 5, 9] if fmt == "ris" else [1, 2, 3] if fmt == "jsonl"
                                                   else [3, 7, 11])


def test_crlf_files_keep_their_line_ends_so_line_numbers_match_an_editor(write):
    # a stray CR among CRLF line ends is not a line end (and csv cells may hold one)
    assert read_text(write("crlf.txt", b"a\r\nb\rc\r\n")) == "a\r\nb\rc\r\n"


def test_one_openalex_page_per_jsonl_line(write):
    def work(i):
        return {"id": f"https://openalex.org/W{i}", "title": f"Work {i}",
                "abstract_inverted_index": {"We": [0], "parse": [1]}}

    pages = [{"meta": {"count": 2}, "results": [work(1), work(2)]}, {"meta": {"count": 1}, "results": [work(3)]}]
    path = write("pages.jsonl", "".join(json.dumps(p) + "\n" for p in pages))
    papers, report = _read(path)
    assert [(p.id, p.sources[0].line) for p in papers] == [("openalex:W1", 1), ("openalex:W2", 1), ("openalex:W3", 2)]
    assert not report.problems


# -- 11: a PDF says what to give instead

def test_a_pdf_says_pdfs_are_not_read_and_what_to_export(write):
    path = write("paper.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n" + b"\x00" * 50)
    report = ReadReport()
    assert read_papers([path], report) == []
    (problem,) = report.problems
    message = str(problem)
    assert str(path) in message and "does not read PDFs" in message
    assert all(word in message for word in ("BibTeX", "RIS", "CSV", "abstract"))


def test_random_bytes_with_few_nul_bytes_are_still_binary(write):
    import random

    rng = random.Random(1)
    data = bytes(rng.randrange(1, 256) for _ in range(20_000))  # compressed-like, no NUL at all
    papers, report = _read(write("archive.txt", data))
    assert papers == [] and "binary file" in report.problems[0].message


def test_a_latin1_text_is_read_with_one_warning(write):
    ris = f"TY  - JOUR\nTI  - Caf\xe9 r\xe9sum\xe9 na\xefve\nAB  - {ABSTRACT}\nER  - \n".encode("latin-1")
    papers, report = _read(write("latin1.ris", ris))
    assert [p.title for p in papers] == ["Caf\ufffd r\ufffdsum\ufffd na\ufffdve"]
    (problem,) = report.problems
    assert problem.line == 2 and "4 bytes that are not UTF-8" in problem.message
