"""Readers: input files -> :class:`~kgraph.model.Paper` records, one module per format.

:func:`read_papers` is the entry point: it picks a reader per file (by ``--format``, by
extension, else by content), collects problems in a :class:`ReadReport` instead of
stopping, and merges duplicates across all inputs. ``-`` reads standard input.

Formats (:data:`READERS`): ``seedpage`` (daily-papers listing pages), ``jsonl`` and
``json`` (any schema below, or generic records found by field name), ``openalex``,
``s2`` (Semantic Scholar Graph API / S2ORC), ``arxiv`` (metadata snapshot), ``atom``
(arXiv API), ``bibtex``, ``ris``, ``csv`` (also TSV; Scopus, IEEE Xplore, WoS,
Springer, Zotero), ``wos`` (Web of Science tagged text).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Protocol

from ..errors import InputError
from ..model import Paper
from ..text.markup import repair_hyphenation
from .atom import read_atom
from .bibtex import read_bibtex
from .csvfile import read_csv, sniff_delimiter
from .dedup import deduplicate
from .jsonl import read_forced, read_json, read_jsonl
from .mapping import parse_mapping, resolve_columns
from .report import ReadReport
from .ris import read_ris
from .seedpage import read_seed_page
from .textfile import STDIN, head_text
from .wos import looks_like_wos, read_wos


class Reader(Protocol):
    def __call__(self, path: Path, report: ReadReport, mapping: Mapping[str, str] | None = None) -> Iterator[Paper]: ...


def _seedpage(path: Path, report: ReadReport, mapping: Mapping[str, str] | None = None) -> Iterator[Paper]:
    return read_seed_page(path, report)


READERS: dict[str, Reader] = {
    "seedpage": _seedpage,
    "jsonl": read_jsonl,
    "json": read_json,
    "openalex": read_forced("openalex"),
    "s2": read_forced("s2"),
    "arxiv": read_forced("arxiv"),
    "atom": read_atom,
    "bibtex": read_bibtex,
    "ris": read_ris,
    "csv": read_csv,
    "wos": read_wos,
}
#: Formats whose columns/fields a user mapping (``--map field=name``) can rename.
MAPPABLE = {"jsonl", "json", "csv"}
_EXTENSIONS = {
    ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "json", ".bib": "bibtex", ".bibtex": "bibtex",
    ".ris": "ris", ".csv": "csv", ".tsv": "csv", ".tab": "csv", ".xml": "atom", ".atom": "atom", ".ciw": "wos",
}
_BIBTEX_ENTRY = re.compile(r"^\s*@\s*\w+\s*[{(]", re.M)
_RIS_START = re.compile(r"^\s*TY  - ", re.M)

__all__ = ["READERS", "ReadReport", "deduplicate", "detect_format", "expand_paths", "parse_format", "read_papers"]


def sniff_format(head: str) -> str:
    """Name of the reader for a text, from its first few kilobytes.

    >>> sniff_format("TY  - JOUR\\nTI  - A title"), sniff_format("@article{k, title={T}}")
    ('ris', 'bibtex')
    """
    text = head.lstrip("\ufeff \t\r\n")
    if text.startswith("{"):
        first = text.split("\n", 1)[0].rstrip()
        return "jsonl" if first.endswith("}") else "json"
    if text.startswith("["):
        return "json"
    if text.startswith("<"):
        return "atom"
    if looks_like_wos(text):
        return "wos"
    if _RIS_START.match(text):
        return "ris"
    if _BIBTEX_ENTRY.search(text):
        return "bibtex"
    header = text.split("\n", 1)[0].rstrip("\r")
    cells = [c.strip().strip('"') for c in header.split(sniff_delimiter(header))]
    if len(cells) >= 3 and "title" in resolve_columns(cells):
        return "csv"
    return "seedpage"


def detect_format(path: Path) -> str:
    """Name of the reader for ``path``: by extension, else (and for ``.txt``) by content."""
    suffixes = [s.lower() for s in path.suffixes] if path != STDIN else []
    if suffixes and suffixes[-1] == ".gz":
        suffixes.pop()
    by_ext = _EXTENSIONS.get(suffixes[-1]) if suffixes else None
    if by_ext:
        return by_ext
    return sniff_format(head_text(path))


def parse_format(spec: str | None) -> tuple[str | None, dict[str, str]]:
    """A ``--format`` value: ``NAME``, ``NAME:field=column;...`` or ``:field=column;...``.

    Raises
    ------
    InputError
        When the name is not a reader or the mapping is malformed.

    >>> parse_format("csv:title=Item Title;abstract=Summary")
    ('csv', {'title': 'Item Title', 'abstract': 'Summary'})
    """
    if not spec:
        return None, {}
    head, _, rest = spec.partition(":")
    name = head.strip().lower() or None
    if name is not None and name not in READERS:
        raise InputError(f"unknown format {name!r}; choose one of {', '.join(sorted(READERS))}")
    mapping: dict[str, str] = {}
    for item in filter(None, (i.strip() for i in rest.split(";"))):
        field, sep, column = item.partition("=")
        if not sep or not field.strip() or not column.strip():
            raise InputError(f"a field mapping needs field=column, got {item!r}")
        mapping[field.strip()] = column.strip()
    if mapping and name is not None and name not in MAPPABLE:
        raise InputError(f"format {name!r} has fixed fields; a mapping applies to {', '.join(sorted(MAPPABLE))}")
    return name, parse_mapping(mapping)


def expand_paths(paths: Iterable[str | Path]) -> list[Path]:
    """Files named, with folders read recursively (sorted, hidden files skipped); ``-`` is stdin."""
    files: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files.extend(p for p in sorted(path.rglob("*"))
                         if p.is_file() and not any(part.startswith(".") for part in p.relative_to(path).parts))
        else:
            files.append(path)
    return files


def read_papers(paths: Sequence[str | Path], report: ReadReport | None = None, fmt: str | None = None,
                mapping: Mapping[str, str] | None = None) -> list[Paper]:
    """Read every input and return the deduplicated papers.

    Parameters
    ----------
    paths
        Files or folders; ``-`` reads standard input.
    report
        Receives per-file counts, skipped records and merged duplicates.
    fmt
        Force one reader (a key of :data:`READERS`) for every file; may carry a field
        mapping (see :func:`parse_format`).
    mapping
        Paper field -> column/key name, for CSV and JSON inputs with unusual names.
    """
    report = report if report is not None else ReadReport()
    name, spec_mapping = parse_format(fmt)
    mapping = {**spec_mapping, **parse_mapping(mapping)}
    papers: list[Paper] = []
    for path in expand_paths(paths):
        if path != STDIN and not path.exists():
            report.problem(InputError("no such file", source=path), skipped=0)
            continue
        chosen = name or detect_format(path)
        reader = READERS[chosen]
        papers.extend(reader(path, report, mapping=mapping or None) if chosen in MAPPABLE else reader(path, report))
    return deduplicate([_mended(p) for p in papers], report)


def _mended(paper: Paper) -> Paper:
    # words broken at a line end ("fine- tuning") are whole before extraction sees them,
    # so no mention and no entity label is half a word
    title, abstract = repair_hyphenation(paper.title), repair_hyphenation(paper.abstract)
    if title == paper.title and abstract == paper.abstract:
        return paper
    return replace(paper, title=title, abstract=abstract)
