"""Years, yearly series, Kleinberg bursts and emerging entities (kgraph.graph.trends)."""

from __future__ import annotations

import itertools
import math
import random

import pytest

from kgraph.graph import trends
from kgraph.graph.trends import bursts, emerging, series, year_from_arxiv_id


def brute_force_states(counts, totals, s=2.0, gamma=1.0):
    """The cheapest state sequence by trying every one (Kleinberg's cost, as the docstring states it)."""
    years = sorted(totals)
    r = [counts.get(y, 0) for y in years]
    d = [totals[y] for y in years]
    p0 = sum(r) / sum(d)
    p1 = min(s * p0, 0.9999)
    up = gamma * math.log(len(years))
    best = None
    for states in itertools.product((0, 1), repeat=len(years)):
        cost = 0.0
        previous = 0
        for state, ri, di in zip(states, r, d):
            cost += trends._emission_cost(ri, di, p1 if state else p0) + (up if state > previous else 0.0)
            previous = state
        if best is None or cost < best[0] - 1e-9:
            best = (cost, states)
    return best[1]


@pytest.mark.parametrize("seed", range(25))
def test_viterbi_finds_the_cheapest_state_sequence(seed):
    rng = random.Random(seed)
    years = list(range(2000, 2000 + rng.randint(2, 9)))
    totals = {y: rng.randint(20, 200) for y in years}
    counts = {y: rng.randint(0, totals[y] // rng.choice((2, 5, 20))) for y in years}
    if not sum(counts.values()):
        counts[years[0]] = 1
    states = brute_force_states(counts, totals)
    expected = [(years[i], years[j - 1]) for v, group in itertools.groupby(enumerate(states), key=lambda t: t[1]) if v
                for i, j in [(lambda g: (g[0][0], g[-1][0] + 1))(list(group))]]
    assert [(b.start, b.end) for b in bursts(counts, totals)] == expected


@pytest.mark.parametrize("seed", range(5))
def test_skipping_the_viterbi_pass_for_a_rare_entity_changes_no_verdict(seed):
    # the shortcut says an entity whose papers could not pay for entering the burst state
    # has none; the full pass must agree wherever it is taken, and the skipped cases must
    # be common (rare entities are most of a corpus), or the test checks nothing
    rng = random.Random(seed)
    skipped = 0
    for _ in range(300):
        years = list(range(2000, 2000 + rng.randint(2, 20)))
        totals = {y: rng.randint(1, 400) for y in years}
        counts = {y: rng.randint(1, 3) for y in rng.sample(years, rng.randint(1, min(3, len(years))))}
        r = [min(counts.get(y, 0), totals[y]) for y in years]
        d = [totals[y] for y in years]
        p0 = sum(r) / sum(d)
        p1 = min(2 * p0, 0.9999)
        up = math.log(len(years))
        full = trends._viterbi_bursts(years, r, d, p0, p1, up) if p1 > p0 else []
        found = bursts(counts, totals)
        assert found == full, (counts, totals)
        skipped += sum(r) * math.log(p1 / p0) < up - 1e-9 if p1 > p0 else 0
    assert skipped > 50


@pytest.mark.parametrize("seed", range(5))
def test_a_year_without_papers_costs_what_the_binomial_says(seed):
    rng = random.Random(seed)
    for _ in range(200):
        d, p = rng.randint(1, 10**6), rng.uniform(1e-9, 0.9999)
        binomial = -(math.lgamma(d + 1) - math.lgamma(1) - math.lgamma(d + 1) + 0 * math.log(p) + d * math.log1p(-p))
        assert trends._emission_cost(0, d, p) == binomial  # the same float: bursts and weights do not move


def test_a_burst_has_a_positive_weight_and_a_steady_entity_none():
    totals = {y: 1000 for y in range(2010, 2020)}
    found = bursts({**{y: 10 for y in totals}, 2015: 80, 2016: 90}, totals)
    assert [(b.start, b.end) for b in found] == [(2015, 2016)] and found[0].weight > 0
    assert bursts({y: 10 for y in totals}, totals) == []


def test_series_counts_shares_first_and_peak_year():
    s = series({2018: 2, 2020: 9, 2021: 9}, {2018: 100, 2019: 100, 2020: 90, 2021: 300})
    assert s.years == {2018: 2, 2020: 9, 2021: 9} and s.share[2020] == 0.1
    assert (s.first_year, s.peak_year) == (2018, 2020)  # a tie goes to the earlier year


def test_corpus_growth_alone_makes_nothing_emerge():
    totals = {2018: 100, 2019: 100, 2020: 400, 2021: 400}
    steady = {y: n // 10 for y, n in totals.items()}  # 10 % of the papers every year
    rising = {2018: 1, 2019: 1, 2020: 60, 2021: 80}
    ranked = emerging({"steady": steady, "rising": rising, "rare": {2021: 2}}, totals, since=2020)
    assert [c.entity for c in ranked] == ["rising", "steady"]  # "rare" is under min_papers
    assert abs(ranked[1].score) < 0.05 and ranked[0].score > 1


@pytest.mark.parametrize("arxiv_id, year", [("2501.00001", 2025), ("arxiv:1812.04948", 2018), ("0704.0001", 2007),
                                            ("math/9912001", 1999), ("cs.CL/0301001", 2003), ("2500.00001", None)])
def test_year_from_arxiv_id(arxiv_id, year):
    assert year_from_arxiv_id(arxiv_id) == year
