"""Readers for JSON Lines and JSON documents, in any of the schemas kgraph knows.

Each object is read by the schema it has: an OpenAlex work (``abstract_inverted_index``),
a Semantic Scholar paper (``paperId``/``paper_id``), an arXiv snapshot record
(``versions``/``authors_parsed``), else a generic record whose fields are found by name
(``title``, ``abstract`` or ``summary``, ``year``, ``authors``, ``doi``, ``url``, ...;
see :mod:`kgraph.readers.mapping`). A JSON document may be one object, an array of
them, an OpenAlex page (``{"meta", "results"}``) or a Semantic Scholar search page
(``{"data"}``). The ``openalex``, ``s2`` and ``arxiv`` formats force one schema.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator, Mapping
from functools import partial
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..model import Paper, SourceRef
from .arxiv import decoded_api_record, is_arxiv_api, is_arxiv_snapshot, snapshot_paper
from .fields import LongNumber
from .mapping import mapped_paper
from .openalex import is_openalex, openalex_paper
from .records import Converter, Records, as_object, lines, read_records
from .report import ReadReport
from .semanticscholar import is_semantic_scholar, s2_paper

SCHEMAS: dict[str, Converter] = {"openalex": openalex_paper, "s2": s2_paper, "arxiv": snapshot_paper}


def paper_from_record(record: Any, source: SourceRef, mapping: Mapping[str, str] | None = None) -> Paper:
    """A Paper from one decoded JSON object, read by the schema it has.

    A user ``mapping`` always means the generic, by-name reading.

    Raises
    ------
    ValueError
        When the record is not an object, lacks a title or abstract, or a field has the
        wrong type; the caller turns it into an InputError with the line.
    """
    record = as_object(record)
    if not mapping:
        if is_openalex(record):
            return openalex_paper(record, source)
        if is_semantic_scholar(record):
            return s2_paper(record, source)
        if is_arxiv_snapshot(record):
            return snapshot_paper(record, source)
        if is_arxiv_api(record):
            record = decoded_api_record(record)
    return mapped_paper(record, source, mapping)


_MAX_DIGITS = sys.get_int_max_str_digits() or 4300


def _integer(digits: str) -> int | LongNumber:
    # Python refuses to convert an integer of over 4,300 digits (a guard against
    # quadratic time): such a value is a bad field of its record, not the end of the file
    return int(digits) if len(digits) <= _MAX_DIGITS else LongNumber(len(digits.lstrip("-")))


def loads(text: str) -> Any:
    """``json.loads`` that reads an over-long integer as a :class:`LongNumber`.

    >>> loads('{"year": ' + "9" * 5000 + '}')
    {'year': LongNumber(digits=5000)}
    """
    return json.loads(text, parse_int=_integer)


def _invalid(exc: json.JSONDecodeError) -> str:
    # "Invalid control character at" would read "... at at column 29"
    return f"invalid JSON ({exc.msg.removesuffix(' at')} at column {exc.colno})"


def json_lines(text: str, source: str) -> Records:
    """One record per non-blank line; a line that is not JSON is a bad record.

    A line holding an API page (an OpenAlex ``{"meta", "results"}`` page, say) gives
    each of its records, all at that line.
    """
    for number, line in enumerate(lines(text), start=1):
        if not line.strip():
            continue
        try:
            record = loads(line)
        except json.JSONDecodeError as exc:
            yield number, InputError(_invalid(exc), source, number)
            continue
        except RecursionError:
            yield number, InputError("JSON nested too deeply", source, number)
            continue
        page = _page_items(record)
        for item in page if page is not None else [record]:
            yield number, item


#: Where an API page keeps its records (OpenAlex ``results``, Semantic Scholar ``data``, ...).
PAGE_KEYS = ("results", "data", "works", "papers", "items")


def _page_items(document: Any) -> list[Any] | None:
    """The records of an API page (``{"results": [...]}`` and the like), None for anything else."""
    if isinstance(document, dict) and "title" not in document:
        for key in PAGE_KEYS:
            if isinstance(items := document.get(key), list):
                return items
    return None


def _items(document: Any) -> list[Any]:
    if isinstance(document, list):
        return document
    page = _page_items(document)
    return page if page is not None else [document]


def json_document(text: str, source: str) -> Records:
    """The records of one JSON document; falls back to JSON Lines when the file is that.

    Positions are record numbers (1-based) within the document. A damaged array of
    records (or API page) is read record by record (see :func:`salvaged_records`).

    Raises
    ------
    InputError
        When the document is not valid JSON and holds no array of records, with its line.
    """
    try:
        document = loads(text)
    except json.JSONDecodeError as exc:
        if exc.msg == "Extra data" and exc.lineno > 1:
            yield from json_lines(text, source)  # JSON Lines in a .json file
            return
        damage = InputError(_invalid(exc), source, exc.lineno)
        yield from salvaged_records(text, source, damage)
        return
    except RecursionError:
        raise InputError("JSON nested too deeply", source) from None
    for number, item in enumerate(_items(document), start=1):
        if item is None:  # Semantic Scholar batch answers hold null for ids it does not know
            yield number, InputError("empty record (null)", source, number)
        else:
            yield number, item


_ARRAY = re.compile(r'\s*\[|\s*\{.*?"(?:' + "|".join(PAGE_KEYS) + r')"\s*:\s*\[', re.S)
_OBJECT_START = re.compile(r"\{")
_DECODER = json.JSONDecoder(parse_int=_integer)


def salvaged_records(text: str, source: str, damage: InputError) -> Records:
    """The records of a damaged JSON array (or API page), each decoded on its own.

    A record that does not decode is one warning; reading resumes at the next object
    shaped like the records read so far (sharing half their keys), so a nested object
    inside the broken record is not taken for a record.

    Raises
    ------
    InputError
        ``damage``, when the document holds no array of records to read.
    """
    start = _ARRAY.match(text)
    if start is None:
        raise damage
    position, number, keys = start.end(), 0, None
    while True:
        while position < len(text) and (text[position].isspace() or text[position] == ","):
            position += 1
        if position >= len(text) or text[position] == "]":
            return
        number += 1
        try:
            item, position = _DECODER.raw_decode(text, position)
        except (json.JSONDecodeError, RecursionError) as exc:
            line = text.count("\n", 0, position) + 1
            why = exc.msg if isinstance(exc, json.JSONDecodeError) else "nested too deeply"
            yield number, InputError(f"invalid JSON in record {number} ({why}), skipped", source, line)
            position = _next_record(text, position + 1, keys)
            continue
        if isinstance(item, dict) and keys is None:
            keys = set(item)
        yield number, InputError("empty record (null)", source, number) if item is None else item


def _next_record(text: str, position: int, keys: set[str] | None) -> int:
    """Where the next object that decodes and looks like a record starts (``len(text)`` if none)."""
    for match in _OBJECT_START.finditer(text, position):
        try:
            item, _ = _DECODER.raw_decode(text, match.start())
        except (json.JSONDecodeError, RecursionError):
            continue
        if isinstance(item, dict) and (len(set(item) & keys) * 2 >= len(keys) if keys else "title" in item):
            return match.start()
    return len(text)


def _convert(mapping: Mapping[str, str] | None, schema: str | None) -> Converter:
    return SCHEMAS[schema] if schema else partial(paper_from_record, mapping=mapping)


def read_jsonl(path: Path, report: ReadReport, mapping: Mapping[str, str] | None = None,
               schema: str | None = None) -> Iterator[Paper]:
    """Yield one Paper per valid line; bad lines are reported with their number and skipped."""
    return read_records(path, report, json_lines, _convert(mapping, schema))


def read_json(path: Path, report: ReadReport, mapping: Mapping[str, str] | None = None,
              schema: str | None = None) -> Iterator[Paper]:
    """Yield the Papers of a JSON document (object, array or API page), or of JSON Lines."""
    return read_records(path, report, json_document, _convert(mapping, schema))


def read_forced(schema: str) -> Any:
    """A reader that reads JSON or JSON Lines with one schema (``openalex``, ``s2``, ``arxiv``)."""
    def reader(path: Path, report: ReadReport, mapping: Mapping[str, str] | None = None) -> Iterator[Paper]:
        return read_json(path, report, schema=schema)

    reader.__name__ = f"read_{schema}"
    return reader
