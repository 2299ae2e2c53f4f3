"""Time: when each entity appears, peaks and fades; which entities emerge; bursts.

Everything here is a pure function of the papers' years and which entities each paper
mentions:

* :func:`date_from_arxiv_id` dates a paper by its arXiv identifier (``2403.01234`` was
  submitted in March 2024) when its record gives no year;
* years or months: the functions below take any consecutive integer periods, so the
  same code counts by year or by month (:func:`month_index`);
* :func:`series` counts an entity's papers per year, with the share of that year's
  papers, its first and peak years and its bursts;
* :func:`bursts` is Kleinberg's two-state burst detection for batched counts (J.
  Kleinberg, "Bursty and hierarchical structure in streams", KDD 2002 / Data Mining and
  Knowledge Discovery 7, 2003, section 4.1: binomial emissions, a base rate and a rate
  ``s`` times higher, a cost ``gamma * ln(n)`` for entering the burst state), solved
  exactly by Viterbi;
* :func:`emerging` ranks entities by how much their share of the corpus grew since a year
  (or shrank: ``fading``), normalised by the corpus's own growth, with a minimum support.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

_NEW_ARXIV = re.compile(r"^(?:arxiv:)?(\d{2})(\d{2})\.\d{4,5}$", re.IGNORECASE)
_OLD_ARXIV = re.compile(r"^(?:arxiv:)?[a-z\-]+(?:\.[A-Z]{2})?/(\d{2})(\d{2})\d{3}$", re.IGNORECASE)


def date_from_arxiv_id(arxiv_id: str | None) -> tuple[int, int] | None:
    """The (year, month) an arXiv identifier was issued in (new ``YYMM.NNNNN`` and old
    ``cs/YYMMNNN`` forms).

    >>> date_from_arxiv_id("2403.01234"), date_from_arxiv_id("cs/9905012"), date_from_arxiv_id("2413.00001")
    ((2024, 3), (1999, 5), None)
    """
    if not arxiv_id:
        return None
    match = _NEW_ARXIV.match(arxiv_id.strip()) or _OLD_ARXIV.match(arxiv_id.strip())
    if match is None or not 1 <= int(match.group(2)) <= 12:
        return None
    yy = int(match.group(1))
    return (1900 if yy >= 91 else 2000) + yy, int(match.group(2))


def year_from_arxiv_id(arxiv_id: str | None) -> int | None:
    """The year an arXiv identifier was issued in.

    >>> year_from_arxiv_id("2403.01234"), year_from_arxiv_id("cs/9905012"), year_from_arxiv_id("hep-th/0101001")
    (2024, 1999, 2001)
    >>> year_from_arxiv_id("2413.00001"), year_from_arxiv_id("not an id"), year_from_arxiv_id(None)
    (None, None, None)
    """
    date = date_from_arxiv_id(arxiv_id)
    return date[0] if date else None


# Months are counted on one integer axis (year * 12 + month - 1) so that every function
# here, written for consecutive years, works on months unchanged.
def month_index(year: int, month: int) -> int:
    """A month as one integer: consecutive months are consecutive integers.

    >>> month_index(2026, 1) - month_index(2025, 12)
    1
    """
    return year * 12 + month - 1


def month_name(index: int) -> str:
    """``YYYY-MM`` of a :func:`month_index`.

    >>> month_name(month_index(2025, 3))
    '2025-03'
    """
    return f"{index // 12}-{index % 12 + 1:02d}"


def period_name(period: int, by: str) -> int | str:
    """A period as shown: the year itself, or a :func:`month_index`'s ``YYYY-MM``.

    >>> period_name(2025, "year"), period_name(month_index(2025, 3), "month")
    (2025, '2025-03')
    """
    return month_name(period) if by == "month" else period


def parse_period(text: str | int, by: str) -> int:
    """A ``--since`` value on the axis of ``by`` (``year`` or ``month``): ``2026`` or
    ``2026-01`` (a year alone means its January when counting months).

    >>> parse_period("2026", "year"), month_name(parse_period("2026-02", "month"))
    (2026, '2026-02')
    >>> month_name(parse_period(2026, "month"))
    '2026-01'
    """
    match = re.fullmatch(r"\s*(\d{4})(?:-(\d{1,2}))?\s*", str(text))
    if match is None or (match.group(2) and not 1 <= int(match.group(2)) <= 12):
        raise ValueError(f"not a year or a YYYY-MM month: {text!r}")
    if by == "year":
        if match.group(2):
            raise ValueError(f"{text!r} is a month; count by month (--by month) to start from one")
        return int(match.group(1))
    return month_index(int(match.group(1)), int(match.group(2) or 1))


@dataclass(frozen=True, slots=True)
class Burst:
    """Years ``start``..``end`` (inclusive) in which an entity was used at a raised rate; ``weight``
    is how much likelier the burst state makes those years' counts (Kleinberg's weight)."""

    start: int
    end: int
    weight: float


@dataclass(frozen=True, slots=True)
class Series:
    """An entity's papers per year, its share of each year's papers, first/peak year and bursts."""

    years: dict[int, int]
    share: dict[int, float]
    first_year: int | None
    peak_year: int | None
    bursts: tuple[Burst, ...]


def _emission_cost(r: int, d: int, p: float) -> float:
    """-ln of the binomial probability of ``r`` relevant of ``d`` at rate ``p``."""
    if d == 0:
        return 0.0
    if r == 0:  # most years of most entities: the same value without three lgamma calls
        return -(d * math.log1p(-p))
    log_choose = math.lgamma(d + 1) - math.lgamma(r + 1) - math.lgamma(d - r + 1)
    return -(log_choose + r * math.log(p) + (d - r) * math.log1p(-p))


def bursts(counts: Mapping[int, int], totals: Mapping[int, int], s: float = 2.0, gamma: float = 1.0) -> list[Burst]:
    """Kleinberg's two-state bursts of an entity's yearly paper counts against the corpus's.

    Parameters
    ----------
    counts
        Year -> papers mentioning the entity.
    totals
        Year -> papers of the corpus (every year of the corpus, so that quiet years count).
    s
        How much higher the burst rate is than the base rate (Kleinberg's ``s``).
    gamma
        The cost of entering the burst state, in units of ``ln(number of years)``.

    Returns
    -------
    list of Burst
        Maximal runs of years in the burst state, earliest first.

    Examples
    --------
    >>> totals = {y: 100 for y in range(2010, 2020)}
    >>> counts = {2010: 2, 2011: 1, 2012: 2, 2013: 20, 2014: 25, 2015: 3, 2016: 2, 2017: 1, 2018: 2, 2019: 2}
    >>> [(b.start, b.end) for b in bursts(counts, totals)]
    [(2013, 2014)]
    >>> bursts({y: 2 for y in totals}, totals)
    []
    """
    years = sorted(totals)
    d = [totals[y] for y in years]
    r = [min(counts.get(y, 0), totals[y]) for y in years]
    if not years or sum(d) == 0 or sum(r) == 0:
        return []
    p0 = sum(r) / sum(d)
    p1 = min(s * p0, 0.9999)
    if p1 <= p0:
        return []
    up = gamma * math.log(len(years)) if len(years) > 1 else gamma
    # a year in the burst state saves at most r * ln(p1 / p0) <= r * ln(s) over the base
    # state, and a burst costs `up` to enter: an entity with too few papers has none (most
    # entities: one paper to three at s = 2 over nine years), and the Viterbi pass is skipped
    if sum(r) * math.log(p1 / p0) < up - 1e-9:  # the margin: float sums never turn the verdict
        return []
    return _viterbi_bursts(years, r, d, p0, p1, up)


def _viterbi_bursts(years: Sequence[int], r: Sequence[int], d: Sequence[int], p0: float, p1: float,
                    up: float) -> list[Burst]:
    """The bursts of :func:`bursts`: the cheapest two-state path over the years, its runs in state 1."""
    cost = [[_emission_cost(ri, di, p0), _emission_cost(ri, di, p1)] for ri, di in zip(r, d)]
    # Viterbi over two states; entering state 1 costs `up`, leaving it is free
    best = [cost[0][0], cost[0][1] + up]
    back: list[list[int]] = []
    for t in range(1, len(years)):
        stay0, from1 = best[0], best[1]
        to1 = min(best[0] + up, best[1])
        back.append([0 if stay0 <= from1 else 1, 0 if best[0] + up < best[1] else 1])
        best = [min(stay0, from1) + cost[t][0], to1 + cost[t][1]]
    state = 0 if best[0] <= best[1] else 1
    path = [state]
    for t in range(len(years) - 2, -1, -1):
        state = back[t][state]
        path.append(state)
    path.reverse()
    out, t = [], 0
    while t < len(years):
        if path[t] == 1:
            start = t
            while t + 1 < len(years) and path[t + 1] == 1:
                t += 1
            weight = sum(cost[k][0] - cost[k][1] for k in range(start, t + 1))
            out.append(Burst(years[start], years[t], round(weight, 3)))
        t += 1
    return out


def series(counts: Mapping[int, int], totals: Mapping[int, int]) -> Series:
    """An entity's :class:`Series` from its papers per year and the corpus's.

    >>> s = series({2019: 1, 2021: 6, 2022: 4}, {2019: 10, 2020: 10, 2021: 20, 2022: 40})
    >>> s.first_year, s.peak_year, s.share[2021]
    (2019, 2021, 0.3)
    """
    years = {y: n for y, n in sorted(counts.items()) if n}
    share = {y: round(n / totals[y], 6) for y, n in years.items() if totals.get(y)}
    return Series(years, share, min(years) if years else None,
                  max(years, key=lambda y: (years[y], -y)) if years else None, tuple(bursts(years, totals)))


def year_counts(papers_of: Mapping[str, Iterable[str]], year_of: Mapping[str, int | None]) -> dict[str, Counter[int]]:
    """Entity -> papers per year (papers without a year are not counted)."""
    out: dict[str, Counter[int]] = {}
    for entity, papers in papers_of.items():
        counted = Counter(year for p in papers if (year := year_of.get(p)) is not None)
        if counted:
            out[entity] = counted
    return out


@dataclass(frozen=True, slots=True)
class Change:
    """How an entity's use changed since a year: papers before and after, and the score."""

    entity: str
    score: float
    before: int
    after: int
    first_year: int | None


def emerging(counts: Mapping[str, Mapping[int, int]], totals: Mapping[int, int], since: int | None = None,
             min_papers: int = 5, fading: bool = False) -> list[Change]:
    """Entities ranked by the growth of their share of the corpus from before ``since`` to since.

    The score is the log of (share since + a) / (share before + a), with ``a`` half a paper
    of each period (so a first appearance counts, but one paper is not a trend); corpus
    growth cancels because shares are used. ``since`` defaults to the middle year of the
    corpus. Entities in fewer than ``min_papers`` papers are left out. ``fading`` ranks
    the most negative scores first.

    >>> totals = {2019: 100, 2020: 100, 2021: 200, 2022: 200}
    >>> flat = {y: n // 20 for y, n in totals.items()}
    >>> counts = {"new": {2021: 20, 2022: 30}, "old": {2019: 30, 2020: 20, 2022: 1}, "flat": flat}
    >>> [c.entity for c in emerging(counts, totals, since=2021)]
    ['new', 'flat', 'old']
    >>> [c.entity for c in emerging(counts, totals, 2021, fading=True)]
    ['old', 'flat', 'new']
    """
    years = sorted(totals)
    if not years:
        return []
    since = since if since is not None else years[len(years) // 2]
    before_total = sum(n for y, n in totals.items() if y < since)
    after_total = sum(n for y, n in totals.items() if y >= since)
    if not before_total or not after_total:
        return []
    out = []
    for entity, by_year in counts.items():
        before = sum(n for y, n in by_year.items() if y < since)
        after = sum(n for y, n in by_year.items() if y >= since)
        if before + after < min_papers:
            continue
        score = math.log((after + 0.5) / after_total) - math.log((before + 0.5) / before_total)
        first = min((y for y, n in by_year.items() if n), default=None)
        out.append(Change(entity, round(score, 4), before, after, first))
    out.sort(key=lambda c: (c.score if fading else -c.score, c.entity))
    return out
