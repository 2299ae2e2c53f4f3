"""Reader for BibTeX (Zotero, Mendeley, JabRef, Scopus, Web of Science, PMLR exports).

Parsed with bibtexparser 2. Field names are case-insensitive (Web of Science writes
``Title``/``Abstract``); LaTeX accents and braces are decoded; authors
(``Last, First and ...``) become ``First Last``; an arXiv ``eprint`` is kept as the
arXiv id. A block bibtexparser cannot parse is one warning with its line; an entry with
a repeated field is read (first value kept) with a warning.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, cast

import bibtexparser
from bibtexparser.model import DuplicateFieldKeyBlock, Entry

from ..errors import InputError
from ..model import Paper, SourceRef
from ..text.markup import decode_latex
from .fields import display_name
from .records import Notice, Records, make_paper, read_records
from .report import ReadReport

_AND = re.compile(r"\s+and\s+", re.I)
_ARXIV_DOI = re.compile(r"^10\.48550/arxiv\.(.+)$", re.I)


def _fields(entry: Entry) -> dict[str, str]:
    fields: dict[str, str] = {}
    for field in entry.fields:
        fields.setdefault(field.key.lower(), str(field.value))  # first value of a repeated field
    return fields


def bibtex_entries(text: str, source: str) -> Records:
    """Entries as ``{field: raw value}`` with the line each starts on; failed blocks as errors."""
    logger = logging.getLogger("bibtexparser")
    level, logger.level = logger.level, logging.CRITICAL  # its own messages would repeat ours
    try:
        library = bibtexparser.parse_string(text)  # type: ignore[attr-defined]  # re-exported without __all__
    except RecursionError:
        raise InputError("BibTeX nested too deeply", source) from None
    finally:
        logger.setLevel(level)
    blocks: list[tuple[int, Any]] = []
    for entry in library.entries:
        blocks.append((cast(int, entry.start_line) + 1, _fields(entry)))  # a parsed block knows its line
    for block in library.failed_blocks:
        line = cast(int, block.start_line) + 1
        recovered = getattr(block, "ignore_error_block", None)
        if isinstance(block, DuplicateFieldKeyBlock) and isinstance(recovered, Entry):
            blocks.append((line, Notice(f"entry {recovered.key!r} repeats a field; the first value is read",
                                        source, line)))
            blocks.append((line, _fields(recovered)))
        elif isinstance(recovered, Entry):  # duplicate entry key: a different record, read it too
            blocks.append((line, _fields(recovered)))
        else:
            raw = " ".join(str(getattr(block, "raw", "")).split())[:60]
            why = str(getattr(block, "error", "") or "").strip().splitlines()[-1:] or ["syntax error"]
            blocks.append((line, InputError(f"unparsable BibTeX block ({why[0].strip()[:80]}): {raw!r}", source, line)))
    blocks.sort(key=lambda b: b[0])
    return blocks


def _get(fields: dict[str, str], *names: str) -> str | None:
    for name in names:
        if fields.get(name, "").strip():
            return decode_latex(fields[name])
    return None


def bibtex_paper(fields: dict[str, str], source: SourceRef) -> Paper:
    """A Paper from one entry's fields.

    Raises
    ------
    ValueError
        When the entry has no title or no abstract.
    """
    doi = _get(fields, "doi")
    on_arxiv = fields.get("archiveprefix", "").lower() == "arxiv" or "arxiv" in fields.get("journal", "").lower()
    arxiv = _get(fields, "eprint") if on_arxiv else None
    if arxiv is None and doi and (match := _ARXIV_DOI.match(doi.strip())):
        arxiv = match.group(1)
    authors = _get(fields, "author")
    return make_paper(
        source,
        _get(fields, "title"),
        _get(fields, "abstract"),
        year=_get(fields, "year", "date"),
        month=_get(fields, "month"),
        authors=tuple(n for n in (display_name(a) for a in _AND.split(authors or "")) if n),
        doi=doi,
        arxiv_id=arxiv,
        url=_get(fields, "url"),
        venue=_get(fields, "journal", "booktitle", "journaltitle", "series"),
    )


def read_bibtex(path: Path, report: ReadReport, mapping: Mapping[str, str] | None = None) -> Iterator[Paper]:
    """Yield one Paper per entry with a title and an abstract; others are reported by line."""
    return read_records(path, report, bibtex_entries, bibtex_paper)
