"""The per-paper extraction cache that makes rebuilds incremental.

Extraction is the one stage that costs minutes at scale, and a paper's mentions depend
only on its title, its abstract and the extraction pipeline. So a build keeps each
paper's mentions in an SQLite file in the output folder, keyed by the paper id and a
hash of its text, under the *pipeline fingerprint* (kgraph version, tier, model files
and gazetteer). A rebuild extracts only papers whose key is missing; a different
fingerprint empties the cache; entries of papers no longer in the input are dropped, so
the cache never outgrows the corpus. Every later stage (resolve, link, RDF) is rerun on
all papers: they depend on the whole corpus. What resolution works out from each mention
text alone (its keys) is kept too, under the version of the code that made it, so a
rebuild keys only the texts it has not seen.

SQLite commits atomically, so a build that crashes leaves the cache consistent.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import orjson

from .errors import KGraphError
from .model import EntityKind, Field, Mention, Paper, Relation, Result

CACHE_FILE = "cache.sqlite"
_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS mentions (
    paper_id TEXT NOT NULL,
    text_hash TEXT NOT NULL,
    payload TEXT NOT NULL,
    PRIMARY KEY (paper_id, text_hash)
);
CREATE TABLE IF NOT EXISTS relations (
    paper_id TEXT NOT NULL,
    text_hash TEXT NOT NULL,
    payload TEXT NOT NULL,
    PRIMARY KEY (paper_id, text_hash)
);
CREATE TABLE IF NOT EXISTS results (
    paper_id TEXT NOT NULL,
    text_hash TEXT NOT NULL,
    payload TEXT NOT NULL,
    PRIMARY KEY (paper_id, text_hash)
);
CREATE TABLE IF NOT EXISTS text_keys (text TEXT PRIMARY KEY, payload TEXT NOT NULL);
"""


def text_hash(paper: Paper) -> str:
    """Hash of what extraction reads from a paper (title and abstract).

    A lone surrogate (which the readers never emit, but a Paper built in code may hold)
    is hashed as its code point rather than failing the build.

    >>> text_hash(Paper("p", "A title", "An abstract.")) == text_hash(Paper("q", "A title", "An abstract.", year=2020))
    True
    >>> len(text_hash(Paper("p", "Bad \\ud800", "x")))
    40
    """
    return hashlib.sha1(f"{paper.title}\x00{paper.abstract}".encode("utf-8", "surrogatepass")).hexdigest()


def encode_mentions(mentions: Sequence[Mention]) -> str:
    """One paper's mentions as compact JSON (no paper id: the key stores it); see :func:`decode_mentions`."""
    return json.dumps([[m.field.value, m.start, m.end, m.text, m.kind.value, m.sentence, m.extractor,
                        m.confidence, m.label, list(m.sentence_span) if m.sentence_span else None]
                       for m in mentions], ensure_ascii=False, separators=(",", ":"))


# dict lookups: calling the Enum classes was half the time of reading a 50k-paper cache
_FIELDS = {f.value: f for f in Field}
_KINDS = {k.value: k for k in EntityKind}


def payload_rows(payload: str) -> list[list[Any]]:
    """The rows of a cached entry's JSON (:func:`encode_mentions`, :func:`encode_relations`,
    :func:`encode_results`) as they are: mentions for a table go to
    :meth:`~kgraph.mentions.MentionColumns.extend_rows` without a Mention made."""
    try:
        rows: list[list[Any]] = orjson.loads(payload)
    except orjson.JSONDecodeError:  # what json.dumps writes and orjson does not read (NaN)
        rows = json.loads(payload)
    return rows


def decode_mentions(paper_id: str, payload: str) -> list[Mention]:
    """The Mentions of ``paper_id`` from :func:`encode_mentions`' JSON.

    >>> m = Mention("p", Field.TITLE, 0, 4, "BERT", EntityKind.METHOD, 0, "gazetteer", 1.0)
    >>> decode_mentions("p", encode_mentions([m])) == [m]
    True
    """
    return [Mention(paper_id, _FIELDS[f], s, e, t, _KINDS[k], n, x, c, lab, tuple(span) if span else None)
            for f, s, e, t, k, n, x, c, lab, span in payload_rows(payload)]


def encode_relations(relations: Sequence[Relation]) -> str:
    """One paper's relation statements as compact JSON; see :func:`decode_relations`."""
    return json.dumps([[r.field.value, *r.head, *r.tail, r.label, r.confidence, *r.sentence_span, r.extractor]
                       for r in relations], ensure_ascii=False, separators=(",", ":"))


def decode_relations(paper_id: str, payload: str) -> list[Relation]:
    """The Relations of ``paper_id`` from :func:`encode_relations`' JSON.

    >>> r = Relation("p", Field.ABSTRACT, (0, 3), (8, 11), "USED-FOR", 0.9, (0, 20))
    >>> decode_relations("p", encode_relations([r])) == [r]
    True
    """
    return [Relation(paper_id, _FIELDS[f], (hs, he), (ts, te), label, c, (lo, hi), x)
            for f, hs, he, ts, te, label, c, lo, hi, x in payload_rows(payload)]


def encode_results(results: Sequence[Result]) -> str:
    """One paper's result statements as compact JSON; see :func:`decode_results`."""
    return json.dumps([[r.value, r.start, r.end, r.kind, r.metric, r.dataset, r.method, *r.sentence_span,
                        *(list(span) if span else None for span in (r.metric_span, r.dataset_span, r.method_span))]
                       for r in results], ensure_ascii=False, separators=(",", ":"))


def decode_results(paper_id: str, payload: str) -> list[Result]:
    """The Results of ``paper_id`` from :func:`encode_results`' JSON.

    >>> r = Result("p", "92.3", 40, 44, "absolute", "F1", "SQuAD", "ours", (0, 60), (45, 47), (51, 56))
    >>> decode_results("p", encode_results([r])) == [r]
    True
    """
    return [Result(paper_id, value, start, end, kind, metric, dataset, method, (lo, hi),
                   *(tuple(span) if span else None for span in spans))
            for value, start, end, kind, metric, dataset, method, lo, hi, *spans in payload_rows(payload)]


class MentionCache:
    """Mentions per (paper id, text hash) for one pipeline fingerprint.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / CACHE_FILE
    >>> paper = Paper("p1", "Title", "We use BERT.")
    >>> with MentionCache(path, "fp1") as cache:
    ...     cache.put(paper, [])
    ...     cache.get([paper]).keys()
    dict_keys(['p1'])
    >>> with MentionCache(path, "fp2") as cache:  # another pipeline: nothing is reused
    ...     cache.get([paper])
    {}
    """

    def __init__(self, path: Path, fingerprint: str, relation_fingerprint: str = "",
                 results_fingerprint: str = "") -> None:
        self.path = path
        try:
            self._db = sqlite3.connect(path)
            self._db.executescript(_SCHEMA)
            stored = self._stored("fingerprint")
        except sqlite3.DatabaseError as exc:
            raise KGraphError(f"{path}: not a usable kgraph cache ({exc}); delete it to start afresh") from None
        self._empty_unless("fingerprint", stored, fingerprint, ("mentions", "relations", "results"))
        # relations are made from the mentions by another model, result statements by rules:
        # a new relation model or new rules empty those alone, and keep the mentions (the
        # costly part of a rebuild)
        self._empty_unless("relations", self._stored("relations"), relation_fingerprint, ("relations",))
        self._empty_unless("results", self._stored("results"), results_fingerprint, ("results",))
        self.hits = 0
        self.misses = 0

    def _stored(self, key: str) -> str | None:
        """The fingerprint the cache recorded under ``key`` (None before the first)."""
        row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def _empty_unless(self, key: str, stored: str | None, fingerprint: str, tables: tuple[str, ...]) -> None:
        """Empty ``tables`` and record ``fingerprint`` under ``key`` unless it is the one ``stored``."""
        if stored != fingerprint:
            with self._db:
                for table in tables:  # names from this module, never from input
                    self._db.execute(f"DELETE FROM {table}")
                self._db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, fingerprint))

    def get(self, papers: Iterable[Paper]) -> dict[str, list[Mention]]:
        """The cached mentions of those ``papers`` that have an entry, by paper id (counted as hits and misses)."""
        found = {}
        for paper in papers:
            payload = self.payload(paper)
            if payload is None:
                self.misses += 1
            else:
                self.hits += 1
                found[paper.id] = decode_mentions(paper.id, payload)
        return found

    def cached_ids(self, papers: Iterable[Paper]) -> set[str]:
        """The ids of those ``papers`` that have an entry for their text (counted as hits and misses).

        With :meth:`payload` a build then reads one paper's JSON at a time: all of them at
        once were 3 GB at a million papers, in heap memory the stages after could not reuse.
        """
        found: set[str] = set()
        query = "SELECT 1 FROM mentions WHERE paper_id = ? AND text_hash = ?"
        for paper in papers:
            if self._db.execute(query, (paper.id, text_hash(paper))).fetchone() is None:
                self.misses += 1
            else:
                self.hits += 1
                found.add(paper.id)
        return found

    def payload(self, paper: Paper) -> str | None:
        """One paper's entry as stored (see :func:`decode_mentions`), or None without one."""
        row = self._db.execute("SELECT payload FROM mentions WHERE paper_id = ? AND text_hash = ?",
                               (paper.id, text_hash(paper))).fetchone()
        return None if row is None else str(row[0])

    def put(self, paper: Paper, mentions: Sequence[Mention]) -> None:
        """Remember a paper's mentions (committed by :meth:`close` or the next :meth:`commit`);
        its results, found from the mentions it had, are forgotten."""
        key = (paper.id, text_hash(paper))
        self._db.execute("INSERT OR REPLACE INTO mentions VALUES (?, ?, ?)", (*key, encode_mentions(mentions)))
        self._db.execute("DELETE FROM results WHERE paper_id = ? AND text_hash = ?", key)

    def get_results(self, paper: Paper) -> list[Result] | None:
        """A paper's cached result statements, or None without an entry."""
        row = self._db.execute("SELECT payload FROM results WHERE paper_id = ? AND text_hash = ?",
                               (paper.id, text_hash(paper))).fetchone()
        return None if row is None else decode_results(paper.id, row[0])

    def put_results(self, paper: Paper, results: Sequence[Result]) -> None:
        """Remember a paper's result statements (found from its cached mentions)."""
        self._db.execute("INSERT OR REPLACE INTO results VALUES (?, ?, ?)",
                         (paper.id, text_hash(paper), encode_results(results)))

    def get_relations(self, papers: Iterable[Paper]) -> dict[str, list[Relation]]:
        """The cached relation statements of those ``papers`` that have an entry, by paper id."""
        found: dict[str, list[Relation]] = {}
        query = "SELECT payload FROM relations WHERE paper_id = ? AND text_hash = ?"
        for paper in papers:
            row = self._db.execute(query, (paper.id, text_hash(paper))).fetchone()
            if row is not None:
                found[paper.id] = decode_relations(paper.id, row[0])
        return found

    def put_relations(self, paper: Paper, relations: Sequence[Relation]) -> None:
        """Remember a paper's relation statements (made from its cached mentions)."""
        self._db.execute("INSERT OR REPLACE INTO relations VALUES (?, ?, ?)",
                         (paper.id, text_hash(paper), encode_relations(relations)))

    def text_payloads(self, version: str) -> Iterator[tuple[str, str]]:
        """What resolution worked out from each mention text (an opaque payload per text,
        see :meth:`put_text_payloads`), as stored under ``version`` of the code that made
        it; nothing, and the stored ones dropped, under another version. One row at a time:
        a corpus of 10^6 abstracts has millions of distinct texts.

        >>> import tempfile, pathlib
        >>> cache = MentionCache(pathlib.Path(tempfile.mkdtemp()) / CACHE_FILE, "fp")
        >>> cache.put_text_payloads("v1", [("BERT", "k")])
        >>> dict(cache.text_payloads("v1")), dict(cache.text_payloads("v2")), dict(cache.text_payloads("v1"))
        ({'BERT': 'k'}, {}, {})
        """
        row = self._db.execute("SELECT value FROM meta WHERE key = 'text_keys'").fetchone()
        if row is None or row[0] != version:
            self._db.execute("DELETE FROM text_keys")
            self._db.execute("INSERT OR REPLACE INTO meta VALUES ('text_keys', ?)", (version,))
            return iter(())
        return iter(self._db.execute("SELECT text, payload FROM text_keys"))

    def put_text_payloads(self, version: str, items: Iterable[tuple[str, str]]) -> None:
        """Remember (text, payload) pairs made by ``version`` of the code."""
        self._db.execute("INSERT OR REPLACE INTO meta VALUES ('text_keys', ?)", (version,))
        self._db.executemany("INSERT OR REPLACE INTO text_keys VALUES (?, ?)", items)

    def drop_text_payloads(self, texts: Iterable[str]) -> None:
        """Forget the payloads of ``texts`` (no mention of the corpus has them any more)."""
        self._db.executemany("DELETE FROM text_keys WHERE text = ?", ((text,) for text in texts))

    def keep_only(self, papers: Iterable[Paper]) -> int:
        """Drop entries of papers not in ``papers`` (removed files, edited texts); return how many."""
        keep = {(p.id, text_hash(p)) for p in papers}
        stale = [row for row in self._db.execute("SELECT paper_id, text_hash FROM mentions") if tuple(row) not in keep]
        self._db.executemany("DELETE FROM mentions WHERE paper_id = ? AND text_hash = ?", stale)
        for table in ("relations", "results"):
            self._db.executemany(f"DELETE FROM {table} WHERE paper_id = ? AND text_hash = ?",
                                 [row for row in self._db.execute(f"SELECT paper_id, text_hash FROM {table}")
                                  if tuple(row) not in keep])
        return len(stale)

    def commit(self) -> None:
        self._db.commit()

    def close(self) -> None:
        self._db.commit()
        self._db.close()

    def __enter__(self) -> MentionCache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
