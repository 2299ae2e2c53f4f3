"""Reader for JSON Lines: one ``{"id", "title", "abstract", ...}`` object per line.

The abstract may also be called ``summary`` (arXiv). Optional fields: ``year``, ``authors`` (list, or one string with ``;`` or `` and ``),
``doi``, ``arxiv_id``, ``url``, ``venue``. Unknown fields are ignored.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..model import Paper, SourceRef
from .ids import paper_id
from .report import ReadReport
from .textfile import read_text

_AUTHOR_SPLIT = re.compile(r"\s*;\s*|\s+and\s+")
_YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")


def _text(record: dict[str, Any], key: str) -> str:
    value = record.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValueError(f"field {key!r} should be a string, got {type(value).__name__}")
    return " ".join(value.split())


def _year(value: Any) -> int | None:
    if value is None or value == "":
        return None
    match = _YEAR.search(str(value))
    if not match:
        raise ValueError(f"field 'year' has no year in it: {value!r}")
    return int(match.group(1))


def _authors(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return tuple(a for a in _AUTHOR_SPLIT.split(value.strip()) if a)
    if isinstance(value, list):
        return tuple(str(a).strip() for a in value if str(a).strip())
    raise ValueError(f"field 'authors' should be a list or a string, got {type(value).__name__}")


def paper_from_record(record: Any, source: SourceRef) -> Paper:
    """Build a Paper from one decoded JSON object.

    Raises
    ------
    ValueError
        When the record is not an object, lacks a title or abstract, or a field has the
        wrong type; the caller turns it into an :class:`InputError` with the line.
    """
    if not isinstance(record, dict):
        raise ValueError(f"expected a JSON object, got {type(record).__name__}")
    title = _text(record, "title")
    abstract = _text(record, "abstract") or _text(record, "summary")  # arXiv API/listing name
    if not title:
        raise ValueError("record has no 'title'")
    if not abstract:
        raise ValueError(f"record has no 'abstract' (title {title[:60]!r})")
    doi = _text(record, "doi") or None
    arxiv_id = _text(record, "arxiv_id") or None
    given = record.get("id")
    return Paper(
        id=paper_id(title, doi=doi, arxiv_id=arxiv_id, given=str(given) if given not in (None, "") else None),
        title=title,
        abstract=abstract,
        year=_year(record.get("year")),
        authors=_authors(record.get("authors")),
        doi=doi,
        arxiv_id=arxiv_id,
        url=_text(record, "url") or None,
        venue=_text(record, "venue") or None,
        sources=(source,),
    )


def read_jsonl(path: Path, report: ReadReport) -> Iterator[Paper]:
    """Yield one Paper per valid line; bad lines are reported with their number and skipped."""
    try:
        text = read_text(path)
    except InputError as exc:
        report.problem(exc, skipped=0)
        return
    source = str(path)
    found = False
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        found = True
        try:
            paper = paper_from_record(json.loads(line), SourceRef(source, number))
        except json.JSONDecodeError as exc:
            report.problem(InputError(f"invalid JSON ({exc.msg} at column {exc.colno})", source, number))
            continue
        except ValueError as exc:
            report.problem(InputError(str(exc), source, number))
            continue
        report.paper(source)
        yield paper
    if not found:
        report.problem(InputError("no papers found (the file is empty)", source), skipped=0)
