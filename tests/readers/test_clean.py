from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kgraph.readers.clean import clean_text, decode_latex, display_name, parse_year, split_authors
from kgraph.readers.openalex import rebuild_abstract


@pytest.mark.parametrize("raw, expected", [
    ("<jats:sec><jats:title>Abstract</jats:title><jats:p>First.</jats:p><jats:p>Second.</jats:p></jats:sec>", "First. Second."),
    ("<p>H<sub>2</sub>O &lt; CO<sub>2</sub>&nbsp;rises</p>", "H2O < CO2 rises"),
    ("Abstract: We show.", "We show."),
    ("Abstract interpretation is old.", "Abstract interpretation is old."),
    ("x" * 100_000, "x" * 100_000),
])
def test_clean_text(raw, expected):
    assert clean_text(raw) == expected


@pytest.mark.parametrize("raw, expected", [
    (r"Erd\H{o}s and Ka{\v{c}}", "Erdős and Kač"), (r"\'{E}cole \`a {\ss}", "École à ß"), (r"Stra\ss e, \o{}", "Straße, ø"),
    (r"{\it Italic} and \textbf{bold}", "Italic and bold"), (r"5\% of \$3 in $x_{1}$", "5% of $3 in $x_{1}$"),
    (r"pages 1--2, A~B", "pages 1–2, A B"),
])
def test_decode_latex(raw, expected):
    assert decode_latex(raw) == expected


def test_years_and_names():
    assert parse_year("Mon, 2 Apr 2007 19:18:42 GMT") == 2007 and parse_year(2021) == 2021
    with pytest.raises(ValueError):
        parse_year("soon")
    with pytest.raises(ValueError):
        parse_year({"y": 1})
    assert display_name("de la Cruz,  Ana\n  María") == "Ana María de la Cruz"
    assert split_authors("C. Bal, E. L. Berger and C.-P. Yuan", comma_list=True) == ("C. Bal", "E. L. Berger", "C.-P. Yuan")
    with pytest.raises(ValueError):
        split_authors(5)


def test_rebuild_abstract_repeats_and_gaps():
    index = {"a": [0, 2, 7], "rose": [1, 3], "is": [2], "gap": [40]}
    assert rebuild_abstract(index) == "a rose a is rose a gap"
    with pytest.raises(ValueError):
        rebuild_abstract({"w": [0, -1]})
    with pytest.raises(ValueError):
        rebuild_abstract({"w": "0"})


@given(st.lists(st.text(alphabet="abcdefg", min_size=1, max_size=5), min_size=1, max_size=40))
def test_rebuild_abstract_inverts_any_word_sequence(words):
    index: dict[str, list[int]] = {}
    for position, word in enumerate(words):
        index.setdefault(word, []).append(position)
    assert rebuild_abstract(index) == " ".join(words)
