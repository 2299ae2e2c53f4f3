"""Every reader, fed random and mutated input, yields valid Papers or reports InputErrors — nothing else."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kgraph.errors import InputError
from kgraph.model import Paper
from kgraph.readers import READERS, ReadReport
from kgraph.readers.fields import clean_text

FIXTURES = Path(__file__).parent / "fixtures"
SEEDS = [p.read_bytes() for p in sorted(FIXTURES.iterdir())]
TOKENS = [b"{", b"}", b"[", b"]", b'"', b",", b"\n", b"\r", b"\t", b"@article{", b"TY  - ", b"ER  - ", b"PT J\n", b"ER\n",
          b"<entry>", b"</entry>", b"<feed xmlns=\"http://www.w3.org/2005/Atom\">", b"\\'", b"$", b"\x00", b"\xff",
          b'"abstract_inverted_index": {"a": [1, -1, "x"]}', b'"title": 5', b'"authors": {"a": 1}', b"null", b"\xe2\x80\xa8",
          b"\\ud800", b"9" * 5000, b"\xfe\xff", b"\x1b[31m"]


@st.composite
def mutated(draw) -> bytes:
    """A fixture with slices cut, repeated or replaced by format tokens and random bytes."""
    data = bytearray(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(1, 6))):
        at = draw(st.integers(0, len(data)))
        action = draw(st.sampled_from(["cut", "insert", "truncate", "dup"]))
        if action == "cut":
            del data[at:at + draw(st.integers(1, 200))]
        elif action == "insert":
            data[at:at] = draw(st.sampled_from(TOKENS) | st.binary(max_size=20))
        elif action == "truncate":
            del data[at:]
        else:
            data[at:at] = data[max(0, at - 300):at]
    return bytes(data)


def check(reader_name: str, data: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "input"
        path.write_bytes(data)
        report = ReadReport()
        papers = list(READERS[reader_name](path, report))  # must not raise anything
    for paper in papers:
        assert isinstance(paper, Paper)
        assert paper.title.strip() and paper.abstract.strip() and paper.id
        assert paper.year is None or 1500 <= paper.year <= 2099
        assert all(isinstance(a, str) and a for a in paper.authors)
        # no lone surrogate or control character reaches the cache, the RDF or GraphML (#19.2)
        assert all(clean_text(text) == text for text in (paper.title, paper.abstract, paper.id, *paper.authors))
        assert paper.sources and paper.sources[0].path == str(path)
    assert all(isinstance(p, InputError) and p.source == str(path) for p in report.problems)
    assert report.read[str(path)] == len(papers)


FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@FUZZ
@given(name=st.sampled_from(sorted(READERS)), data=mutated())
def test_mutated_fixtures(name, data):
    check(name, data)


@FUZZ
@given(name=st.sampled_from(sorted(READERS)), data=st.binary(max_size=400) | st.text(max_size=400).map(str.encode))
def test_random_input(name, data):
    check(name, data)


def test_fuzz_check_can_fail():
    """The property is not vacuous: a fixture read by its reader yields papers the check inspects."""
    report = ReadReport()
    assert list(READERS["ris"](FIXTURES / "export.ris", report))
