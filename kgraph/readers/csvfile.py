"""Reader for CSV/TSV exports with a header row (Scopus, Web of Science, IEEE Xplore, Springer, Zotero, ...).

The delimiter (comma, tab, semicolon) is taken from the header line; columns are mapped
to Paper fields by name (:mod:`kgraph.readers.mapping`), or by a user mapping. Rows
without a title or abstract are reported with their line and skipped (Springer's CSV,
for one, carries no abstracts at all).
"""

from __future__ import annotations

import csv
import io
import sys
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

from ..errors import InputError
from ..model import Paper, SourceRef
from .mapping import mapped_paper, resolve_columns
from .records import Notice, Records, read_records
from .report import ReadReport

# Abstracts and reference lists can pass csv's default 128 KiB cell limit.
csv.field_size_limit(max(csv.field_size_limit(), min(sys.maxsize, 64 * 1024 * 1024)))


def sniff_delimiter(header: str) -> str:
    """The delimiter of a header line: the most frequent of tab, comma and semicolon outside quotes.

    >>> sniff_delimiter('"Title"\\t"Abstract"'), sniff_delimiter("Title,Abstract,Year")
    ('\\t', ',')
    """
    unquoted = "".join(header.split('"')[::2])
    return max("\t,;", key=unquoted.count)


def csv_rows(text: str, source: str) -> Iterator[tuple[int, list[str]]]:
    """The header (line 1) and every non-blank row as cell lists, with the line each row starts on.

    Raises
    ------
    InputError
        When the CSV is damaged (an unclosed quote, say); rows before it are kept.
    """
    first = text.split("\n", 1)[0]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(first))
    start = 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise InputError(f"damaged CSV ({exc})", source, start) from None
        if any(cell.strip() for cell in row):
            yield start, row
        start = reader.line_num + 1


def table_records(mapping: Mapping[str, str] | None) -> Callable[[str, str], Records]:
    """A parser giving rows as ``{column: value}``, their fields resolved once from the header.

    A row with more cells than the header is read by position (Scopus writes one
    ``Funding Text`` cell more than it names); its extra cells and its id column are
    ignored, and the file gets one warning saying how many such rows there were.
    """
    def parse(text: str, source: str) -> Records:
        rows = csv_rows(text, source)
        _, header = next(rows, (1, []))
        header = [h.strip().lstrip("\ufeff") for h in header]
        if not header:
            return
        columns = resolve_columns(header, mapping)
        missing = [f for f in ("title", "abstract") if f not in columns]
        if missing:
            lost = sum(1 for _ in rows)
            raise Notice(f"no {' or '.join(missing)} column in the header ({', '.join(header[:8])}…), "
                         f"{lost} rows not read; name it with --map {missing[0]}=COLUMN", source, 1, lost=lost)
        by_position = {k: v for k, v in columns.items() if k != "id"}
        long_rows: list[int] = []
        for line, row in rows:
            if len(row) > len(header):
                long_rows.append(line)
                yield line, (by_position, dict(zip(header, row)))
            else:
                yield line, (columns, dict(zip(header, row)))
        if long_rows:
            yield long_rows[0], Notice(f"{len(long_rows)} rows have more cells than the header ({len(header)}); "
                                       "they were read by position and their extra cells ignored", source, long_rows[0])

    return parse


def _row_paper(item: tuple[dict[str, str], dict[str, str]], source: SourceRef) -> Paper:
    columns, row = item
    return mapped_paper(row, source, columns=columns)


def read_csv(path: Path, report: ReadReport, mapping: Mapping[str, str] | None = None) -> Iterator[Paper]:
    """Yield one Paper per row that has a title and an abstract."""
    return read_records(path, report, table_records(mapping), _row_paper)
