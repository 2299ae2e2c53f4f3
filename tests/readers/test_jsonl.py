from __future__ import annotations

import json

from kgraph.readers import ReadReport, detect_format, read_papers
from kgraph.readers.jsonl import read_jsonl


def test_reads_fields(jsonl):
    path = jsonl("p.jsonl", [{"id": "x1", "title": "  A   Title ", "abstract": "An abstract.", "year": "2021",
                              "authors": "Ada Lovelace and Alan Turing", "doi": "https://doi.org/10.1/ABC", "extra": [1]}])
    (paper,) = read_jsonl(path, ReadReport())
    assert paper.title == "A Title"
    assert paper.year == 2021
    assert paper.authors == ("Ada Lovelace", "Alan Turing")
    assert paper.doi == "10.1/abc"  # resolver prefix dropped, DOIs are case-insensitive
    assert paper.id == "doi:10.1/abc"


def test_id_falls_back_to_record_id_then_title(jsonl):
    path = jsonl("p.jsonl", [{"id": "given-7", "title": "T", "abstract": "A"}, {"title": "T2", "abstract": "A"}])
    first, second = read_jsonl(path, ReadReport())
    assert first.id == "given-7"
    assert second.id.startswith("title:")


def test_bad_lines_are_reported_with_line_numbers(write):
    path = write("p.jsonl", '{"title": "Ok", "abstract": "Fine."}\n{not json\n\n{"title": "No abstract"}\n[1, 2]\n'
                            '{"title": "Bad year", "abstract": "x", "year": "soon"}\n{"title": 5, "abstract": "x"}\n')
    report = ReadReport()
    papers = list(read_jsonl(path, report))
    assert [p.title for p in papers] == ["Ok"]
    lines = sorted(p.line for p in report.problems)
    assert lines == [2, 4, 5, 6, 7]
    assert all(p.source == str(path) for p in report.problems)
    assert "invalid JSON" in str(report.problems[0])
    assert report.skipped[str(path)] == 5


def test_format_detection(write):
    assert detect_format(write("a.jsonl", "{}")) == "jsonl"
    assert detect_format(write("a.txt", "A Title\nAn abstract line.\n")) == "seedpage"
    assert detect_format(write("b.txt", "{}")) == "jsonl"  # .txt is told apart by content (WoS exports are .txt)
    assert detect_format(write("noext", '{"title": 1}')) == "jsonl"
    assert detect_format(write("noext2", "Title\n")) == "seedpage"


def test_folders_are_read_recursively(jsonl, tmp_path):
    jsonl("a/one.jsonl", [{"title": "One", "abstract": "First."}])
    jsonl("a/b/two.jsonl", [{"title": "Two", "abstract": "Second."}])
    assert sorted(p.title for p in read_papers([tmp_path / "a"])) == ["One", "Two"]


def test_gzipped_jsonl_and_summary_field(tmp_path):
    import gzip
    import json

    path = tmp_path / "arxiv.jsonl.gz"
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        handle.write(json.dumps({"id": "2401.00001", "title": "T", "summary": "An abstract\nwith a hard wrap."}) + "\n")
    assert detect_format(path) == "jsonl"
    (paper,) = read_papers([path])
    assert paper.abstract == "An abstract with a hard wrap."


def test_damaged_gzip_is_reported(write):
    path = write("broken.jsonl.gz", b"\x1f\x8b\x08\x00garbage")
    report = ReadReport()
    assert read_papers([path], report) == []
    assert "damaged gzip" in str(report.problems[0])


def test_an_integer_of_over_4300_digits_costs_its_record_only(write):
    # issue #19.1: json.loads raised "Exceeds the limit (4300 digits)" and the build died
    path = write("huge.jsonl", '{"title": "Good one", "abstract": "Fine."}\n'
                               '{"title": "Huge year", "abstract": "x", "year": ' + "9" * 5000 + '}\n'
                               '{"title": "Good two", "abstract": "Fine."}\n')
    report = ReadReport()
    assert [p.title for p in read_jsonl(path, report)] == ["Good one", "Good two"]
    (problem,) = report.problems
    assert (problem.source, problem.line) == (str(path), 2) and "5,000 digits" in problem.message


def test_a_huge_integer_in_a_json_array_costs_its_record_only(write):
    path = write("huge.json", '[{"title": "Good one", "abstract": "Fine."}, {"title": "Bad", "abstract": "x", "id": '
                              + "1" * 9000 + '}, {"title": "Good two", "abstract": "Fine."}]')
    report = ReadReport()
    assert [p.title for p in read_papers([path], report)] == ["Good one", "Good two"]
    assert [p.line for p in report.problems] == [2]


def test_a_lone_surrogate_escape_becomes_a_replacement_character(write):
    # issue #19.2: "\ud800" reached the cache's UTF-8 encoding and the build died
    path = write("sur.jsonl", '{"title": "Bad \\ud800 title", "abstract": "Fine \\udfff.", "authors": ["A \\ud800"]}\n'
                              '{"title": "Emoji \\ud83d\\ude00 pair", "abstract": "Fine."}\n')
    bad, pair = read_papers([path], ReadReport())
    assert (bad.title, bad.abstract, bad.authors) == ("Bad \ufffd title", "Fine \ufffd.", ("A \ufffd",))
    assert pair.title == "Emoji \U0001f600 pair"  # a proper surrogate pair is one character
    for paper in (bad, pair):
        (paper.title + paper.abstract + "".join(paper.authors) + paper.id).encode("utf-8")  # no lone surrogate left


def test_a_damaged_json_array_loses_only_the_damaged_record(write):
    records = [{"id": f"r{i}", "title": f"Paper {i}", "abstract": "An abstract.", "extra": {"k": [1]}}
               for i in range(4)]
    text = json.dumps(records, indent=1).replace('"Paper 1"', '"Pa"per 1"')
    report = ReadReport()
    papers = read_papers([write("array.json", text)], report)
    assert [p.id for p in papers] == ["r0", "r2", "r3"]
    (problem,) = report.problems
    assert "invalid JSON in record 2" in problem.message and problem.line == 12
