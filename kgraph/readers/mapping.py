"""Generic records (JSON objects, CSV rows) mapped to Paper fields by name.

Each Paper field has a list of names it goes by in common exports (Scopus, Web of
Science, IEEE Xplore, Springer, Lens, Zotero CSV, arXiv listings); names are compared
case-insensitively, ignoring spaces and punctuation. A user mapping
(``{"abstract": "Summary"}``) is tried first.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from ..errors import InputError
from ..model import Paper, SourceRef
from .fields import split_authors
from .records import as_object, make_paper

FIELDS = ("id", "title", "abstract", "year", "authors", "doi", "arxiv_id", "url", "venue")

ALIASES: dict[str, tuple[str, ...]] = {
    "id": ("id", "eid", "unique wos id", "ut", "lens id", "key", "record id"),
    "title": ("title", "document title", "article title", "item title", "ti", "display name", "paper title"),
    "abstract": ("abstract", "summary", "ab", "abstract note", "description"),
    "year": ("year", "publication year", "py", "pubyear", "date", "publication date", "published", "issued"),
    "authors": ("authors", "author", "author full names", "author names", "au", "af", "creators"),
    "doi": ("doi", "di", "item doi"),
    "arxiv_id": ("arxiv id", "arxiv", "arxivid", "eprint", "abs"),
    "url": ("url", "link", "pdf link", "pdf", "landing page"),
    "venue": ("venue", "journal", "source title", "publication title", "source", "so", "journal ref", "booktitle",
              "publication"),
}


def _norm(name: str) -> str:
    return re.sub(r"[\W_]+", " ", name).strip().casefold()


def parse_mapping(items: Mapping[str, str] | None) -> dict[str, str]:
    """A user mapping ``{paper field: column name}``, checked.

    Raises
    ------
    InputError
        When a key is not a Paper field.
    """
    mapping = dict(items or {})
    unknown = sorted(set(mapping) - set(FIELDS))
    if unknown:
        raise InputError(f"unknown field(s) in the mapping: {', '.join(unknown)}; map any of {', '.join(FIELDS)}")
    return mapping


def resolve_columns(names: list[str], mapping: Mapping[str, str] | None = None) -> dict[str, str]:
    """Which of ``names`` (a header or an object's keys) feeds each Paper field."""
    by_norm: dict[str, str] = {}
    for name in names:
        by_norm.setdefault(_norm(name), name)
    chosen: dict[str, str] = {}
    for field in FIELDS:
        wanted = ((mapping or {}).get(field),) if (mapping or {}).get(field) else ALIASES[field]
        for alias in wanted:
            if alias is not None and _norm(alias) in by_norm:
                chosen[field] = by_norm[_norm(alias)]
                break
    return chosen


_INITIALS_LIST = re.compile(r"[A-Z]\.,\s")


def _authors(value: Any) -> tuple[str, ...]:
    # Scopus' older exports: "Phillips J.C., Braun R., Wang W." (commas between names)
    comma_list = isinstance(value, str) and ";" not in value and bool(_INITIALS_LIST.search(value))
    return split_authors(value, comma_list=comma_list)


def mapped_paper(record: Any, source: SourceRef, mapping: Mapping[str, str] | None = None,
                 columns: Mapping[str, str] | None = None) -> Paper:
    """A Paper from a flat record, its fields found by :func:`resolve_columns`.

    ``columns`` (already resolved, e.g. once per CSV header) skips the lookup.

    Raises
    ------
    ValueError
        When the record is not an object or lacks a title or abstract.
    """
    record = as_object(record)
    cols = columns if columns is not None else resolve_columns([k for k in record if isinstance(k, str)], mapping)

    def get(field: str) -> Any:
        return record.get(cols[field]) if field in cols else None

    arxiv = get("arxiv_id")
    if arxiv is None and isinstance(record.get("categories"), list) and isinstance(record.get("id"), str):
        arxiv = record["id"]  # arXiv listing records: the id is the arXiv id
    return make_paper(
        source,
        get("title"),
        get("abstract"),
        year=get("year"),
        authors=_authors(get("authors")),
        doi=get("doi"),
        arxiv_id=arxiv if isinstance(arxiv, str) and ("arxiv" in arxiv.lower() or arxiv[:1].isdigit()) else None,
        url=get("url"),
        venue=get("venue"),
        given_id=get("id"),
    )
