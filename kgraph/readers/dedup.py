"""Merge records that describe the same paper.

Two records are one paper when they share a DOI, an arXiv id (version ignored), or a
normalised title (and the same year, when both know it). The merged paper keeps the
richest value of every field and the sources of all records.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from ..model import Paper
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
    """Return the papers with duplicates merged, in first-seen order.

    The kept paper's id is the first record's id, so ids stay stable when a later file
    repeats a paper.
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
    return merged
