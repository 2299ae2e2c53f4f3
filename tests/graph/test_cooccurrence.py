"""Materialised aggregates against brute force on random corpora."""

from __future__ import annotations

import random
from collections import Counter

import pytest

from kgraph.graph.cooccurrence import kind_ranks, top_cooccurring, year_rankings
from kgraph.model import Entity, EntityKind


def _corpus(seed: int):
    rng = random.Random(seed)
    kinds = list(EntityKind)
    kind_of = {f"e{i:03d}": rng.choice(kinds) for i in range(120)}
    papers_of: dict[str, list[str]] = {e: [] for e in kind_of}
    for p in range(300):
        for e in rng.sample(sorted(kind_of), rng.randint(1, 12)):
            papers_of[e].append(f"p{p}")
    return {e: ps for e, ps in papers_of.items() if ps}, kind_of


def _brute(papers_of, entity):
    mine = set(papers_of[entity])
    counts = Counter({o: len(mine & set(ps)) for o, ps in papers_of.items() if o != entity})
    return sorted(((o, n) for o, n in counts.items() if n), key=lambda x: (-x[1], x[0]))


@pytest.mark.parametrize("min_papers", [2, 10])
def test_top_lists_are_exact_overall_and_for_methods_of_a_dataset(min_papers):
    for seed in range(3):
        papers_of, kind_of = _corpus(seed)
        top = top_cooccurring(papers_of, kind_of, top=5, min_papers=min_papers)
        assert set(top) == {e for e, ps in papers_of.items() if len(ps) >= min_papers}
        assert top
        for entity, kept in top.items():
            brute = _brute(papers_of, entity)
            assert kept[:5] == brute[:5]
            if kind_of[entity] is EntityKind.DATASET:
                methods = [x for x in brute if kind_of[x[0]] is EntityKind.METHOD][:5]
                assert [x for x in kept if kind_of[x[0]] is EntityKind.METHOD][:5] == methods
            assert kept == sorted(kept, key=lambda x: (-x[1], x[0]))


def test_kind_ranks_follow_paper_counts_then_labels():
    entities = [Entity(f"e{i}", EntityKind.METHOD if i % 2 else EntityKind.TASK, f"label {9 - i}", f"k{i}") for i in range(10)]
    counts = {f"e{i}": i % 3 for i in range(10)}
    ranks = kind_ranks(entities, counts)
    for kind in (EntityKind.METHOD, EntityKind.TASK):
        members = sorted((e for e in entities if e.kind is kind), key=lambda e: ranks[e.id])
        assert [ranks[e.id] for e in members] == list(range(1, len(members) + 1))
        keys = [(-counts[e.id], e.label) for e in members]
        assert keys == sorted(keys)


def test_kind_ranks_break_paper_ties_by_mentions_then_names():
    # at one paper each, the entity mentioned most leads; at equal mentions, a known name
    # leads one written as a name, which leads a descriptive phrase; the label comes last
    phrase = Entity("p", EntityKind.METRIC, "aspect ratio", "aspect ratio")
    named = Entity("n", EntityKind.METRIC, "FID-50", "FID-50", evidence=("name",))
    known = Entity("k", EntityKind.METRIC, "MAE", "MAE", evidence=("name", "known"))
    talked = Entity("t", EntityKind.METRIC, "spatial redundancy", "spatial redundancy")
    frequent = Entity("f", EntityKind.METRIC, "word error rate", "word error rate")
    papers = {"p": 1, "n": 1, "k": 1, "t": 1, "f": 2}
    mentions = {"p": 1, "n": 1, "k": 1, "t": 3, "f": 2}
    ranks = kind_ranks([phrase, named, known, talked, frequent], papers, mentions)
    assert sorted(ranks, key=ranks.__getitem__) == ["f", "t", "k", "n", "p"]


def test_year_rankings_equal_a_full_sort_of_every_kind_and_year():
    """Ranked as if every entity of a kind and year were sorted by (papers that year,
    then position, label, id), with many ties in papers, as a real corpus has."""
    rng = random.Random(7)
    kinds = [EntityKind.METHOD, EntityKind.DATASET]
    entities = [Entity(f"e{i}", kinds[i % 2], f"L{rng.randint(0, 40)}", f"e{i}") for i in range(400)]
    years_of = {e.id: {y: rng.choice([1, 1, 1, 2, 3, 7]) for y in rng.sample(range(2015, 2020), rng.randint(1, 3))}
                for e in entities}
    order = {e.id: rank for rank, e in enumerate(rng.sample(entities, 300))}  # some entities have no position
    for top in (1, 5, 50, 500):
        rankings = year_rankings(entities, years_of, top=top, order=order)
        for (kind, year), ranking in rankings.items():
            members = sorted((e for e in entities if e.kind is kind and year in years_of[e.id]),
                             key=lambda e: (-years_of[e.id][year], order.get(e.id, len(order)), e.label, e.id))
            assert ranking.ranked == tuple((e.id, years_of[e.id][year]) for e in members[:top])
            assert ranking.floor == (years_of[members[top].id][year] if len(members) > top else 0)
