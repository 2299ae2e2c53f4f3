"""Readers: input files -> :class:`~kgraph.model.Paper` records, one module per format.

:func:`read_papers` is the entry point: it picks a reader per file (by ``--format``, by
extension, else by content), collects problems in a :class:`ReadReport` instead of
stopping, and merges duplicates across all inputs.
"""

from __future__ import annotations

import gzip
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path

from ..errors import InputError
from ..model import Paper
from .dedup import deduplicate
from .jsonl import read_jsonl
from .report import ReadReport
from .seedpage import read_seed_page

Reader = Callable[[Path, ReadReport], Iterator[Paper]]

READERS: dict[str, Reader] = {
    "seedpage": read_seed_page,
    "jsonl": read_jsonl,
}
_EXTENSIONS = {".txt": "seedpage", ".jsonl": "jsonl", ".ndjson": "jsonl"}

__all__ = ["READERS", "ReadReport", "deduplicate", "detect_format", "read_papers"]


def detect_format(path: Path) -> str:
    """Name of the reader for ``path``: by extension, else by the first character."""
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes.pop()
    by_ext = _EXTENSIONS.get(suffixes[-1]) if suffixes else None
    if by_ext:
        return by_ext
    try:
        with path.open("rb") as handle:
            head = handle.read(4096)
        if head[:2] == b"\x1f\x8b":
            with gzip.open(path, "rb") as handle:
                head = handle.read(4096)
    except (OSError, EOFError):
        return "seedpage"  # the reader reports the unreadable file itself
    head = head.lstrip()
    return "jsonl" if head.startswith(b"{") else "seedpage"


def expand_paths(paths: Iterable[str | Path]) -> list[Path]:
    """Files named, with folders read recursively (sorted, hidden files skipped)."""
    files: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files.extend(p for p in sorted(path.rglob("*")) if p.is_file() and not p.name.startswith("."))
        else:
            files.append(path)
    return files


def read_papers(paths: Sequence[str | Path], report: ReadReport | None = None, fmt: str | None = None) -> list[Paper]:
    """Read every input and return the deduplicated papers.

    Parameters
    ----------
    paths
        Files or folders.
    report
        Receives per-file counts, skipped records and merged duplicates.
    fmt
        Force one reader (a key of :data:`READERS`) for every file.
    """
    report = report if report is not None else ReadReport()
    if fmt is not None and fmt not in READERS:
        raise InputError(f"unknown format {fmt!r}; choose one of {', '.join(sorted(READERS))}")
    papers: list[Paper] = []
    for path in expand_paths(paths):
        if not path.exists():
            report.problem(InputError("no such file", source=path), skipped=0)
            continue
        reader = READERS[fmt or detect_format(path)]
        papers.extend(reader(path, report))
    return deduplicate(papers, report)
