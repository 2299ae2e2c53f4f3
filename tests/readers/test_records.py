"""The read loop every record reader shares (issue #19, points 3 and 9)."""

from __future__ import annotations

import pytest

from kgraph.model import Paper, SourceRef
from kgraph.readers import ReadReport, read_papers
from kgraph.readers.records import MAX_CHARS, make_paper, read_records


def test_an_over_long_abstract_is_cut_with_a_warning_naming_file_and_line(jsonl):
    # issue #19.3: a 1,000,000-character abstract reached spaCy (E088) and ended the build
    path = jsonl("long.jsonl", [{"title": "Short", "abstract": "Fine."},
                                {"title": "Long", "abstract": "word " * 250_000}])
    report = ReadReport()
    short, long = read_papers([path], report)
    assert short.abstract == "Fine." and len(long.abstract) <= MAX_CHARS["abstract"]
    assert long.abstract.endswith("word")  # cut between words
    (problem,) = report.problems
    assert (problem.source, problem.line) == (str(path), 2)
    assert "abstract of 1,249,999 characters cut" in problem.message  # (whitespace collapsed)
    assert report.total_skipped == 0


def test_an_over_long_seed_page_line_is_cut_too(write):
    path = write("page.txt", "A Title\n" + "Sentence here. " * 100_000 + "\n")
    report = ReadReport()
    (paper,) = read_papers([path], report)
    assert len(paper.abstract) <= MAX_CHARS["abstract"] and report.problems[0].line == 2


def test_an_unforeseen_exception_is_a_warning_not_a_traceback(write):
    # issue #19.9: whatever a converter or parser raises, the reader names file and line
    path = write("x.txt", "1\n2\n3\n")

    def parse(text, source):
        yield 1, "ok"
        yield 2, "boom"
        yield 3, "ok"
        raise KeyError("parser bug")

    def convert(raw, source: SourceRef) -> Paper:
        if raw == "boom":
            raise KeyError("converter bug")
        return make_paper(source, f"T{source.line}", "An abstract.")

    report = ReadReport()
    papers = list(read_records(path, report, parse, convert))
    assert [p.title for p in papers] == ["T1", "T3"]
    assert [(p.line, p.message.split(" (")[0]) for p in report.problems] == [
        (2, "unreadable record"), (3, "file not read past this point")]
    assert "KeyError" in report.problems[0].message


@pytest.mark.parametrize("year, month, expected", [
    ("2019-05-01", None, (2019, 5)),                      # a full date given as the year (OpenAlex, JSON)
    ("Mon, 2 Apr 2007 19:18:42 GMT", None, (2007, 4)),    # arXiv snapshot version dates
    (2021, "may", (2021, 5)),                             # BibTeX's month field
    (2021, "12", (2021, 12)),
    ("2021", None, (2021, None)),                         # a year alone says no month
    (2021, "Spring", (2021, None)),                       # a month field that names none is dropped, not an error
    (None, "may", (None, None)),                          # a month without a year dates nothing
])
def test_month_from_a_date_or_a_month_field(year, month, expected):
    paper = make_paper(SourceRef("x"), "Title", "An abstract.", year=year, month=month)
    assert (paper.year, paper.month) == expected
