"""kgraph.json: the whole build as JSON, so ``kgraph.load(dir)`` can reopen it exactly."""

from __future__ import annotations

import functools
import itertools
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import fields
from pathlib import Path
from typing import Any, TextIO

import orjson

from ..atomic import atomic_path
from ..errors import BuildNotFoundError
from ..graph.communities import Communities
from ..graph.data import GraphData
from ..graph.links import LinkTable
from ..mentions import MentionColumns, MentionTable
from ..model import Entity, EntityKind, Field, Link, Mention, Paper, Relation, Result, SourceRef

FORMAT_VERSION = 3
#: Format 2 had no relations and results: read as a build that found none.
READABLE_FORMATS = (2, 3)
FILENAME = "kgraph.json"


def to_json(data: GraphData) -> dict[str, Any]:
    """The build as one JSON-ready dict (what :func:`write_json` streams to kgraph.json)."""
    return {key: list(value) if key in _ROWS else {"totals": _year_totals(data), "entities": dict(value)}
            if key == "trends" else value for key, value in _sections(data)}


_ROWS = ("papers", "entities", "mentions", "links", "relations", "results")


def _sections(data: GraphData) -> Iterator[tuple[str, Any]]:
    """kgraph.json's keys in order; the bulky ones (``_ROWS``) as row iterators."""
    yield "format", FORMAT_VERSION
    yield "meta", data.meta
    yield "papers", (_paper_row(p) for p in data.papers)
    yield "entities", (_row(e) for e in data.entities)
    # mentions as rows: they are the bulk of the file
    yield "mention_columns", ["paper_id", "field", "start", "end", "text", "kind", "sentence", "extractor",
                              "confidence", "label", "entity", "sentence_span"]
    yield "mentions", data.mentions.plain_rows(data.mention_entity) if isinstance(data.mentions, MentionTable) else (
        [m.paper_id, m.field.value, m.start, m.end, m.text, m.kind.value, m.sentence, m.extractor, m.confidence,
         m.label, e, list(m.sentence_span) if m.sentence_span else None]
        for m, e in zip(data.mentions, data.mention_entity)
    )
    yield "links", ([link.source, link.target, link.weight, list(link.shared)] for link in data.links)
    yield "ambiguous_acronyms", data.ambiguous_acronyms
    yield "communities", communities_json(data.communities)
    yield "relation_columns", ["paper_id", "field", "head", "tail", "label", "confidence", "sentence_span", "extractor"]
    # tuples and enums as they are: JSON writes them as lists and names
    yield "relations", ((r.paper_id, r.field, r.head, r.tail, r.label, r.confidence, r.sentence_span, r.extractor)
                        for r in data.relations)
    yield "results", (_row(r) for r in data.results)
    # the corpus's papers per year and each specific entity's series (recomputed on load:
    # written for readers of the file, e.g. a spreadsheet or another tool)
    yield "trends", _trend_entities(data)


def _year_totals(data: GraphData) -> dict[str, int]:
    return {str(y): n for y, n in data.year_totals.items()}


def _trend_entities(data: GraphData) -> Iterator[tuple[str, dict[str, Any]]]:
    """Each specific entity's id and series, one at a time (:func:`write_json` streams them:
    a corpus of millions of entities would hold them all, and their text, at once)."""
    for entity_id in data.entity_years:
        s = data.entity_series(entity_id)
        yield entity_id, {"years": {str(y): n for y, n in s.years.items()}, "first_year": s.first_year,
                          "peak_year": s.peak_year, "bursts": [[b.start, b.end, b.weight] for b in s.bursts]}


def _row(obj: object) -> dict[str, Any]:
    """A flat dataclass as a dict (``dataclasses.asdict`` deep-copies every value: 5x slower)."""
    # a class is hashable; mypy checks type(obj) against the instances' __hash__
    return {name: getattr(obj, name) for name in _field_names(type(obj))}  # type: ignore[arg-type]


@functools.cache
def _field_names(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in fields(cls))


def _paper_row(paper: Paper) -> dict[str, Any]:
    row = _row(paper)
    row["sources"] = [_row(source) for source in paper.sources]
    return row


def communities_json(communities: Communities) -> dict[str, Any]:
    """Communities as JSON: one record per community (largest first) and every node's number."""
    return {
        "method": communities.method,
        "list": [{"id": c, "name": name, "top": list(top), "size": size}
                 for c, (name, top, size) in enumerate(zip(communities.names, communities.top, communities.sizes()))],
        "membership": communities.membership,
    }


def communities_from_json(obj: dict[str, Any] | None) -> Communities:
    """The inverse of :func:`communities_json`; builds written before communities get none."""
    if not obj:
        return Communities()
    rows = obj["list"]
    return Communities(dict(obj["membership"]), tuple(tuple(r["top"]) for r in rows), tuple(r["name"] for r in rows),
                       obj.get("method", ""))


def from_json(obj: dict[str, Any]) -> GraphData:
    """The inverse of :func:`to_json`."""
    return from_sections(iter(obj.items()))


def from_sections(sections: Iterator[tuple[str, Any]]) -> GraphData:
    """A build from kgraph.json's ``(key, value)`` pairs, the row sections as iterables.

    Each section is consumed as it comes (the order of the file), and the mentions go
    straight into a :class:`~kgraph.mentions.MentionTable`: a big build is never held as
    JSON values and as objects at once.
    """
    got: dict[str, Any] = {}
    mentions, mention_entity = MentionColumns(), []
    entity_ids: dict[str, str] = {}  # one string object per entity id, not one per mention
    for key, value in sections:
        if key == "papers":
            got[key] = tuple(
                Paper(**{**p, "authors": tuple(p["authors"]), "sources": tuple(SourceRef(**s) for s in p["sources"])})
                for p in value)
        elif key == "entities":
            got[key] = tuple(
                Entity(**{**e, "kind": EntityKind(e["kind"]), "alt_labels": tuple(e["alt_labels"]),
                          "merged_by": tuple(e["merged_by"]), "exact_match": tuple(e.get("exact_match", ())),
                          "evidence": tuple(e.get("evidence", ()))})
                for e in value)
        elif key == "mentions":
            for pid, field, start, end, text, kind, sentence, extractor, confidence, label, entity, span in value:
                mentions.append(Mention(pid, Field(field), start, end, text, EntityKind(kind), sentence, extractor,
                                        confidence, label, tuple(span) if span else None))
                mention_entity.append(entity_ids.setdefault(entity, entity))
        elif key == "links":
            got[key] = LinkTable.of(Link(s, t, w, tuple(shared)) for s, t, w, shared in value)
        elif key == "relations":
            got[key] = tuple(Relation(pid, Field(field), tuple(head), tuple(tail), label, confidence, tuple(span),
                                      extractor)
                             for pid, field, head, tail, label, confidence, span, extractor in value)
        elif key == "results":
            got[key] = tuple(Result(**{**r, **{k: tuple(r[k]) for k in _SPANS if r.get(k) is not None}})
                             for r in value)
        elif key in ("meta", "ambiguous_acronyms", "communities"):
            got[key] = value
        # format, mention_columns and trends (recomputed from the papers) need nothing here
    ambiguous = {k: tuple(v) for k, v in got.get("ambiguous_acronyms", {}).items()}
    return GraphData(got.get("papers", ()), mentions.freeze(), tuple(mention_entity), got.get("entities", ()),
                     got.get("links", ()), ambiguous, got.get("meta", {}),
                     communities_from_json(got.get("communities")), got.get("relations", ()), got.get("results", ()))


_SPANS = ("sentence_span", "metric_span", "dataset_span", "method_span")


#: Rows (or trend entities) of kgraph.json made into text at a time.
SLICE = 10_000


def write_json(data: GraphData, path: Path) -> None:
    """Stream kgraph.json in slices of rows, so a big build is never one giant string."""
    # orjson writes what json.dumps(ensure_ascii=False, separators=(",", ":")) writes, 5x faster
    def dumps(value: Any) -> str:
        return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode("utf-8")

    with atomic_path(path) as tmp, tmp.open("w", encoding="utf-8") as handle:
        for i, (key, value) in enumerate(_sections(data)):
            handle.write(("{" if i == 0 else ",") + dumps(key) + ":")
            if key == "trends":
                handle.write('{"totals":' + dumps(_year_totals(data)) + ',"entities":{')
                _write_slices(handle, value, lambda pairs: dumps(dict(pairs)))
                handle.write("}}")
            elif key in _ROWS:
                handle.write("[")
                _write_slices(handle, value, dumps)
                handle.write("]")
            else:
                handle.write(dumps(value))
        handle.write("}")


def _write_slices(handle: TextIO, items: Iterable[Any], dumps: Callable[[list[Any]], str]) -> None:
    """``items`` as the inside of a JSON array or object, :data:`SLICE` at a time (``dumps``
    of a list of them, its brackets or braces cut off)."""
    first = True
    it = iter(items)
    for chunk in iter(lambda: list(itertools.islice(it, SLICE)), []):
        text = dumps(chunk)[1:-1]
        if text:
            handle.write(("" if first else ",") + text)
            first = False


def read_json(build_dir: Path, chunk: int = 1 << 22) -> GraphData:
    """Reopen a build's kgraph.json, reading it ``chunk`` characters at a time.

    The file is parsed one row at a time (see :class:`_JsonStream`), so opening a build
    needs about the memory of its :class:`~kgraph.graph.data.GraphData`, not that of the
    whole file as text and as JSON values on top (which at 10^6 papers is more than a
    workstation has).
    """
    path = build_dir / FILENAME
    if not path.is_file():
        raise BuildNotFoundError(f"{build_dir}: no kgraph build here (no {FILENAME}); "
                                 f"run `kgraph build ... -o {build_dir}` first")
    try:
        with path.open(encoding="utf-8") as handle:
            return from_sections(_checked(_JsonStream(handle, chunk).sections(), path))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise BuildNotFoundError(f"{path}: not a kgraph build file ({exc})") from None


def _checked(sections: Iterator[tuple[str, Any]], path: Path) -> Iterator[tuple[str, Any]]:
    """The sections, once the first has shown a format this version reads."""
    first = next(sections, None)
    if first is None or first[0] != "format" or first[1] not in READABLE_FORMATS:
        found = first[1] if first and first[0] == "format" else None
        raise BuildNotFoundError(f"{path}: written by another kgraph version (format {found!r}); rebuild it")
    yield first
    yield from sections


class _JsonStream:
    """kgraph.json's top-level object read as ``(key, value)`` pairs, row sections lazily.

    Every value goes through :meth:`json.JSONDecoder.raw_decode` (the standard C parser)
    on a window of the file that grows when a value runs past it; only the top level and
    the row arrays are walked here.
    """

    _SPACE = " \t\n\r"

    def __init__(self, handle: TextIO, chunk: int) -> None:
        self._handle, self._chunk = handle, chunk
        self._buf, self._pos, self._eof = "", 0, False
        self._decode = json.JSONDecoder().raw_decode

    def _more(self, size: int) -> bool:
        """Read ``size`` more characters into the window; False at the end of the file."""
        if self._eof:
            return False
        text = self._handle.read(size)
        self._buf, self._pos = self._buf[self._pos:] + text, 0
        self._eof = len(text) < size
        return bool(text)

    def _peek(self) -> str:
        """The next character that is not white space ("" at the end of the file)."""
        while True:
            buf, pos = self._buf, self._pos
            while pos < len(buf) and buf[pos] in self._SPACE:
                pos += 1
            self._pos = pos
            if pos < len(buf) or not self._more(self._chunk):
                return buf[pos] if pos < len(buf) else ""

    def _expect(self, char: str) -> None:
        if self._peek() != char:
            raise json.JSONDecodeError(f"Expecting {char!r}", self._buf, self._pos)
        self._pos += 1

    def _value(self) -> Any:
        self._peek()
        size = self._chunk
        while True:
            try:
                value, end = self._decode(self._buf, self._pos)
            except json.JSONDecodeError:
                if not self._more(size):
                    raise
            else:
                # a number at the window's edge may go on past it
                if end < len(self._buf) or not self._more(size):
                    self._pos = end
                    return value
            size *= 2  # a long value: grow the window geometrically, so it is parsed O(log) times

    def _rows(self) -> Iterator[Any]:
        self._expect("[")
        if self._peek() == "]":
            self._pos += 1
            return
        while True:
            yield self._value()
            if self._peek() == "]":
                self._pos += 1
                return
            self._expect(",")

    def sections(self) -> Iterator[tuple[str, Any]]:
        self._expect("{")
        if self._peek() == "}":
            return
        while True:
            key = self._value()
            self._expect(":")
            if key in _ROWS:
                rows = self._rows()
                yield key, rows
                for _ in rows:  # whatever the reader left of the section
                    pass
            else:
                yield key, self._value()
            if self._peek() == "}":
                self._pos += 1
                break
            self._expect(",")
        if self._peek():
            raise json.JSONDecodeError("Extra data", self._buf, self._pos)
