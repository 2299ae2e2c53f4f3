"""Rebuilds that update the SPARQL store in place instead of loading it again.

Bulk-loading the store is most of a big build's output time (~100k triples/s: six
minutes for the 35M triples of 50k papers), yet adding 100 papers to 50k changes a few
percent of the triples: the new papers' graphs, the counts and ranks of the entities
they mention, link weights (IDF moves with the corpus size). So a build remembers what
its store holds, block by block (:func:`kgraph.rdf.convert.keyed_blocks`: one paper's
graph, one entity with its co-occurrences, a group of links), in a table of the build's
``cache.sqlite``: a digest of each block and its Turtle, compressed. A rebuild writes
every block again (graph.ttl and graph.trig are rewritten), compares digests, and sends
the store SPARQL updates deleting the statements that went and inserting the new ones:
one at the end for a store updated in place, or, for a copy of the store that no reader
sees until the build is done, batches sent on a thread while the files are still being
written (the store updates without the GIL, so it overlaps the formatting). No
statement belongs to two blocks, so a diff never removes a triple another block still
states; the last batch puts back any statement a batch took out after another had put
it in. Paper graphs, most of the statements, are recorded with a signature of
what they are made from (:func:`~kgraph.rdf.convert.paper_signature`): one whose
signature is unchanged is written from the record instead of being formatted again.

The store and the table carry the same random *token* (in the store: a named graph
that queries over the default graph never see). A rebuild updates the store only when
the two tokens and the Turtle prologue match; otherwise (first build, ``--no-cache``,
another kgraph version's prologue, a crash between the store's update and the table's
commit) it loads the store afresh. The table commits after the last update, so a crash
leaves either the old state (a copy updated in part is thrown away with its generation)
or a mismatch that forces a full load.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import sqlite3
import zlib
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import cast

import pyoxigraph as ox

from ..errors import KGraphError
from .convert import HEADER, Block, FileSpan, ungrouped
from .namespaces import DATA, PREFIXES

STATE_GRAPH = f"{DATA}graph/state"
_TOKEN = f"{PREFIXES['kg']}blocksToken"
_LAYOUT = "2"  # of the table: 2 added paper signatures and keeps each block as Turtle
_META = "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)"
_BLOCKS = ("CREATE TABLE IF NOT EXISTS rdf_blocks "
           "(key TEXT PRIMARY KEY, digest BLOB NOT NULL, signature BLOB, body BLOB NOT NULL)")
# where each paper graph lies in the files of the build recorded (meta 'rdf_files' says
# which files: their sizes, modification times and inodes, and the provenance)
_SPANS = ("CREATE TABLE IF NOT EXISTS rdf_spans "
          "(key TEXT PRIMARY KEY, ttl_at INTEGER, ttl_length INTEGER, trig_at INTEGER, trig_length INTEGER)")
_PROLOGUE_DIGEST = hashlib.blake2b(HEADER.encode(), digest_size=8).hexdigest()
_BATCH = 5_000  # changed blocks compared per round trip to the table
#: Changed blocks per update sent on the thread: small enough that the link groups (every
#: one changes, and they are most of a rebuild's changes) go out while the paper graphs
#: are still being written, large enough that each update is worth a transaction.
_SEND_EVERY = 500


def _digest(text: bytes) -> bytes:
    return hashlib.blake2b(text, digest_size=16).digest()


def _turtle(body: bytes) -> str:
    return zlib.decompress(body).decode("utf-8")


def sparql_prologue() -> str:
    """``BASE`` and ``PREFIX`` declarations equal to the Turtle :data:`~kgraph.rdf.convert.HEADER`."""
    return f"BASE <{DATA}>\n" + "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())


def store_token(store: ox.Store) -> str | None:
    """The token a store was written with (``None`` for a store without one)."""
    for quad in store.quads_for_pattern(None, ox.NamedNode(_TOKEN), None, ox.NamedNode(STATE_GRAPH)):
        return cast(ox.Literal, quad.object).value  # token_quad writes a Literal
    return None


def token_quad(token: str) -> ox.Quad:
    """The quad that marks a store as holding the blocks recorded under ``token``."""
    graph = ox.NamedNode(STATE_GRAPH)
    return ox.Quad(graph, ox.NamedNode(_TOKEN), ox.Literal(token), graph)


class BlockLog:
    """The blocks a build's store holds, in ``cache.sqlite``; see the module docstring.

    Use one of the two modes, each fed every block in turn with :meth:`see`:

    * ``BlockLog(path)`` then :meth:`start_full`: a store is loaded afresh; every block is
      recorded, and :meth:`commit` (after the new store carries :attr:`token`) makes the
      record current.
    * :meth:`start_update` (when :meth:`matches` the store): only differences are kept;
      :meth:`apply` then updates the store in one transaction and commits the record.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> store = ox.Store(str(folder / "store"))
    >>> log = BlockLog(folder / "cache.sqlite")
    >>> log.start_full()
    >>> one = Block("<g>", "<p1>", ["<p1> a kg:Paper", "<p1> dcterms:title 'One'"])
    >>> log.see(one, one.turtle)
    >>> store.load(input=(HEADER + one.turtle).encode(), format=ox.RdfFormat.TURTLE)
    >>> store.add(token_quad(log.token)); log.commit()
    >>> log = BlockLog(folder / "cache.sqlite"); log.matches(store)
    True
    >>> log.start_update()
    >>> two = Block("<g>", "<p1>", ["<p1> a kg:Paper", "<p1> dcterms:title 'Two'"])
    >>> log.see(two, two.turtle)
    >>> log.apply(store)
    (1, 1)
    >>> sorted(q.object.value for q in store.quads_for_pattern(None, None, None, ox.DefaultGraph()))
    ['Two', 'https://w3id.org/kgraph/ontology#Paper']
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            self._db = sqlite3.connect(path)
            self._db.execute(_META)
            meta = dict(self._db.execute(
                "SELECT key, value FROM meta WHERE key IN ('rdf_token', 'rdf_prologue', 'rdf_layout')"))
            # an older kgraph's table: start it again (the store is loaded afresh)
            if meta.get("rdf_layout") != _LAYOUT:
                with self._db:
                    self._db.execute("DROP TABLE IF EXISTS rdf_blocks")
                    self._db.execute("DELETE FROM meta WHERE key = 'rdf_token'")
                    self._db.execute("INSERT OR REPLACE INTO meta VALUES ('rdf_layout', ?)", (_LAYOUT,))
                meta.pop("rdf_token", None)
            with self._db:
                self._db.execute(_BLOCKS)
                self._db.execute(_SPANS)
            files = self._db.execute("SELECT value FROM meta WHERE key = 'rdf_files'").fetchone()
        except sqlite3.DatabaseError as exc:
            raise KGraphError(f"{path}: not a usable kgraph cache ({exc}); delete it to start afresh") from None
        self._recorded = meta.get("rdf_token") if meta.get("rdf_prologue") == _PROLOGUE_DIGEST else None
        self._recorded_files: str | None = files[0] if files is not None else None
        self._spans: dict[str, FileSpan] = {}  # key -> where the recorded build's files hold it
        self._new_spans: list[tuple[str, int | None, int | None, int | None, int | None]] = []
        self._files: str | None = None  # the new files, once written
        self.copy_from: tuple[Path | None, Path | None] = (None, None)
        self.token = secrets.token_hex(16)
        self._full = True
        self._old: dict[str, tuple[bytes, bytes | None]] = {}  # key -> (digest, signature) of the last build
        # (key, digest, signature, zlib'd Turtle, lines)
        self._pending: list[tuple[str, bytes, bytes | None, bytes, list[str]]] = []
        self._resigned: list[tuple[bytes | None, str]] = []  # unchanged blocks whose signature changed
        self.removed: list[str] = []
        self.added: list[str] = []
        self.changed_blocks = 0
        self.reused_blocks = 0  # paper graphs
        self.reused_entities = 0
        # with a store given to start_update: changes are sent in batches as they are
        # found, on a thread (the store updates without the GIL), beside the formatting
        self._sender: ThreadPoolExecutor | None = None
        self._store: ox.Store | None = None
        self._sent: list[Future[None]] = []
        self._all_removed: set[str] = set()
        self._all_added: set[str] = set()

    def matches(self, store: ox.Store) -> bool:
        """Whether ``store`` holds exactly the blocks recorded here."""
        return self._recorded is not None and store_token(store) == self._recorded

    def start_full(self) -> None:
        """Record every block; the table is replaced when :meth:`commit` is called."""
        self._full = True
        self._db.execute("DELETE FROM rdf_blocks")

    def start_update(self, store: ox.Store | None = None, *,
                     files: tuple[Path | None, Path | None] = (None, None), provenance: str = "full") -> None:
        """Keep only what differs from the recorded blocks (for :meth:`apply`).

        With ``store`` (the one :meth:`apply` will be given) the differences are sent to
        it in batches while the build goes on, each batch its own transaction: only for
        a store no reader sees before the build ends (a copy in a new generation, see
        :mod:`kgraph.atomic`), since a failed build leaves it half updated.

        ``files`` are the last build's graph.ttl and graph.trig (None for one this build
        does not write): where they are the files recorded, as written, with the same
        ``provenance``, :meth:`reuse` gives unchanged paper graphs as their place in them
        (:attr:`copy_from` then names them) instead of reading their Turtle.
        """
        self._full = False
        found = _file_ids(files)
        # every file this build writes there, and as the recorded build wrote it: a file
        # that build left out has no places to copy from
        if (any(files) and self._recorded_files == _files_record(found, provenance)
                and all(its is not None for its, path in zip(found, files) if path is not None)):
            self._spans = {key: FileSpan(None if ttl_at is None else (ttl_at, ttl_length),
                                         None if trig_at is None else (trig_at, trig_length))
                           for key, ttl_at, ttl_length, trig_at, trig_length in self._db.execute(
                               "SELECT key, ttl_at, ttl_length, trig_at, trig_length FROM rdf_spans")}
            self.copy_from = files
        if store is not None:
            self._store, self._sender = store, ThreadPoolExecutor(max_workers=1, thread_name_prefix="kgraph-store")
        self._old = {key: (digest, signature) for key, digest, signature in
                     self._db.execute("SELECT key, digest, signature FROM rdf_blocks")}

    def reuse(self, key: str, signature: bytes) -> str | FileSpan | None:
        """The recorded Turtle of block ``key`` (or its place in the files of
        :attr:`copy_from`) if it was made from the same things (a
        :data:`~kgraph.rdf.convert.Reuse` for :func:`~kgraph.rdf.convert.keyed_blocks`)."""
        old = self._old.get(key)
        if self._full or old is None or old[1] != signature:
            return None
        span = self._spans.get(key)
        if span is not None:  # recorded for every file of copy_from (start_update checked them)
            return span
        row = self._db.execute("SELECT body FROM rdf_blocks WHERE key = ?", (key,)).fetchone()
        return _turtle(row[0]) if row is not None else None

    def see(self, block: Block, turtle: str) -> None:
        """One block of the new build and its Turtle (as :func:`~kgraph.rdf.convert.write_turtle` makes them)."""
        if block.kept:  # the recorded block itself
            self._old.pop(block.key, None)
            if block.own_graph:  # a paper's graph (the build's is never kept)
                self.reused_blocks += 1
            else:
                self.reused_entities += 1
            return
        text = turtle.encode("utf-8")
        digest = _digest(text)
        if not self._full:
            old = self._old.pop(block.key, None)
            if old is not None and old[0] == digest:
                if old[1] != block.signature:
                    self._resigned.append((block.signature, block.key))
                return
        # compressed now and, in a full record, without its lines: up to _BATCH paper
        # graphs wait here, ~0.5 GB as text and line lists at 100k papers
        self._pending.append((block.key, digest, block.signature, zlib.compress(text, 1),
                              block.statements if not self._full else []))
        if len(self._pending) >= (_SEND_EVERY if self._sender is not None else _BATCH):
            self._flush()

    def _flush(self) -> None:
        pending, self._pending = self._pending, []
        if not pending:
            return
        if not self._full:
            old = self._bodies([key for key, *_rest in pending])
            for key, _digest, _signature, _body, lines in pending:
                before, new = set(old.get(key, ())), set(lines)
                self.removed.extend(before - new)
                self.added.extend(new - before)
            self.changed_blocks += len(pending)
            if self._sender is not None:
                self._send()
        self._db.executemany("INSERT OR REPLACE INTO rdf_blocks VALUES (?, ?, ?, ?)",
                             ((key, digest, signature, body) for key, digest, signature, body, _l in pending))

    def _bodies(self, keys: list[str]) -> dict[str, list[str]]:
        found: dict[str, list[str]] = {}
        for chunk, marks in _in_chunks(keys):
            for key, body in self._db.execute(f"SELECT key, body FROM rdf_blocks WHERE key IN ({marks})", chunk):
                found[key] = ungrouped(_turtle(body))
        return found

    def _send(self) -> None:
        """Send the differences found so far to the store, on the sender's thread."""
        assert self._sender is not None and self._store is not None
        removed, added, self.removed, self.added = self.removed, self.added, [], []
        if not removed and not added:
            return
        self._all_removed.update(removed)
        self._all_added.update(added)
        self._sent.append(self._sender.submit(self._store.update, "".join(_update_parts(removed, added))))

    def apply(self, store: ox.Store) -> tuple[int, int]:
        """Send ``store`` the (remaining) differences, then commit; return (triples removed, added)."""
        if self._sender is not None and store is not self._store:
            raise KGraphError("BlockLog.apply was given another store than start_update")
        self._flush()
        self._db.executemany("UPDATE rdf_blocks SET signature = ? WHERE key = ?", self._resigned)
        gone = list(self._old)  # blocks of the last build that this one no longer has
        for lines in self._bodies(gone).values():
            self.removed.extend(lines)
        for chunk, marks in _in_chunks(gone):
            self._db.execute(f"DELETE FROM rdf_blocks WHERE key IN ({marks})", chunk)
        self.changed_blocks += len(gone)
        restore: list[str] = []
        if self._sender is not None:
            self._all_removed.update(self.removed)
            self._all_added.update(self.added)
            try:
                for sent in self._sent:
                    sent.result()  # in order; re-raises a failed batch
            finally:
                self._sender.shutdown()
                # let go of the store: the caller closes it by dropping its own reference,
                # and a store left open here goes on compacting (deleting files) while the
                # build's generation is flushed to disk
                self._sender, self._store, self._sent = None, None, []
            # one update would delete before it inserts; batches can put a statement that
            # left one block and joined another in before taking it out
            restore = sorted(self._all_removed & self._all_added)
            counts = (len(self._all_removed), len(self._all_added))
        else:
            counts = (len(self.removed), len(self.added))
        store.update("".join(_update_parts(self.removed, self.added + restore, self._recorded or "", self.token)))
        self._set_token()
        self.removed, self.added = [], []
        return counts

    def commit(self) -> None:
        """Make the full record current (the store now carries :attr:`token`)."""
        self._flush()
        self._set_token()

    def span(self, key: str, span: FileSpan) -> None:
        """Where the new files hold paper graph ``key`` (recorded by :meth:`commit` or :meth:`apply`)."""
        ttl, trig = span.ttl or (None, None), span.trig or (None, None)
        self._new_spans.append((key, *ttl, *trig))

    def files_written(self, files: tuple[Path | None, Path | None], provenance: str) -> None:
        """The new graph.ttl and graph.trig (None for one not written), once closed: the next
        build copies unchanged paper graphs from them while they stay as they are."""
        self._files = _files_record(_file_ids(files), provenance)

    def _set_token(self) -> None:
        # the files' record goes with the token, in one transaction: it describes the build
        # whose store this is
        self._db.execute("DELETE FROM rdf_spans")
        self._db.execute("DELETE FROM meta WHERE key = 'rdf_files'")
        if self._files is not None:
            self._db.executemany("INSERT OR REPLACE INTO rdf_spans VALUES (?, ?, ?, ?, ?)", self._new_spans)
            self._db.execute("INSERT INTO meta VALUES ('rdf_files', ?)", (self._files,))
        with self._db:
            self._db.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)",
                                 [("rdf_token", self.token), ("rdf_prologue", _PROLOGUE_DIGEST)])

    def close(self) -> None:
        """Close the table; anything not committed is rolled back."""
        if self._sender is not None:  # a build that failed before apply(): stop sending
            self._sender.shutdown(cancel_futures=True)
        self._db.rollback()
        self._db.close()


def _file_ids(files: tuple[Path | None, Path | None]) -> list[list[int] | None]:
    """Which files these are, as written: size, modification time and inode of each (a
    file rewritten or touched since is another file); None for one not given or not there."""
    found: list[list[int] | None] = []
    for path in files:
        try:
            status = path.stat() if path is not None else None
        except OSError:
            status = None
        found.append([status.st_size, status.st_mtime_ns, status.st_ino] if status is not None else None)
    return found


def _files_record(ids: list[list[int] | None], provenance: str) -> str:
    """What the table keeps of a build's files (meta ``rdf_files``): their ids and the provenance they keep."""
    return json.dumps([*ids, provenance])


def _in_chunks(keys: list[str], size: int = 500) -> Iterator[tuple[list[str], str]]:
    """``keys`` in slices, each with its ``?,?,…`` placeholders (SQLite caps their number)."""
    for lo in range(0, len(keys), size):
        chunk = keys[lo:lo + size]
        yield chunk, ",".join("?" * len(chunk))


def _update_parts(removed: list[str], added: list[str], old_token: str | None = None,
                  new_token: str | None = None) -> Iterator[str]:
    """The SPARQL update text: deletions before insertions, then the token swap (with the tokens)."""
    yield sparql_prologue()
    if removed:
        yield "DELETE DATA {\n"
        yield " .\n".join(removed)
        yield " .\n} ;\n"
    if added:
        yield "INSERT DATA {\n"
        yield " .\n".join(added)
        yield " .\n} ;\n"
    if new_token is None:
        return
    graph = f"<{STATE_GRAPH}>"
    yield f'DELETE DATA {{ GRAPH {graph} {{ {graph} <{_TOKEN}> "{old_token}" }} }} ;\n'
    yield f'INSERT DATA {{ GRAPH {graph} {{ {graph} <{_TOKEN}> "{new_token}" }} }}\n'
