"""The arXiv metadata snapshot (Kaggle/OAI JSON Lines), and arXiv API records as JSON.

Fields: ``id``, ``title``, ``abstract``, ``authors`` (one LaTeX string), ``authors_parsed``
(``[[last, first, suffix], ...]``), ``categories``, ``doi``, ``journal-ref``,
``versions`` (``[{"version", "created"}]``), ``update_date``. Titles and abstracts keep
arXiv's hard line wraps and TeX accents; both are undone here.
"""

from __future__ import annotations

import re
from typing import Any

from ..model import Paper, SourceRef
from ..text.markup import decode_latex
from .fields import split_authors
from .records import as_object, make_paper, nested


def is_arxiv_snapshot(record: dict[str, Any]) -> bool:
    """True for a record of the arXiv metadata snapshot."""
    return "versions" in record or "authors_parsed" in record or "update_date" in record


_ARXIV_LINK = re.compile(r"arxiv\.org/(?:abs|pdf)/")


def is_arxiv_api(record: dict[str, Any]) -> bool:
    """True for a record of the arXiv API turned into JSON: a ``summary`` and a link to arxiv.org.

    >>> is_arxiv_api({"id": "1804.06498", "summary": "We ...", "abs": "https://arxiv.org/abs/1804.06498"})
    True
    >>> is_arxiv_api({"title": "T", "abstract": "A", "url": "https://arxiv.org/abs/1804.06498"})
    False
    """
    links = (record.get(key) for key in ("id", "abs", "pdf", "link", "url"))
    return isinstance(record.get("summary"), str) and any(isinstance(v, str) and _ARXIV_LINK.search(v) for v in links)


def decoded_api_record(record: dict[str, Any]) -> dict[str, Any]:
    """An arXiv API record with its title and summary decoded from TeX ("40.0\\%" -> "40.0%"),
    the rest read by name as any JSON record is."""
    return {**record, "title": _text(record.get("title")), "summary": _text(record.get("summary"))}


def _authors(record: dict[str, Any]) -> tuple[str, ...]:
    parsed = record.get("authors_parsed")
    if isinstance(parsed, list) and all(isinstance(p, list) for p in parsed):
        names = (" ".join(str(x) for x in (p[1:2] + p[:1] + p[2:3]) if x) for p in parsed)
        return tuple(decode_latex(" ".join(n.split())) for n in names if n.strip())
    authors = record.get("authors")
    return split_authors(decode_latex(authors) if isinstance(authors, str) else authors, comma_list=True)


def _text(value: Any) -> Any:
    return decode_latex(value) if isinstance(value, str) else value


def snapshot_paper(record: Any, source: SourceRef) -> Paper:
    """A Paper from one snapshot record; the year is that of the first version.

    Raises
    ------
    ValueError
        When the record has no title or abstract, or a field has the wrong shape.
    """
    record = as_object(record)
    versions = record.get("versions")
    first = nested(versions[0], "created") if isinstance(versions, list) and versions else None
    arxiv_id = record.get("id")
    return make_paper(
        source,
        _text(record.get("title")),
        _text(record.get("abstract")),
        year=first or record.get("update_date"),
        authors=_authors(record),
        doi=record.get("doi"),
        arxiv_id=arxiv_id,
        url=f"https://arxiv.org/abs/{arxiv_id}" if isinstance(arxiv_id, str) and arxiv_id else None,
        venue=_text(record.get("journal-ref")),
    )
