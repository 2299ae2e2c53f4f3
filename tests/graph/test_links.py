from __future__ import annotations

import math
import pickle

import pytest

from kgraph.graph.links import LinkTable, idf, link_ends, links_of, paper_links, take_links
from kgraph.model import Link


def test_rare_shared_entities_weigh_more():
    corpus = {f"p{i}": {"common"} for i in range(8)}
    corpus["p0"] |= {"rare"}
    corpus["p1"] |= {"rare"}
    corpus["p2"] |= {"semi"}
    corpus["p3"] |= {"semi"}
    corpus["p4"] |= {"semi"}
    links = paper_links(corpus, max_df=1.0, top_k=50)
    weights = {(l.source, l.target): l for l in links}
    rare_pair = weights[("p0", "p1")]
    semi_pair = weights[("p2", "p3")]
    assert rare_pair.weight > semi_pair.weight > 0
    assert rare_pair.shared == ("rare", "common")
    assert rare_pair.weight == pytest.approx(idf(2, 8) + idf(8, 8), abs=1e-6)
    # an entity in every paper has zero weight: on its own it links nothing
    assert ("p5", "p6") not in weights


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


def test_hub_entity_shared_by_thousands_stays_linear():
    # one concept in all 3,000 papers plus a rare entity per pair: the hub must not create
    # 4.5M pairs, and every paper still finds its partner
    corpus = {f"p{i:04d}": {"hub", f"pair{i // 2}"} for i in range(3000)}
    links = paper_links(corpus, top_k=5, max_df=1.0)
    assert len(links) == 1500
    assert all(l.shared == (f"pair{int(l.source[1:]) // 2}", "hub") for l in links)
    capped = paper_links(corpus, top_k=5)  # default max_df: the hub is not used at all
    assert all(l.shared == (f"pair{int(l.source[1:]) // 2}",) for l in capped)


def test_top_k_breaks_ties_by_paper_order():
    corpus = {"a": {"x"}, "b": {"x"}, "c": {"x"}, "d": {"x"}, "e": {"y"}, "f": {"z"}}
    links = paper_links(corpus, top_k=1, max_df=1.0)
    # each paper keeps one of its equal-weight neighbours: the first in paper order
    assert [(l.source, l.target) for l in links] == [("a", "b"), ("a", "c"), ("a", "d")]


def _links_as_objects(corpus: dict[str, set[str]], *, top_k: int = 10**9, pair_df: int | None = None,
                      **options: float) -> list[Link]:
    """The links the table should hold, from a pair loop over the corpus (no sparse algebra):
    pairs sharing a usable entity, at least one of them in no more than ``pair_df`` papers,
    each paper's ``top_k`` strongest (equal weights: the earlier paper)."""
    n = len(corpus)
    df = {e: sum(e in es for es in corpus.values()) for e in set().union(*corpus.values())}
    cap = max(2, math.floor(options.get("max_df", 0.25) * n))
    usable = {e for e, count in df.items() if 2 <= count <= cap}
    papers = sorted(corpus)
    scores = {}
    for i, a in enumerate(papers):
        for b in papers[i + 1:]:
            shared = corpus[a] & corpus[b] & usable
            if shared and (pair_df is None or min(df[e] for e in shared) <= pair_df):
                scores[(a, b)] = sorted(shared, key=lambda e: (-idf(df[e], n), e))
    weight = {pair: round(sum(idf(df[e], n) for e in shared), 6) for pair, shared in scores.items()}
    kept = set()
    for paper in papers:
        mine = [(-w, papers.index(b if a == paper else a), (a, b)) for (a, b), w in weight.items() if paper in (a, b)]
        kept.update(pair for _, _, pair in sorted(mine)[:top_k])
    return [Link(a, b, weight[(a, b)], tuple(scores[(a, b)])) for a, b in sorted(kept)]


def test_links_come_as_a_table_equal_to_the_link_objects():
    # top_k above any paper's neighbours: every scored pair is a link
    corpus = {f"p{i}": {f"e{(i * 7 + k) % 11}" for k in range(i % 4 + 1)} for i in range(30)}
    table = paper_links(corpus, top_k=100, max_df=0.5)
    expected = _links_as_objects(corpus, max_df=0.5)
    assert isinstance(table, LinkTable) and len(expected) > 20
    assert table == expected and list(table) == expected
    assert [table[i] for i in range(len(table))] == expected and table[-1] == expected[-1]
    assert table[2:5] == expected[2:5]
    picked = [7, 0, 7, len(expected) - 1, 3]
    assert take_links(table, picked) == take_links(expected, picked) == [expected[i] for i in picked]
    assert links_of(expected, "p3") and links_of(expected, "p29")
    for paper in ("p3", "p29", "nobody"):
        assert links_of(table, paper) == links_of(expected, paper) == [
            link for link in expected if paper in (link.source, link.target)]
    index = {paper: i for i, paper in enumerate(reversed(sorted(corpus)))}
    for ours, theirs in zip(link_ends(table, index), link_ends(expected, index), strict=True):
        assert ours.tolist() == theirs.tolist()
    assert pickle.loads(pickle.dumps(table)) == expected
    assert LinkTable.of(expected) == table and LinkTable.of(table) is table
    with pytest.raises(IndexError, match="out of range"):
        table[len(table)]


def test_common_entities_weigh_in_but_make_no_pairs():
    # 40 papers; e0 and e1 in many of them, the rest in a few: above pair_df an entity adds
    # its weight to pairs found through rarer ones, and pairs sharing only it are not links
    corpus = {}
    for i in range(40):
        entities = {f"e{2 + (i * 5 + k) % 13}" for k in range(i % 3 + 1)}
        entities |= {"e0"} if i % 3 else set()
        entities |= {"e1"} if i % 2 == 0 else set()
        corpus[f"p{i:02d}"] = entities
    df = {e: sum(e in es for es in corpus.values()) for e in set().union(*corpus.values())}
    assert df["e0"] == 26 and df["e1"] == 20 and max(df[f"e{j}"] for j in range(2, 15)) <= 8
    for top_k in (2, 5, 1000):
        unbound = paper_links(corpus, top_k=top_k, max_df=1.0, pair_df=None)
        assert unbound == _links_as_objects(corpus, top_k=top_k, max_df=1.0)
        # not binding: the same links, to the bit, as without the bound
        assert paper_links(corpus, top_k=top_k, max_df=1.0, pair_df=26) == unbound
        for pair_df in (8, 20, 25):
            bound = paper_links(corpus, top_k=top_k, max_df=1.0, pair_df=pair_df)
            assert bound == _links_as_objects(corpus, top_k=top_k, max_df=1.0, pair_df=pair_df)
            assert all(min(df[e] for e in link.shared) <= pair_df for link in bound)
            assert any("e0" in link.shared for link in bound)  # weighs in where a rarer one pairs
            if top_k == 1000:  # every pair a link: those sharing only e0 and e1 are gone
                assert len(bound) < len(unbound)


def test_a_table_of_no_links():
    table = paper_links({"a": {"x"}, "b": {"y"}})
    assert len(table) == 0 and list(table) == [] and table == () and [a.tolist() for a in link_ends(table, {})] == [[], [], []]


def test_a_table_of_links_read_from_a_file_may_share_nothing():
    # LinkTable.of takes any links (kgraph.json's): a row without shared entities reads back as ()
    links = [Link("a", "b", 1.0), Link("b", "c", 2.0, ("x", "y")), Link("a", "c", 0.5)]
    table = LinkTable.of(links)
    assert list(table) == links and table.take([2, 1, 0]) == links[::-1] and table[0].shared == ()
