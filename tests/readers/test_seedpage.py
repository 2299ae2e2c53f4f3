from __future__ import annotations

from pathlib import Path

import pytest
from conftest import needs_seeds

from kgraph.readers import ReadReport, read_papers
from kgraph.readers.seedpage import is_furniture, read_seed_page

# Counted by hand from the pages: every title line followed by its abstract line.
SEED_COUNTS = {
    "000_8ac95a85b7a24908.txt": 15,
    "001_461a26147826605b.txt": 10,
    "002_09184bdde9dbfecc.txt": 63,
    "003_b302ddefaf34c389.txt": 226,
    "004_42e656e086a4bcd8.txt": 61,
}
MERGED = 345  # 375 records, 30 of them repeats of a paper on another page

ABSTRACT = ("We study a problem. " * 20).strip()


@needs_seeds
def test_exact_paper_count_per_seed_file(seeds):
    for path in seeds:
        report = ReadReport()
        papers = list(read_seed_page(path, report))
        assert len(papers) == SEED_COUNTS[path.name], path.name
        assert not report.problems, [str(p) for p in report.problems]


@needs_seeds
def test_seed_pages_merge_to_exact_count(seeds):
    report = ReadReport()
    papers = read_papers(seeds, report)
    assert report.total_read == sum(SEED_COUNTS.values()) == 375
    assert len(report.duplicates) == 375 - MERGED
    assert len(papers) == MERGED
    assert len({p.id for p in papers}) == MERGED
    repeated = [p for p in papers if len({s.path for s in p.sources}) > 1]
    assert repeated, "papers that appear on two pages keep both sources"


@needs_seeds
def test_furniture_never_a_paper_and_glued_title_recovered(seeds):
    papers = read_papers(seeds)
    for paper in papers:
        assert not is_furniture(paper.title), paper.title
        assert not paper.title.startswith("Subscribe")
        assert "trending papers" not in paper.title
        assert len(paper.abstract) > len(paper.title)
    titles = {p.title for p in papers}
    assert "Improving Classifier Training Efficiency for Automatic Cyberbullying Detection with Feature Density" in titles


@pytest.mark.parametrize("line", ["new", "Subscribe", "Daily Papers", "byAK and the research community",
                                  "Get trending papers in your email inbox!", "Get trending papers in your email inbox once a day!",
                                  "Mar 13", "Aug 26", "May 7"])
def test_furniture_lines(line):
    assert is_furniture(line)


@pytest.mark.parametrize("line", ["March of the Transformers: A Study", "New Methods for Old Problems", "Subscribe to Nothing: A Paper"])
def test_titles_are_not_furniture(line):
    assert not is_furniture(line)


def test_title_without_abstract_is_reported_with_line(write):
    page = write("page.txt", f"Subscribe\n\nA Lonely Title\n\nA Real Title\n\n{ABSTRACT}\n\nAnother Dangling Title\n")
    report = ReadReport()
    papers = list(read_seed_page(page, report))
    assert [p.title for p in papers] == ["A Real Title"]
    messages = [str(p) for p in report.problems]
    assert any(f"{page}:3:" in m and "title without abstract" in m for m in messages)
    assert any(f"{page}:9:" in m and "Another Dangling Title" in m for m in messages)
    assert report.skipped[str(page)] == 2


def test_abstract_without_title_is_reported(write):
    page = write("page.txt", f"{ABSTRACT}\nTitle\n{ABSTRACT}\n")
    report = ReadReport()
    assert len(list(read_seed_page(page, report))) == 1
    assert "abstract without a title" in str(report.problems[0])
    assert report.problems[0].line == 1


def test_paper_records_where_it_came_from(write):
    page = write("page.txt", f"new\n\nMy Title\n\n{ABSTRACT}\n")
    (paper,) = read_seed_page(page, ReadReport())
    assert paper.sources[0].path == str(page) and paper.sources[0].line == 3
    assert paper.id.startswith("title:")


@pytest.mark.parametrize(
    "content, message",
    [(b"", "no papers found"), (b"\x00\x01\x02binary\x00", "binary file"), ("café".encode("latin-1") + b"\n", "not UTF-8")],
)
def test_bad_files_are_reported_not_raised(write, content, message):
    path = write("bad.txt", content)
    report = ReadReport()
    assert list(read_seed_page(path, report)) == []
    # the Latin-1 file is read (the byte as U+FFFD): its lone title is a second warning
    assert len(report.problems) == (2 if message == "not UTF-8" else 1)
    assert message in str(report.problems[0]) and str(path) in str(report.problems[0])


def test_build_goes_on_past_bad_files(write):
    good = write("good.txt", f"Good Title\n{ABSTRACT}\n")
    bad = write("bad.txt", b"\xff\xfe\x00\x00")
    report = ReadReport()
    papers = read_papers([bad, good, Path(good.parent / "missing.txt")], report)
    assert [p.title for p in papers] == ["Good Title"]
    assert len(report.problems) == 2
