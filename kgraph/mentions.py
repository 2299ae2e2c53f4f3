"""Mentions held column by column: what keeps a million-abstract build in memory.

A build holds every mention of its corpus at once (about 32 per arXiv abstract, so 32
million at 10^6 papers). As :class:`~kgraph.model.Mention` objects each costs about
500 bytes (the object, its text, its offsets and sentence span as Python ints and a
tuple); :class:`MentionTable` keeps the same fields in numpy columns, with every string
(paper id, text, extractor, label) stored once and referred to by number: about 45 bytes
a mention. It is an immutable sequence of :class:`~kgraph.model.Mention`: indexing or
iterating makes the Mention objects on the fly, so every stage reads it as it read a
tuple, and the stages that only need one field read that column (:meth:`MentionTable.column`).

>>> from kgraph.model import EntityKind, Field, Mention
>>> a = Mention("p1", Field.TITLE, 0, 4, "BERT", EntityKind.METHOD, 0, "model", 0.9, "Method", (0, 20))
>>> b = Mention("p1", Field.ABSTRACT, 5, 10, "SQuAD", EntityKind.DATASET, 1, "gazetteer")
>>> table = MentionTable.of([a, b])
>>> len(table), table[1] == b, list(table) == [a, b]
(2, True, True)
>>> table.column("text")
['BERT', 'SQuAD']
"""

from __future__ import annotations

from array import array
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from itertools import islice
from typing import Any, TypeVar, overload

import numpy as np

from .model import EntityKind, Field, Mention, Paper

_Row = TypeVar("_Row")
_FIELDS = tuple(Field)
_FIELD_CODE = {f: i for i, f in enumerate(_FIELDS)}
_KINDS = tuple(EntityKind)
_KIND_CODE = {k: i for i, k in enumerate(_KINDS)}
_FIELD_VALUE_CODE = {f.value: i for i, f in enumerate(_FIELDS)}
_KIND_VALUE_CODE = {k.value: i for i, k in enumerate(_KINDS)}
_NO_SPAN = -1  # sentence_span None: a mention made without its sentence
_CHUNK = 65_536  # rows made into Python values at a time while iterating

# column name -> array typecode while appending and numpy dtype once frozen
_COLUMNS = {
    "paper_id": ("i", np.int32),  # index into strings
    "field": ("b", np.int8),
    "start": ("i", np.int32),
    "end": ("i", np.int32),
    "text": ("i", np.int32),  # index into strings
    "kind": ("b", np.int8),
    "sentence": ("i", np.int32),
    "extractor": ("i", np.int32),  # index into strings
    "confidence": ("d", np.float64),  # float64: the value round-trips exactly, as in the JSON and the cache
    "label": ("i", np.int32),  # index into strings
    "span_start": ("i", np.int32),  # _NO_SPAN where sentence_span is None
    "span_end": ("i", np.int32),
}
_STRING_COLUMNS = ("paper_id", "text", "extractor", "label")


class MentionColumns:
    """A growing table: append mentions, then :meth:`freeze` into a :class:`MentionTable`."""

    def __init__(self) -> None:
        self._columns: dict[str, array[Any]] = {name: array(code) for name, (code, _) in _COLUMNS.items()}
        self._strings: list[str] = []
        self._string_code: dict[str, int] = {}

    def __len__(self) -> int:
        return len(self._columns["start"])

    def _code(self, text: str) -> int:
        code = self._string_code.get(text)
        if code is None:
            code = self._string_code[text] = len(self._strings)
            self._strings.append(text)
        return code

    def append(self, m: Mention) -> None:
        """Add one mention as the table's last row."""
        c, code = self._columns, self._code
        c["paper_id"].append(code(m.paper_id))
        c["field"].append(_FIELD_CODE[m.field])
        c["start"].append(m.start)
        c["end"].append(m.end)
        c["text"].append(code(m.text))
        c["kind"].append(_KIND_CODE[m.kind])
        c["sentence"].append(m.sentence)
        c["extractor"].append(code(m.extractor))
        c["confidence"].append(m.confidence)
        c["label"].append(code(m.label))
        span = m.sentence_span
        c["span_start"].append(span[0] if span is not None else _NO_SPAN)
        c["span_end"].append(span[1] if span is not None else _NO_SPAN)

    def extend(self, mentions: Iterable[Mention]) -> None:
        """Add mentions in order."""
        for mention in mentions:
            self.append(mention)

    def extend_rows(self, paper_id: str, rows: Sequence[Sequence[Any]]) -> None:
        """Add one paper's mentions given as rows of values (field and kind by value, the
        sentence span a pair or None): how the cache keeps them
        (:func:`kgraph.cache.payload_rows`). A column at a time and no Mention made: a
        rebuild of 50k papers reads 1.7M of them.

        >>> m = Mention("p", Field.TITLE, 0, 4, "BERT", EntityKind.METHOD, 0, "model", 0.9, "Method", (0, 20))
        >>> columns = MentionColumns()
        >>> columns.extend_rows("p", [["title", 0, 4, "BERT", "Method", 0, "model", 0.9, "Method", [0, 20]]])
        >>> list(columns.freeze()) == [m]
        True
        """
        if not rows:
            return
        c, code = self._columns, self._code
        fields, starts, ends, texts, kinds, sentences, extractors, confidences, labels, spans = zip(*rows, strict=True)
        c["paper_id"].extend([code(paper_id)] * len(rows))
        # strings numbered in the order append() meets them: the same table either way
        text_codes, extractor_codes, label_codes = c["text"], c["extractor"], c["label"]
        for text, extractor, label in zip(texts, extractors, labels):
            text_codes.append(code(text))
            extractor_codes.append(code(extractor))
            label_codes.append(code(label))
        c["field"].extend(map(_FIELD_VALUE_CODE.__getitem__, fields))
        c["start"].extend(starts)
        c["end"].extend(ends)
        c["kind"].extend(map(_KIND_VALUE_CODE.__getitem__, kinds))
        c["sentence"].extend(sentences)
        c["confidence"].extend(confidences)
        c["span_start"].extend([span[0] if span else _NO_SPAN for span in spans])
        c["span_end"].extend([span[1] if span else _NO_SPAN for span in spans])

    def freeze(self) -> MentionTable:
        """The rows so far as a table (the arrays are shared, not copied: append no more)."""
        columns = {name: np.frombuffer(self._columns[name], dtype=dtype) if len(self) else np.empty(0, dtype)
                   for name, (_, dtype) in _COLUMNS.items()}
        return MentionTable(columns, tuple(self._strings))


class ColumnTable(Sequence[_Row]):
    """What every sequence held in numpy columns shares (:class:`MentionTable`, the
    links' :class:`~kgraph.graph.links.LinkTable`): equality with any sequence of the same
    rows in the same order, a tuple included, and a short ``repr``."""

    __slots__ = ()
    _noun = "rows"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence) or isinstance(other, (str, bytes)):
            return NotImplemented
        return len(self) == len(other) and all(a == b for a, b in zip(self, other))

    __hash__ = None  # type: ignore[assignment]  # equal to a tuple, so not hashable like one

    def __repr__(self) -> str:
        head = ", ".join(repr(row) for row in islice(self, 2))
        return f"{type(self).__name__}({len(self)} {self._noun}: {head}{', ...' if len(self) > 2 else ''})"


class MentionTable(ColumnTable[Mention]):
    """An immutable sequence of mentions stored in numpy columns (see the module docstring).

    Equal to any sequence holding the same mentions in the same order, a tuple included.
    """

    __slots__ = ("_columns", "_strings")
    _noun = "mentions"

    def __init__(self, columns: dict[str, np.ndarray], strings: tuple[str, ...]) -> None:
        self._columns = columns
        self._strings = strings

    @classmethod
    def of(cls, mentions: Iterable[Mention]) -> MentionTable:
        """A table of ``mentions``, in order."""
        if isinstance(mentions, MentionTable):
            return mentions
        columns = MentionColumns()
        columns.extend(mentions)
        return columns.freeze()

    def __len__(self) -> int:
        return len(self._columns["start"])

    def _row(self, i: int) -> Mention:
        c, s = self._columns, self._strings
        span_start = int(c["span_start"][i])
        return Mention(s[c["paper_id"][i]], _FIELDS[c["field"][i]], int(c["start"][i]), int(c["end"][i]),
                       s[c["text"][i]], _KINDS[c["kind"][i]], int(c["sentence"][i]), s[c["extractor"][i]],
                       float(c["confidence"][i]), s[c["label"][i]],
                       None if span_start == _NO_SPAN else (span_start, int(c["span_end"][i])))

    @overload
    def __getitem__(self, index: int) -> Mention: ...

    @overload
    def __getitem__(self, index: slice) -> MentionTable: ...

    def __getitem__(self, index: int | slice) -> Mention | MentionTable:
        if isinstance(index, slice):
            return self.take(np.arange(len(self))[index])
        n = len(self)
        if not -n <= index < n:
            raise IndexError(f"mention index {index} out of range for a table of {n}")
        return self._row(index % n if n else index)

    def __iter__(self) -> Iterator[Mention]:
        s = self._strings
        for lo in range(0, len(self), _CHUNK):
            rows = {name: column[lo:lo + _CHUNK].tolist() for name, column in self._columns.items()}
            for pid, fld, start, end, text, kind, sentence, extractor, confidence, label, span_start, span_end in zip(
                    *(rows[name] for name in _COLUMNS)):
                yield Mention(s[pid], _FIELDS[fld], start, end, s[text], _KINDS[kind], sentence, s[extractor],
                              confidence, s[label], None if span_start == _NO_SPAN else (span_start, span_end))

    def plain_rows(self, entities: Sequence[str]) -> Iterator[list[Any]]:
        """Each mention as kgraph.json writes it, with ``entities[i]`` for row ``i``: its
        fields as plain values in :class:`~kgraph.model.Mention` order (the field and the
        kind as their names, the span as a list), then the entity, then the span.

        Read from the columns a chunk at a time, without a Mention per row (a third of
        the cost of writing the file).
        """
        s = self._strings
        fields, kinds = [f.value for f in _FIELDS], [k.value for k in _KINDS]
        for lo in range(0, len(self), _CHUNK):
            rows = {name: column[lo:lo + _CHUNK].tolist() for name, column in self._columns.items()}
            for (pid, fld, start, end, text, kind, sentence, extractor, confidence, label, span_start,
                 span_end), entity in zip(zip(*(rows[name] for name in _COLUMNS)), entities[lo:lo + _CHUNK]):
                yield [s[pid], fields[fld], start, end, s[text], kinds[kind], sentence, s[extractor], confidence,
                       s[label], entity, None if span_start == _NO_SPAN else [span_start, span_end]]

    def __reduce__(self) -> tuple[Any, ...]:
        return MentionTable, (self._columns, self._strings)

    def take(self, indices: Sequence[int] | np.ndarray) -> MentionTable:
        """The rows at ``indices``, in that order, as a new table (the strings are shared)."""
        rows = np.asarray(indices, dtype=np.int64)
        return MentionTable({name: column[rows] for name, column in self._columns.items()}, self._strings)

    def rows_by_paper(self) -> dict[str, np.ndarray]:
        """Paper id -> the indices of its mentions, in table order."""
        codes = self._columns["paper_id"]
        order = np.argsort(codes, kind="stable")
        starts = np.flatnonzero(np.diff(codes[order])) + 1
        s = self._strings
        return {s[codes[rows[0]]]: rows for rows in np.split(order, starts) if len(rows)}

    def column(self, name: str) -> list[Any]:
        """One field of every mention, in order, as a list (cheaper than iterating Mentions).

        ``name`` is a field of :class:`~kgraph.model.Mention`.
        """
        if name == "sentence_span":
            starts, ends = self._columns["span_start"].tolist(), self._columns["span_end"].tolist()
            return [None if start == _NO_SPAN else (start, end) for start, end in zip(starts, ends)]
        if name not in _COLUMNS or name.startswith("span_"):
            raise KeyError(f"no mention column {name!r}")
        codes = self._columns[name]
        # looked up by numpy in an object array of the values: the codes never become
        # Python ints (28 bytes each, a gigabyte for the 32 million mentions of 10^6 papers)
        if name in _STRING_COLUMNS:
            return pick(self._strings, codes)
        if name == "field":
            return pick(_FIELDS, codes)
        if name == "kind":
            return pick(_KINDS, codes)
        values: list[Any] = codes.tolist()
        return values


def pick(values: Sequence[Any], codes: np.ndarray) -> list[Any]:
    """``[values[c] for c in codes]`` (the objects themselves, not copies), without a Python
    int per code: at 32 million codes those are a gigabyte.

    >>> pick(("a", "b", "c"), np.array([2, 0, 2])), pick(tuple("abcdefghijklmnopq"), np.array([16]))
    (['c', 'a', 'c'], ['q'])
    """
    if 8 * len(codes) < len(values):
        # a few rows of a big table (one paper's mentions): the object array below would
        # copy every value of the table for them
        return [values[c] for c in codes.tolist()]
    table = np.empty(len(values), dtype=object)
    table[:] = values  # by assignment: np.array would make an array of a tuple's tuples
    found: list[Any] = table[codes].tolist()
    return found


def kind_numbers(mentions: Sequence[Mention]) -> list[int]:
    """Each mention's kind as its place in :class:`~kgraph.model.EntityKind`'s order.

    Counting kinds by number is counting in C: an enum hashes in Python (2.5 s to count
    the (key, kind) pairs of 1.7M mentions).

    >>> mention = Mention("p", Field.TITLE, 0, 4, "BERT", EntityKind.METHOD, 0, "model")
    >>> numbers = kind_numbers([mention])
    >>> numbers == kind_numbers(MentionTable.of([mention])) == [list(EntityKind).index(EntityKind.METHOD)]
    True
    """
    if isinstance(mentions, MentionTable):
        numbers: list[int] = mentions._columns["kind"].tolist()
        return numbers
    return [_KIND_CODE[m.kind] for m in mentions]


def mention_column(mentions: Sequence[Mention], name: str) -> list[Any]:
    """``[getattr(m, name) for m in mentions]``, read from the column where ``mentions`` is a table."""
    if isinstance(mentions, MentionTable):
        return mentions.column(name)
    return [getattr(m, name) for m in mentions]


def paper_rows(mentions: Sequence[Mention]) -> dict[str, np.ndarray]:
    """Paper id -> the indices of its mentions in ``mentions``, in order."""
    if isinstance(mentions, MentionTable):
        return mentions.rows_by_paper()
    rows: dict[str, list[int]] = defaultdict(list)
    for i, mention in enumerate(mentions):
        rows[mention.paper_id].append(i)
    return {paper_id: np.array(indices, dtype=np.int64) for paper_id, indices in rows.items()}


def rows_at(mentions: Sequence[Mention], indices: Sequence[int] | np.ndarray) -> Sequence[Mention]:
    """The mentions at ``indices``: a table's rows as a smaller table (no Mention made, for
    readers of a few columns; see :func:`mention_column`), another sequence's as a list."""
    if isinstance(mentions, MentionTable):
        return mentions.take(indices)
    return [mentions[i] for i in indices]


def mentions_at(mentions: Sequence[Mention], indices: Sequence[int] | np.ndarray) -> list[Mention]:
    """``[mentions[i] for i in indices]``, made a column at a time where ``mentions`` is a table."""
    if isinstance(mentions, MentionTable):
        return list(mentions.take(indices))
    return [mentions[i] for i in indices]


def by_paper(papers: Iterable[Paper], mentions: Sequence[Mention]) -> Iterator[tuple[Paper, list[Mention]]]:
    """Each paper with its mentions (in ``mentions``' order), one paper at a time.

    Only one paper's Mention objects exist at a time where ``mentions`` is a table.
    """
    rows = paper_rows(mentions)
    for paper in papers:
        indices = rows.get(paper.id)
        yield paper, mentions_at(mentions, indices) if indices is not None else []
