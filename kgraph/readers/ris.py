"""Reader for RIS (``TY  -`` ... ``ER  -``), as Zotero, EndNote, Mendeley, IEEE Xplore and Scopus export it.

The file is cut into records at ``TY`` lines so each can be reported by its line; each
record is parsed by rispy. Title: ``TI``/``T1``; abstract: ``AB``/``N2``; year:
``PY``/``Y1``/``DA``; authors: ``AU``/``A1``; ``DO`` DOI; ``UR`` URL; venue ``T2``/``JO``/``JF``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import rispy

from ..errors import InputError
from ..model import Paper, SourceRef
from .fields import display_name
from .records import Records, lines, make_paper, pick, read_records
from .report import ReadReport

_TAG = re.compile(r"^([A-Z][A-Z0-9])  -(?: (.*))?$")


def ris_records(text: str, source: str) -> Records:
    """Records (rispy dicts) with the line of their ``TY``; a record without ``ER`` is truncated."""
    chunk: list[str] = []
    start: int | None = None
    for number, raw in enumerate(lines(text), start=1):
        line = raw.rstrip()
        match = _TAG.match(line)
        tag = match.group(1) if match else None
        if tag == "TY":
            if start is not None:
                yield start, InputError("record has no end (ER) before the next TY", source, start)
            start, chunk = number, [line]
        elif start is None:
            if line.strip():
                yield number, InputError(f"text outside a record: {line.strip()[:60]!r}", source, number)
        elif tag == "ER":
            chunk.append("ER  - ")
            yield start, _parse(chunk, source, start)
            start, chunk = None, []
        else:
            chunk.append(line)
    if start is not None:
        yield start, InputError("record has no end (ER): the file is truncated", source, start)


def _parse(lines: list[str], source: str, start: int) -> Any:
    try:
        entries = rispy.loads("\n".join(lines) + "\n")
    except (ValueError, KeyError, IndexError, TypeError) as exc:
        return InputError(f"unparsable RIS record ({exc})", source, start)
    return entries[0] if entries else InputError("empty RIS record", source, start)


def ris_paper(record: dict[str, Any], source: SourceRef) -> Paper:
    """A Paper from one rispy record.

    Raises
    ------
    ValueError
        When the record has no title or no abstract.
    """
    authors = [*(record.get("authors") or []), *(record.get("first_authors") or [])]
    urls = record.get("urls") or []
    return make_paper(
        source,
        pick(record, "title", "primary_title"),
        pick(record, "abstract", "notes_abstract"),
        year=pick(record, "year", "publication_year", "date"),
        authors=tuple(dict.fromkeys(n for n in (display_name(a) for a in authors if isinstance(a, str)) if n)),
        doi=record.get("doi"),
        url=urls[0] if urls else None,
        venue=pick(record, "secondary_title", "journal_name", "alternate_title3", "alternate_title1"),
    )


def read_ris(path: Path, report: ReadReport, mapping: Mapping[str, str] | None = None) -> Iterator[Paper]:
    """Yield one Paper per RIS record with a title and an abstract."""
    return read_records(path, report, ris_records, ris_paper)
