"""The atom reader against its hand-written fixtures (tests/readers/fixtures/)."""

from __future__ import annotations

from conftest import READER_FIXTURES as FIXTURES

from kgraph.readers import READERS, ReadReport


def test_atom_entries_and_lines(read_fixture):
    papers, report, _ = read_fixture("arxiv_api.xml")
    first, third = papers
    assert first.title == "DiffusionBrowser: Interactive Diffusion Previews via Multi-Branch Decoders"
    assert first.abstract == "Video diffusion models are slow & opaque; we decode previews with Gödel-style multi-branch decoders."
    assert (first.arxiv_id, first.doi, first.year, first.venue) == ("2512.13690", "10.1000/diffusion.1", 2025, "CVPR 2026")
    assert first.authors == ("Susung Hong", "Chongjian Ge") and first.sources[0].line == 7
    assert third.id == "arxiv:2512.00002"
    assert [p.line for p in report.problems] == [23]


def test_truncated_atom_keeps_entries_before_the_damage(write):
    text = (FIXTURES / "arxiv_api.xml").read_text(encoding="utf-8")
    path = write("cut.xml", text[: text.index("<title>Third entry")])
    report = ReadReport()
    papers = list(READERS["atom"](path, report))
    assert [p.arxiv_id for p in papers] == ["2512.13690"]
    assert any("damaged XML" in p.message and p.line for p in report.problems)


def test_atom_refuses_entity_expansion(write):
    bomb = write("bomb.xml", '<?xml version="1.0"?><!DOCTYPE feed [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;">]>'
                             '<feed xmlns="http://www.w3.org/2005/Atom"><entry><title>&b;</title></entry></feed>')
    report = ReadReport()
    assert list(READERS["atom"](bomb, report)) == []
    assert "refused" in report.problems[0].message


def _feed(n: int, broken: set[int] = frozenset()) -> str:
    entries = []
    for i in range(n):
        title = f"Entry <b>{i}" if i in broken else f"Entry {i}"  # an unclosed tag breaks the XML
        entries.append(f"  <entry>\n    <id>http://arxiv.org/abs/2401.{i:05d}v1</id>\n    <title>{title}</title>\n"
                       f"    <summary>We study problem {i} and solve it.</summary>\n  </entry>\n")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">\n'
            + "".join(entries) + "</feed>\n")


def test_one_broken_entry_costs_that_entry_only(write):
    # issue #19.6: a parse error ended the file, losing every entry after it
    path = write("feed.xml", _feed(6, broken={2, 4}))
    report = ReadReport()
    papers = list(READERS["atom"](path, report))
    assert [p.arxiv_id for p in papers] == ["2401.00000", "2401.00001", "2401.00003", "2401.00005"]
    assert [p.sources[0].line for p in papers] == [3, 8, 18, 28]
    skipped = [p.line for p in report.problems if "damaged entry" in p.message]
    assert skipped == [13, 23] and report.skipped[str(path)] == 2


def test_many_entries_are_read_in_linear_time_with_their_lines(write):
    # the line of each entry was counted from the file's start: 60,000 entries took 174 s
    path = write("big.xml", _feed(2000))
    papers = list(READERS["atom"](path, ReadReport()))
    assert len(papers) == 2000 and papers[-1].sources[0].line == 3 + 5 * 1999
