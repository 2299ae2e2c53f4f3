from __future__ import annotations

import math

import pytest

from kgraph.graph.links import idf, paper_links


def test_rare_shared_entities_weigh_more():
    corpus = {f"p{i}": {"common"} for i in range(8)}
    corpus["p0"] |= {"rare"}
    corpus["p1"] |= {"rare"}
    links = paper_links(corpus, max_df=1.0, top_k=50)
    weights = {(l.source, l.target): l for l in links}
    rare_pair = weights[("p0", "p1")]
    common_pair = weights[("p2", "p3")]
    assert rare_pair.weight > common_pair.weight
    assert rare_pair.shared == ("rare", "common")
    assert rare_pair.weight == pytest.approx(idf(2, 8) + idf(8, 8), abs=1e-6)


def test_idf_is_zero_for_entity_in_every_paper():
    assert idf(10, 10) == 0
    assert idf(1, 10) == pytest.approx(math.log(11 / 2))


def test_entities_above_max_df_do_not_link():
    corpus = {f"p{i}": {"everywhere"} for i in range(10)}
    corpus["p0"].add("x")
    corpus["p1"].add("x")
    links = paper_links(corpus, max_df=0.5)
    assert [(l.source, l.target, l.shared) for l in links] == [("p0", "p1", ("x",))]


def test_top_k_per_paper():
    # p0 shares one distinct entity with each of 20 papers
    corpus = {"p0": {f"e{i}" for i in range(20)}}
    for i in range(20):
        corpus[f"q{i:02d}"] = {f"e{i}"} | ({"boost"} if i < 3 else set())
    corpus["p0"].add("boost")
    links = paper_links(corpus, top_k=3, max_df=1.0)
    p0_links = [l for l in links if "p0" in (l.source, l.target)]
    # p0 keeps its 3 best; each q keeps its link to p0 too (the link is in its own top 3)
    assert len(p0_links) == 20
    strongest = sorted(p0_links, key=lambda l: -l.weight)[:3]
    assert {l.target for l in strongest} == {"q00", "q01", "q02"}


def test_papers_without_shared_entities_are_not_linked():
    assert paper_links({"a": {"x"}, "b": {"y"}}) == []
