from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kgraph.readers.fields import display_name, parse_year, split_authors
from kgraph.readers.openalex import rebuild_abstract


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
