"""Merge records that describe the same paper, and give different papers different ids.

Two records are one paper when they share a DOI, an arXiv id (version ignored), or a
normalised title (and the same year, when both know it). The merged paper keeps the
richest value of every field and the sources of all records.

Records that are *not* one paper may still bring the same id: exports reuse their own
ids (paperlists numbers papers per year, so ``paper722`` is a different paper each
year), and two papers of one title but different years hash to one title id. Since the
id names the paper in the RDF, the cache and the graph, :func:`distinct_ids` gives each
such paper its own id.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import replace

from ..errors import InputError
from ..model import Paper, SourceRef
from .ids import normalise_arxiv, normalise_doi, title_key
from .report import ReadReport


def _keys(paper: Paper) -> list[str]:
    keys = []
    if paper.doi:
        keys.append("doi:" + normalise_doi(paper.doi))
    if paper.arxiv_id:
        keys.append("arxiv:" + normalise_arxiv(paper.arxiv_id))
    keys.append(f"title:{title_key(paper.title)}:{paper.year or ''}")
    if paper.year is not None:
        # lets a dated record meet an undated copy of the same title
        keys.append(f"title:{title_key(paper.title)}:")
    return keys


def _compatible(kept: Paper, other: Paper) -> bool:
    # same title but different known years: a new edition or a namesake, not a duplicate
    # (a shared DOI or arXiv id still merges them)
    if kept.year is None or other.year is None or kept.year == other.year:
        return True
    return bool((kept.doi and other.doi and normalise_doi(kept.doi) == normalise_doi(other.doi))
                or (kept.arxiv_id and other.arxiv_id
                    and normalise_arxiv(kept.arxiv_id) == normalise_arxiv(other.arxiv_id)))


def _richer(a: str | None, b: str | None) -> str | None:
    return b if (b and (not a or len(b) > len(a))) else a


def merge(kept: Paper, other: Paper) -> Paper:
    """Combine two records of one paper, field by field keeping what is known and longest."""
    return replace(
        kept,
        title=_richer(kept.title, other.title) or kept.title,
        abstract=_richer(kept.abstract, other.abstract) or kept.abstract,
        year=kept.year or other.year,
        authors=kept.authors if len(kept.authors) >= len(other.authors) else other.authors,
        doi=kept.doi or other.doi,
        arxiv_id=kept.arxiv_id or other.arxiv_id,
        url=kept.url or other.url,
        venue=kept.venue or other.venue,
        sources=kept.sources + tuple(s for s in other.sources if s not in kept.sources),
    )


def deduplicate(papers: Iterable[Paper], report: ReadReport | None = None) -> list[Paper]:
    """Return the papers with duplicates merged, in first-seen order, each with its own id.

    The kept paper's id is the first record's id, so ids stay stable when a later file
    repeats a paper; see :func:`distinct_ids` for papers that share an id without being
    one paper.
    """
    merged: list[Paper] = []
    index: dict[str, int] = {}
    for paper in papers:
        slot = next((index[k] for k in _keys(paper) if k in index and _compatible(merged[index[k]], paper)), None)
        if slot is None:
            slot = len(merged)
            merged.append(paper)
        else:
            kept = merged[slot]
            if report is not None:
                report.duplicates.append((kept.id, str(paper.sources[0]) if paper.sources else "?",
                                          str(kept.sources[0]) if kept.sources else "?"))
            merged[slot] = merge(kept, paper)
        for key in _keys(merged[slot]):
            index.setdefault(key, slot)
    return distinct_ids(merged, report)


def id_suffix(paper: Paper) -> str:
    """A short hash of what tells a paper apart (its title and year), stable across runs.

    >>> id_suffix(Paper("paper722", "A Title", "x", year=2020)) == id_suffix(Paper("other", "a title", "y", year=2020))
    True
    """
    return hashlib.sha1(f"{title_key(paper.title)}|{paper.year or ''}".encode()).hexdigest()[:8]


def distinct_ids(papers: Sequence[Paper], report: ReadReport | None = None) -> list[Paper]:
    """The papers (already deduplicated) with every id used once.

    The first paper with an id keeps it; each later one becomes ``ID~SUFFIX`` with
    :func:`id_suffix`, so it keeps its new id from run to run; one warning counts them
    and names the first.

    >>> a, b = Paper("paper722", "Old", "x", year=2020), Paper("paper722", "New", "y", year=2021)
    >>> [p.id for p in distinct_ids([a, b])] == ["paper722", "paper722~" + id_suffix(b)]
    True
    """
    taken = {paper.id for paper in papers}
    used: set[str] = set()
    result: list[Paper] = []
    renamed: list[tuple[Paper, str]] = []
    for paper in papers:
        if paper.id not in used:
            used.add(paper.id)
            result.append(paper)
            continue
        new = f"{paper.id}~{id_suffix(paper)}"
        number = 1
        while new in used or new in taken:  # same title and year under one id: number them
            number += 1
            new = f"{paper.id}~{id_suffix(paper)}-{number}"
        used.add(new)
        renamed.append((paper, new))
        result.append(replace(paper, id=new))
    if renamed and report is not None:
        paper, new = renamed[0]
        first = next(p for p in result if p.id == paper.id)
        where = paper.sources[0] if paper.sources else SourceRef("?")
        report.problem(InputError(
            f"{len(renamed)} papers share their id with a different paper and were given their own, e.g. "
            f"{paper.id!r} is now {new!r} here ({paper.title[:60]!r}; the first with that id is at "
            f"{first.sources[0] if first.sources else '?'})", where.path, where.line), skipped=0)
    return result
