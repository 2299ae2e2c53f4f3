"""Semantic Scholar: Graph API paper objects and S2ORC metadata records.

Graph API (``/graph/v1/paper``): ``paperId``, ``externalIds`` (``DOI``, ``ArXiv``),
``title``, ``abstract``, ``year``, ``authors`` (``[{"authorId", "name"}]``), ``venue``,
``journal``, ``url``. S2ORC metadata: ``paper_id``, ``authors``
(``[{"first", "middle", "last", "suffix"}]``), ``abstract``, ``year``, ``doi``,
``arxiv_id``, ``venue``, ``journal``, ``s2_url``.
"""

from __future__ import annotations

from typing import Any

from ..model import Paper, SourceRef
from .records import as_object, make_paper, nested, pick


def is_semantic_scholar(record: dict[str, Any]) -> bool:
    """True for a Graph API paper or an S2ORC metadata record."""
    return any(key in record for key in ("paperId", "paper_id", "externalIds", "corpusId", "s2_url"))


def _name(author: Any) -> str:
    if isinstance(author, str):
        return author
    if not isinstance(author, dict):
        raise ValueError(f"an author should be an object, got {type(author).__name__}")
    if isinstance(name := author.get("name"), str):
        return name
    middle = author.get("middle")
    parts = [author.get("first"), *(middle if isinstance(middle, list) else [middle]), author.get("last"),
             author.get("suffix")]
    return " ".join(p.strip() for p in parts if isinstance(p, str) and p.strip())


def s2_paper(record: Any, source: SourceRef) -> Paper:
    """A Paper from one Semantic Scholar record (Graph API or S2ORC metadata).

    Raises
    ------
    ValueError
        When the record has no title or abstract, or a field has the wrong shape.
    """
    record = as_object(record)
    authors = record.get("authors")
    if authors is not None and not isinstance(authors, list):
        raise ValueError(f"field 'authors' should be a list, got {type(authors).__name__}")
    given = pick(record, "paperId", "paper_id", "corpusId")
    journal = record.get("journal")
    return make_paper(
        source,
        record.get("title"),
        record.get("abstract"),
        year=pick(record, "year", "publicationDate"),
        authors=tuple(n for n in (" ".join(_name(a).split()) for a in authors or []) if n),
        doi=pick(record, "doi") or nested(record, "externalIds", "DOI"),
        arxiv_id=pick(record, "arxiv_id") or nested(record, "externalIds", "ArXiv"),
        url=pick(record, "url", "s2_url"),
        venue=pick(record, "venue") or (nested(journal, "name") if isinstance(journal, dict) else journal),
        given_id=f"s2:{given}" if given not in (None, "") else None,
    )
