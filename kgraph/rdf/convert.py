"""A build as RDF: Turtle statements made as strings, in named graphs, no blank nodes.

A 100k-paper build is tens of millions of triples; making one pyoxigraph term per
triple capped the writer at ~200k triples/s, so statements are formatted as Turtle text
directly (~10x faster): kgraph's prefixes for the vocabulary, IRIs kgraph mints relative
to ``@base <https://w3id.org/kgraph/id/>`` (a third of the bytes of full IRIs). That
text is valid Turtle and TriG as it is; pyoxigraph parses it where terms are wanted
(the store's bulk load, N-Triples/N-Quads/JSON-LD, :func:`triples`).
"""

from __future__ import annotations

import hashlib
import itertools
import operator
import os
import sys
import tempfile
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, fields, is_dataclass, replace  # noqa: F401 - replace: the doctests
from enum import Enum
from pathlib import Path
from typing import IO, TYPE_CHECKING, TypeVar
from urllib.parse import quote as percent_encode

import numpy as np
import pyoxigraph as ox

from ..errors import KGraphError
from ..graph.data import GraphData
from ..graph.links import take_links
from ..graph.relations import EntityRelation, ResultRow, numeric_value
from ..graph.trends import Series
from ..mentions import mention_column, paper_rows, rows_at
from ..model import Entity, EntityKind, Link, Mention, Paper, Relation, Result, SourceRef  # noqa: F401 - SourceRef: the doctests
from ..readers.ids import normalise_arxiv, normalise_doi
from ..text.labels import lookup_label
from ..version import __version__
from .namespaces import (
    DATA,
    KG,
    PREFIXES,
    RELATION_PROPERTY,
    entity_iri,
    link_iri,
    mention_iri_under,
    paper_iri,
    relation_iri,
)

if TYPE_CHECKING:
    import rdflib

_T = TypeVar("_T")
_INT = "^^xsd:integer"
_DOUBLE = "^^xsd:double"
_GYEAR = "^^xsd:gYear"
_DATETIME = "^^xsd:dateTime"
# PRISM (used with FaBiO) names a paper's DOI and the journal/proceedings it appeared in.
_PRISM_DOI = "prism:doi"
_PRISM_VENUE = "prism:publicationName"
HEADER = f"@base <{DATA}> .\n" + "".join(f"@prefix {p}: <{iri}> .\n" for p, iri in PREFIXES.items()) + "\n"
_IRI_SAFE = "/:;()@!$&'*+,=-._~"  # RFC 3987 path characters; <, >, [, ], spaces… are percent-encoded
# N-Triples string escapes; other control characters as \\u escapes so no line ever breaks
_ESCAPES = {ord("\\"): "\\\\", ord('"'): '\\"', ord("\n"): "\\n", ord("\r"): "\\r"}
_ESCAPES.update({c: f"\\u{c:04X}" for c in (*range(0x20), 0x7F) if c not in _ESCAPES})


def _ref(iri: str) -> str:
    """An IRI as written: relative to the base when kgraph minted it.

    A path segment "." or ".." (a paper id of "..") would be resolved away, so such
    IRIs stay absolute.
    """
    if iri.startswith(DATA):
        rest = iri[len(DATA):]
        if "/." not in f"/{rest}":
            return f"<{rest}>"
    return f"<{iri}>"


def _lit(value: str) -> str:
    return f'"{value.translate(_ESCAPES)}"'


_BOOL = {True: '"true"^^xsd:boolean', False: '"false"^^xsd:boolean'}


def _int(value: int) -> str:
    return f'"{int(value)}"{_INT}'


def _double(value: float) -> str:
    return f'"{float(value)!r}"{_DOUBLE}'


A = "a"
KIND_CLASS = {kind: getattr(KG, kind.value) for kind in EntityKind}
_PAPERS = PREFIXES["kgp"]
GRAPHS = {name: f"{DATA}graph/{name}" for name in ("entities", "links", "build")}


_PAPER_GRAPHS = f"{DATA}graph/paper/"


def paper_graph(paper_id: str) -> str:
    """The IRI of the named graph holding one paper (its metadata and its mentions)."""
    return f"{_PAPER_GRAPHS}{paper_iri(paper_id)[len(_PAPERS):]}"


PROVENANCE = ("full", "entities")
"""What graph.ttl keeps of where entities were found (:func:`write_turtle`): every
mention's annotation, or only which papers mention which entities (``kg:mentions``)."""


def without_annotations(turtle: str, graph: str) -> str:
    """The Turtle of a block without its mentions' annotations, if ``graph`` is a paper's graph.

    Statements of one subject are grouped (:func:`grouped`) and an annotation, its target
    and its selectors are all named under ``<paper>/mention/``, so each is one
    ``" .\n"``-ended group starting with that prefix. The paper's statements of which
    entities it mentions, its relation statements (whose head and tail mentions then
    name annotations this file does not describe) and its results stay.

    >>> body = grouped(["<paper/p> a kg:Paper", "<paper/p/mention/title-0-3> a oa:Annotation",
    ...                 "<paper/p/mention/title-0-3/quote> oa:exact 'BERT'"])
    >>> print(without_annotations(body, paper_graph("p")), end="")
    <paper/p> a kg:Paper .
    >>> without_annotations(body, GRAPHS["entities"]) == body
    True
    """
    if not graph.startswith(_PAPER_GRAPHS):
        return turtle
    prefix = _ref(_PAPERS + graph[len(_PAPER_GRAPHS):])[:-1] + "/mention/"
    if prefix not in turtle:
        return turtle
    kept = [statement for statement in turtle.split(" .\n") if statement and not statement.startswith(prefix)]
    return " .\n".join(kept) + " .\n" if kept else ""


@dataclass(frozen=True, slots=True)
class Block:
    """One resource's statements: see :func:`keyed_blocks`."""

    graph: str
    key: str
    lines: list[str]
    signature: bytes | None = None
    """For a paper's graph: a digest of everything its statements are made from."""
    reused: str | None = None
    """The block's Turtle as the last build wrote it, when its signature is unchanged
    (``lines`` is then empty: the block was not formatted again)."""
    formatted: str | None = None
    """The block's Turtle when :func:`format_papers` made it (``lines`` is then empty)."""
    span: FileSpan | None = None
    """Where the last build wrote this unchanged paper graph in its files, when they are
    still there as written (``lines`` is then empty, and the Turtle is copied from them)."""

    @property
    def turtle(self) -> str:
        """The statements as Turtle (:func:`grouped`)."""
        if self.reused is not None:
            return self.reused
        if self.span is not None:
            raise KGraphError(f"the graph {self.key} is in the previous build's files, not in memory")
        return self.formatted if self.formatted is not None else grouped(self.lines)

    @property
    def own_graph(self) -> bool:
        """Whether the block is a named graph of its own (a paper's graph, the build's),
        not one of the many blocks of a graph (the entities', the links')."""
        return self.graph == self.key

    @property
    def kept(self) -> bool:
        """Whether the block is the last build's, unchanged (:attr:`reused` or :attr:`span`)."""
        return self.reused is not None or self.span is not None

    @property
    def statements(self) -> list[str]:
        """The statements (``lines``, or those of the Turtle where that is all the block holds)."""
        # a copied block's Turtle is not here: self.turtle says so rather than giving no statements
        fresh = self.reused is None and self.formatted is None and self.span is None
        return self.lines if fresh else ungrouped(self.turtle)


@dataclass(frozen=True, slots=True)
class FileSpan:
    """Where a paper's graph lies in a build's files, as (byte offset, length): its Turtle
    in graph.ttl, and in graph.trig its named graph with the line that opens it (``None``
    for a file that build did not write)."""

    ttl: tuple[int, int] | None
    trig: tuple[int, int] | None


Reuse = Callable[[str, bytes], "str | FileSpan | None"]
"""Given a paper graph's key and signature, the Turtle the last build wrote for it (or
where it lies in that build's files, see :func:`write_turtle`'s ``previous``) if that was
made from the same things; else ``None``."""


@dataclass(frozen=True, slots=True)
class PaperParts:
    """What one paper's graph is made from, as plain values (sent to a Dask worker as they are)."""

    paper: Paper
    entities: tuple[str, ...]
    """The ids of the entities the paper mentions (``kg:mentions``)."""
    mentions: tuple[Mention, ...]
    entity_ids: tuple[str, ...]
    """The entity id of each of ``mentions``."""
    statements: tuple[tuple[Relation, str, str], ...] = ()
    """Each relation statement with the ids of its subject and object entities."""
    results: tuple[ResultRow, ...] = ()


def paper_lines(parts: PaperParts) -> list[str]:
    """The statements of one paper's graph (see :func:`keyed_blocks`), sorted and without repeats."""
    paper = parts.paper
    iri = paper_iri(paper.id)
    # the paper's IRI is percent-encoded once, not again for each of its ~30 mentions
    p = _ref(iri)
    lines = list(_paper_triples(paper, p, parts.entities))
    for mention, entity_id in zip(parts.mentions, parts.entity_ids, strict=True):
        lines.extend(_mention_triples(paper, iri, mention, entity_id))
    for said, subject, object_ in parts.statements:
        lines.extend(_statement_triples(paper, iri, said, subject, object_))
    for row in parts.results:
        lines.extend(_result_triples(paper, iri, row))
    return _block(lines)


def format_papers(chunk: Sequence[PaperParts]) -> list[str]:
    """The Turtle of each paper's graph in ``chunk`` (:func:`grouped` :func:`paper_lines`), in order.

    A pure function of its input, so any process can run it: the Dask engine formats
    partitions of papers on its workers (:class:`kgraph.run.dask_engine.DaskMap`).
    """
    return [grouped(paper_lines(parts)) for parts in chunk]


FormatChunks = Callable[[Iterator[list[PaperParts]]], Iterator[list[str]]]
"""An ordered map of :func:`format_papers` over chunks of papers (``map`` in one process;
a Dask engine keeps a few chunks in flight on its workers)."""
#: Papers per chunk handed to a :data:`FormatChunks`.
PAPER_CHUNK = 256


def _in_process(chunks: Iterator[list[PaperParts]]) -> Iterator[list[str]]:
    return map(format_papers, chunks)


def keyed_blocks(data: GraphData, reuse: Reuse | None = None,
                 format_chunks: FormatChunks | None = None) -> Iterator[Block]:
    """A :class:`Block` for every resource of the build, in a fixed order.

    Graphs come in the order build, entities, links, then one graph per paper (see
    :func:`paper_graph`); inside a graph, resources in IRI order, and each resource's
    lines (with those of the nodes under its IRI: a paper's mentions, an entity's
    co-occurrences) sorted and without repeats (two extractors' mentions at the same
    offsets share an IRI). Statements (``"s p o"``, see :data:`HEADER`) lack the final
    ``" ."``. Only one resource is held at a time, so writing a 100k-paper build needs
    no list of millions of triples.

    The key names the block's resource (the build, an entity, a group of links, a
    paper's graph) so a rebuild can tell which blocks changed (:mod:`kgraph.rdf.incremental`); no
    statement is in two blocks. With ``reuse``, paper graphs carry a
    :func:`paper_signature` and those ``reuse`` recognises are not formatted again:
    they are three quarters of the statements, and a rebuild leaves most unchanged.
    ``format_chunks`` formats the other paper graphs, :data:`PAPER_CHUNK` at a time
    (:func:`format_papers` in this process by default): the same Turtle wherever it runs.
    """
    yield Block(GRAPHS["build"], GRAPHS["build"], _block(_build_activity(data)))
    papers_of = data.papers_of_entity
    ranks, cooccurrences = data.kind_ranks, data.cooccurrences
    relations_from: dict[str, list[EntityRelation]] = {}
    statements_of: dict[str, list[tuple[Relation, str, str]]] = {}
    for relation in data.entity_relations:
        relations_from.setdefault(relation.subject, []).append(relation)
        for said in relation.evidence:
            statements_of.setdefault(said.paper_id, []).append((said, relation.subject, relation.object))
    entity_years = data.entity_years
    year_ranks = {(entity_id, year): rank for (_kind, year), ranking in data.year_rankings.items()
                  for rank, (entity_id, _papers) in enumerate(ranking.ranked, start=1)}
    results_of: dict[str, list[ResultRow]] = {}
    for row in data.result_rows:
        results_of.setdefault(row.result.paper_id, []).append(row)
    mention_counts, entities_graph = data.mention_counts, GRAPHS["entities"]
    # an entity's block is signed like a paper's graph: a rebuild leaves most entities as
    # they were, and formatting 600k blocks was a third of a 50k rebuild's RDF
    signing = _entity_code(data.year_totals) if reuse is not None else None
    for iri, entity in sorted(((entity_iri(e.id), e) for e in data.entities), key=lambda pair: pair[0]):
        signature = None
        if signing is not None:
            years = entity_years.get(entity.id)
            signature = entity_signature(
                signing, entity, len(papers_of.get(entity.id, ())), mention_counts.get(entity.id, 0),
                ranks.get(entity.id), cooccurrences.get(entity.id, ()), relations_from.get(entity.id, ()),
                [(y, n, year_ranks.get((entity.id, y))) for y, n in sorted(years.items())] if years else ())
            kept = reuse(iri, signature)  # type: ignore[misc] # signing is set only with reuse
            if kept is not None:
                yield _recorded(entities_graph, iri, signature, kept)
                continue
        lines = list(_entity_triples(data, entity, papers_of, ranks, cooccurrences))
        for relation in relations_from.get(entity.id, ()):
            lines.extend(_entity_relation_triples(relation))
        if entity.id in entity_years:
            lines.extend(_year_triples(entity, data.entity_series(entity.id), year_ranks))
        yield Block(entities_graph, iri, _block(lines), signature)
    # links in groups by the first hex digits of their IRI's hash (~100 per group at 50k
    # papers): every link's weight moves when the corpus grows (IDF), so a rebuild compares
    # them all, and one block per link cost more in per-block work than in the diff itself
    # sorted as fixed-width digests (every link IRI is one prefix and 20 hex digits, so
    # their order is the IRIs'): 7M (IRI, link) pairs of Python objects were ~1.2 GB at a
    # million papers
    links = data.links
    digests = np.fromiter((link_iri(link.source, link.target)[-_DIGITS:].encode() for link in links),
                          dtype=f"S{_DIGITS}", count=len(links))
    order = np.argsort(digests, kind="stable")
    group, lines = "", []
    for lo in range(0, len(order), _LINKS_AT_ONCE):
        rows = order[lo : lo + _LINKS_AT_ONCE]
        for link, digest in zip(take_links(links, rows), digests[rows].tolist()):
            if (its := digest[:_GROUP_DIGITS].decode()) != group:
                if lines:
                    yield Block(GRAPHS["links"], f"{GRAPHS['links']}#{group}", _block(lines))
                group, lines = its, []
            lines.extend(_link_triples(link))
    if lines:
        yield Block(GRAPHS["links"], f"{GRAPHS['links']}#{group}", _block(lines))
    yield from _paper_blocks(data, statements_of, results_of, reuse, format_chunks or _in_process)


def _paper_blocks(data: GraphData, statements_of: Mapping[str, list[tuple[Relation, str, str]]],
                  results_of: Mapping[str, list[ResultRow]], reuse: Reuse | None,
                  format_chunks: FormatChunks) -> Iterator[Block]:
    """The paper graphs of :func:`keyed_blocks`, in IRI order: those ``reuse`` knows as
    they were, the others formatted by ``format_chunks``."""
    mentions_of = paper_rows(data.mentions)
    entities_of = data.entities_of_paper
    # (graph, signature, recorded Turtle, parts to format) of the papers whose chunks are
    # out with ``format_chunks`` (it may read a few chunks ahead of what it gives back)
    windows: deque[list[tuple[str, bytes | None, str | FileSpan | None, PaperParts | None]]] = deque()

    def papers() -> Iterator[tuple[str, bytes | None, str | FileSpan | None, PaperParts | None]]:
        for _iri, paper in sorted(((paper_iri(p.id), p) for p in data.papers), key=lambda pair: pair[0]):
            graph = paper_graph(paper.id)
            indices = [i for i in mentions_of.get(paper.id, ()) if data.mention_entity[i]]
            # a table's rows stay columns until the paper is formatted: a reused graph needs
            # only its signature
            mentions = rows_at(data.mentions, indices)
            entity_ids = [data.mention_entity[i] for i in indices]
            statements, results = statements_of.get(paper.id, ()), results_of.get(paper.id, ())
            signature = None
            if reuse is not None:
                signature = paper_signature(paper, mentions, entity_ids, [*statements, *results])
                turtle = reuse(graph, signature)
                if turtle is not None:
                    yield graph, signature, turtle, None
                    continue
            yield graph, signature, None, PaperParts(paper, tuple(entities_of.get(paper.id, ())), tuple(mentions),
                                                     tuple(entity_ids), tuple(statements), tuple(results))

    def chunks() -> Iterator[list[PaperParts]]:
        for window in _batched(papers(), PAPER_CHUNK):
            windows.append(list(window))
            yield [parts for *_, parts in window if parts is not None]

    for texts in format_chunks(chunks()):
        window = windows.popleft()
        if len(texts) != sum(parts is not None for *_, parts in window):
            raise KGraphError(f"the paper formatter gave back {len(texts)} graphs for a chunk of another size")
        made = iter(texts)
        for graph, signature, turtle, parts in window:
            if parts is None:
                assert turtle is not None  # a graph without parts is one reuse recognised
                yield _recorded(graph, graph, signature, turtle)
            else:
                yield Block(graph, graph, [], signature, formatted=next(made))
    if windows:
        raise KGraphError("the paper formatter gave back fewer chunks than it was sent")


def _recorded(graph: str, key: str, signature: bytes | None, kept: str | FileSpan) -> Block:
    """The block the last build recorded, as ``reuse`` gave it back: its Turtle, or where it lies in the files."""
    if isinstance(kept, FileSpan):
        return Block(graph, key, [], signature, span=kept)
    return Block(graph, key, [], signature, kept)


def _batched(items: Iterable[_T], size: int) -> Iterator[tuple[_T, ...]]:
    """``itertools.batched`` (Python 3.12) for older Pythons."""
    it = iter(items)
    while chunk := tuple(itertools.islice(it, size)):
        yield chunk


_DIGITS, _GROUP_DIGITS = 20, 3  # a link IRI ends in 20 hex digits; its block is named by the first 3
_LINKS_AT_ONCE = 1 << 16  # links whose sort positions are made Python ints at a time


def _block(lines: Iterable[str]) -> list[str]:
    return sorted(set(lines))


def _code_digest(start: bytes, modules: Iterable[object]) -> bytes:
    """A digest of ``start`` and the source of ``modules`` (what formatting code is)."""
    digest = hashlib.blake2b(start, digest_size=16)
    for module in modules:
        try:
            digest.update(Path(getattr(module, "__file__", None) or "").read_bytes())
        except OSError:  # no source file (a frozen install): the version alone says it
            pass
    return digest.digest()


def _formatting_modules() -> tuple[object, ...]:
    from ..readers import ids
    from . import namespaces

    return sys.modules[__name__], namespaces, ids


def _entity_modules() -> tuple[object, ...]:
    from ..graph import trends
    from ..text import labels

    return trends, labels


#: What the code that writes statements is: kgraph's version and the modules' source.
_CODE = _code_digest(__version__.encode(), _formatting_modules())
#: The same for an entity's block, which also reads its labels' lookup forms and its series.
_ENTITY_CODE = _code_digest(_CODE, _entity_modules())


#: The fields of an entity that its signature covers as they are (and its kind by value).
_ENTITY_SIGNED = operator.attrgetter(*(f.name for f in fields(Entity) if f.name != "kind"))


def _entity_code(year_totals: Mapping[int, int]) -> bytes:
    """The key of :func:`entity_signature`: :data:`_ENTITY_CODE` and the corpus's papers
    per year (its shares' denominators)."""
    return hashlib.blake2b(repr(sorted(year_totals.items())).encode(), key=_ENTITY_CODE, digest_size=16).digest()


def entity_signature(code: bytes, entity: Entity, papers: int, mentions: int, rank: int | None,
                     cooccurrences: Sequence[tuple[str, int]], relations: Sequence[EntityRelation],
                     years: Sequence[tuple[int, int, int | None]]) -> bytes:
    """A digest of everything an entity's block is made from (see :func:`keyed_blocks`):
    the entity, its paper and mention counts, its rank, its co-occurrences, the relations
    it is the subject of (with their evidence statements) and its papers and rank per year,
    keyed by ``code`` (:func:`_entity_code`: the code and the corpus's papers per year).

    >>> code, bert = b"k" * 16, Entity("bert", EntityKind.METHOD, "BERT", "BERT")
    >>> entity_signature(code, bert, 3, 5, 1, (), (), ()) == entity_signature(code, bert, 3, 5, 1, (), (), ())
    True
    >>> entity_signature(code, bert, 3, 5, 1, (), (), ()) == entity_signature(code, bert, 3, 5, 2, (), (), ())
    False
    """
    made_of = repr((
        _ENTITY_SIGNED(entity), entity.kind.value, papers, mentions, rank, cooccurrences, years,
        [(r.label, r.object, len(r.papers), r.confidence,
          [(s.paper_id, s.field.value, s.head, s.tail, s.label) for s in r.evidence]) for r in relations]))
    return hashlib.blake2b(made_of.encode("utf-8", "surrogatepass"), key=code, digest_size=16).digest()


#: The fields of a paper's mentions that its signature covers: all but the paper id, which
#: the paper itself gives.
_SIGNED = tuple(f.name for f in fields(Mention) if f.name != "paper_id")
#: The fields of a paper that its signature covers: all but the files it was read from.
_PAPER_SIGNED = tuple(f.name for f in fields(Paper) if f.name != "sources")


def paper_signature(paper: Paper, mentions: Sequence[Mention], entity_ids: Sequence[str],
                    statements: Sequence[object] = ()) -> bytes:
    """A digest of everything a paper's graph is made from: the paper (not the files it
    was read from, which its statements do not name), its resolved mentions, its
    relation statements and results (with the entities they name), and the code.

    >>> paper = Paper("p", "T", "A.")
    >>> paper_signature(paper, [], []) == paper_signature(replace(paper, sources=(SourceRef("a.jsonl", 3),)), [], [])
    True
    >>> paper_signature(paper, [], []) == paper_signature(replace(paper, year=2020), [], [])
    False
    """
    # the mentions a column at a time and everything as plain values (tuples, strings,
    # numbers): the reprs of a Mention per row, of the dataclasses and of the enums are
    # written in Python, and were most of the cost of reusing a recorded graph
    columns = [_plain_column(mention_column(mentions, name)) for name in _SIGNED]
    paper_fields = tuple(getattr(paper, name) for name in _PAPER_SIGNED)
    made_of = repr((paper_fields, columns, list(entity_ids), [_plain_statement(s) for s in statements]))
    return hashlib.blake2b(made_of.encode("utf-8", "surrogatepass"), key=_CODE, digest_size=16).digest()


#: What a paper's signature covers of a relation statement (and its field by value) and of a result row.
_RELATION_SIGNED = operator.attrgetter(*(f.name for f in fields(Relation) if f.name != "field"))
_RESULT_SIGNED = operator.attrgetter(*(f.name for f in fields(Result)))
_ROW_SIGNED = operator.attrgetter(*(f.name for f in fields(ResultRow) if f.name != "result"))


def _plain_statement(statement: object) -> object:
    """A paper's relation statement (with its two entities) or result row as plain values:
    the reprs of the dataclasses are written in Python (a third of signing 50k papers)."""
    if isinstance(statement, ResultRow):
        return _RESULT_SIGNED(statement.result), _ROW_SIGNED(statement)
    if isinstance(statement, tuple) and len(statement) == 3 and isinstance(statement[0], Relation):
        said, subject, object_ = statement
        return _RELATION_SIGNED(said), said.field.value, subject, object_
    return _plain(statement)


def _plain_column(column: Sequence[object]) -> Sequence[object]:
    return [value.value for value in column] if column and isinstance(column[0], Enum) else column  # type: ignore[attr-defined]


def _plain(value: object) -> object:
    """``value`` with its dataclasses as (name, fields...) tuples and its enums as their values.

    >>> _plain((EntityKind.METHOD, [SourceRef("a", 1)]))
    ('Method', (('SourceRef', 'a', 1),))
    """
    if isinstance(value, Enum):
        return value.value
    if is_dataclass(value) and not isinstance(value, type):
        return (type(value).__name__, *(_plain(getattr(value, f.name)) for f in fields(value)))
    if isinstance(value, (tuple, list)):
        return tuple(_plain(item) for item in value)
    return value


def quads(data: GraphData) -> Iterator[ox.Quad]:
    """Every triple of the build as a pyoxigraph Quad in its named graph (parsed from :func:`keyed_blocks`)."""
    for block in keyed_blocks(data):
        name = ox.NamedNode(block.graph)
        for triple in ox.parse(HEADER + block.turtle, format=ox.RdfFormat.TURTLE):
            yield ox.Quad(triple.subject, triple.predicate, triple.object, name)


def triples(data: GraphData) -> Iterator[ox.Triple]:
    """Every triple of the build (papers, entities, mentions, links, build activity), in :func:`keyed_blocks` order."""
    for quad in quads(data):
        yield quad.triple


def _paper_triples(paper: Paper, p: str, entities: Iterable[str]) -> Iterator[str]:
    yield f"{p} {A} {KG.Paper}"
    yield f"{p} {A} fabio:ResearchPaper"
    yield f"{p} dcterms:identifier {_lit(paper.id)}"
    yield f"{p} dcterms:title {_lit(paper.title)}"
    yield f"{p} dcterms:abstract {_lit(paper.abstract)}"
    if paper.year is not None:
        yield f'{p} dcterms:issued "{paper.year:04d}"{_GYEAR}'
    for author in paper.authors:
        yield f"{p} dcterms:creator {_lit(author)}"
    if paper.doi:
        doi = normalise_doi(paper.doi)
        yield f"{p} schema:sameAs <https://doi.org/{percent_encode(doi, safe=_IRI_SAFE)}>"
        yield f"{p} {_PRISM_DOI} {_lit(doi)}"
    if paper.arxiv_id:
        arxiv_id = normalise_arxiv(paper.arxiv_id)
        yield f"{p} schema:sameAs <https://arxiv.org/abs/{percent_encode(arxiv_id, safe=_IRI_SAFE)}>"
    if paper.venue:
        yield f"{p} {_PRISM_VENUE} {_lit(paper.venue)}"
    if paper.url:
        yield f"{p} schema:url {_lit(paper.url)}"
    mentions = KG.mentions
    for entity_id in entities:
        yield f"{p} {mentions} {_ref(entity_iri(entity_id))}"


def _entity_triples(data: GraphData, entity: Entity, papers_of: Mapping[str, Sequence[str]], ranks: Mapping[str, int],
                    cooccurrences: Mapping[str, Sequence[tuple[str, int]]]) -> Iterator[str]:
    e = _ref(entity_iri(entity.id))
    yield f"{e} {A} {KIND_CLASS[entity.kind]}"
    yield f"{e} {A} skos:Concept"
    yield f"{e} skos:prefLabel {_lit(entity.label)}@en"
    for alt in entity.alt_labels:
        yield f"{e} skos:altLabel {_lit(alt)}@en"
    yield f"{e} {KG.resolutionKey} {_lit(entity.key)}"
    for lookup in {lookup_label(label) for label in (entity.label, *entity.alt_labels)}:
        yield f"{e} {KG.lookupLabel} {_lit(lookup)}"
    for reason in entity.merged_by:
        yield f"{e} {KG.mergedBy} {_lit(reason)}"
    for match in entity.exact_match:
        yield f"{e} skos:exactMatch <{match}>"
    if entity.expansion:
        yield f"{e} {KG.expansion} {_lit(entity.expansion)}@en"
    yield f"{e} {KG.generic} {_BOOL[entity.generic]}"
    for evidence in entity.evidence:
        yield f"{e} {KG.specificityEvidence} {_lit(evidence)}"
    yield f"{e} {KG.paperCount} {_int(len(papers_of.get(entity.id, ())))}"
    yield f"{e} {KG.mentionCount} {_int(data.mention_counts.get(entity.id, 0))}"
    if entity.id in ranks:
        yield f"{e} {KG.kindRank} {_int(ranks[entity.id])}"
    # a co-occurrence node is known by its kg:cooccurrenceOf (no rdf:type: one triple
    # fewer for each of the ~40 per common entity, and no query needs the class)
    of, with_, shared_papers = KG.cooccurrenceOf, KG.cooccursWith, KG.sharedPapers
    for other, shared in cooccurrences.get(entity.id, ()):
        c = f"{e[:-1]}/cooccurrence/{other}>"
        yield f"{c} {of} {e}"
        yield f"{c} {with_} {_ref(entity_iri(other))}"
        yield f"{c} {shared_papers} {_int(shared)}"


def _mention_triples(paper: Paper, iri: str, mention: Mention, entity_id: str) -> Iterator[str]:
    """The annotation of one mention of ``paper``, whose IRI is ``iri``."""
    # W3C Web Annotation, trimmed: mentions are ~65 % of a build's triples, so the
    # optional oa:SpecificResource type, kg:Mention (oa:Annotation + oa:hasBody says it)
    # and the extractor's own label (in kgraph.json) are left out
    field = mention.field.value
    m = _ref(mention_iri_under(iri, field, mention.start, mention.end))
    target, position, quote = f"{m[:-1]}/target>", f"{m[:-1]}/position>", f"{m[:-1]}/quote>"
    selector = "oa:hasSelector"
    yield f"{m} {A} oa:Annotation"
    yield f"{m} oa:hasBody {_ref(entity_iri(entity_id))}"
    yield f"{m} oa:hasTarget {target}"
    yield f"{m} {KG.inField} {_lit(field)}"
    yield f"{m} {KG.sentenceIndex} {_int(mention.sentence)}"
    yield f"{m} {KG.extractor} {_lit(mention.extractor)}"
    yield f"{m} {KG.confidence} {_double(mention.confidence)}"
    yield f"{target} oa:hasSource {_ref(iri)}"
    yield f"{target} {selector} {position}"
    yield f"{target} {selector} {quote}"
    yield f"{position} {A} oa:TextPositionSelector"
    yield f"{position} oa:start {_int(mention.start)}"
    yield f"{position} oa:end {_int(mention.end)}"
    yield f"{quote} {A} oa:TextQuoteSelector"
    yield f"{quote} oa:exact {_lit(mention.text)}"
    # prefix/suffix reach to the sentence's ends, so the quote selector carries the
    # sentence; always present, so queries need no OPTIONAL (which the store
    # evaluated over every mention: 120 ms instead of 0.5 at 100k papers)
    text = paper.text(mention.field)
    sent_start, sent_end = mention.sentence_span or (max(0, mention.start - 40), mention.end + 40)
    yield f"{quote} oa:prefix {_lit(text[sent_start:mention.start])}"
    yield f"{quote} oa:suffix {_lit(text[mention.end:sent_end])}"


def _entity_relation_triples(relation: EntityRelation) -> Iterator[str]:
    """"A kg:usedFor B" and the relation's node: its support, confidence and evidence statements."""
    subject, object_ = _ref(entity_iri(relation.subject)), _ref(entity_iri(relation.object))
    node = _ref(relation_iri(relation.subject, relation.label, relation.object))
    yield f"{subject} {RELATION_PROPERTY[relation.label]} {object_}"
    yield f"{node} {A} {KG.EntityRelation}"
    yield f"{node} {KG.subject} {subject}"
    yield f"{node} {KG.relationType} {_lit(relation.label)}"
    yield f"{node} {KG.object} {object_}"
    yield f"{node} {KG.supportPapers} {_int(len(relation.papers))}"
    yield f"{node} {KG.confidence} {_double(relation.confidence)}"
    for said in relation.evidence:
        yield f"{node} {KG.evidence} {_ref(statement_iri(paper_iri(said.paper_id), said))}"


def statement_iri(paper: str, said: Relation) -> str:
    """The IRI of one sentence's relation statement, under its paper's IRI."""
    (hs, he), (ts, te) = said.head, said.tail
    return f"{paper}/relation/{said.field.value}-{hs}-{he}-{said.label}-{ts}-{te}"


def _statement_triples(paper: Paper, iri: str, said: Relation, subject: str, object_: str) -> Iterator[str]:
    """One sentence's relation: its two mentions, entities, type, confidence and the sentence."""
    s = _ref(statement_iri(iri, said))
    field = said.field.value
    yield f"{s} {A} {KG.RelationStatement}"
    yield f"{s} {KG.relationType} {_lit(said.label)}"
    yield f"{s} {KG.headMention} {_ref(mention_iri_under(iri, field, *said.head))}"
    yield f"{s} {KG.tailMention} {_ref(mention_iri_under(iri, field, *said.tail))}"
    # the entity ends as aggregated: a symmetric relation's are in id order
    yield f"{s} {KG.subject} {_ref(entity_iri(subject))}"
    yield f"{s} {KG.object} {_ref(entity_iri(object_))}"
    yield f"{s} {KG.statedIn} {_ref(iri)}"
    yield f"{s} {KG.sentence} {_lit(paper.text(said.field)[slice(*said.sentence_span)])}"
    yield f"{s} {KG.extractor} {_lit(said.extractor)}"
    yield f"{s} {KG.confidence} {_double(said.confidence)}"


def _result_triples(paper: Paper, iri: str, row: ResultRow) -> Iterator[str]:
    """One reported number: value as written (and as a number), kind, metric, dataset, method, sentence."""
    result = row.result
    r = _ref(f"{iri}/result/{result.start}-{result.end}")
    yield f"{r} {A} {KG.Result}"
    yield f"{r} {KG.value} {_lit(result.value)}"
    number = numeric_value(result.value)
    if number is not None:
        yield f"{r} {KG.numericValue} {_double(number)}"
    yield f"{r} {KG.resultKind} {_lit(result.kind)}"
    yield f"{r} {KG.valueStart} {_int(result.start)}"
    yield f"{r} {KG.valueEnd} {_int(result.end)}"
    yield f"{r} {KG.statedIn} {_ref(iri)}"
    yield f"{r} {KG.sentence} {_lit(paper.abstract[slice(*result.sentence_span)])}"
    for prop, entity in ((KG.metric, row.metric), (KG.dataset, row.dataset), (KG.method, row.method)):
        if entity:
            yield f"{r} {prop} {_ref(entity_iri(entity))}"
    for label_prop, text in ((KG.metricLabel, result.metric), (KG.datasetLabel, result.dataset),
                             (KG.methodLabel, result.method)):
        if text:
            yield f"{r} {label_prop} {_lit(text)}"


def _year_triples(entity: Entity, series: Series, year_ranks: Mapping[tuple[str, int], int]) -> Iterator[str]:
    """An entity's papers per year (one resource per year, so a query filters years by index),
    its rank that year where it is among the leading entities of its kind (see
    :func:`_ranking_triples`), its first and peak year, and its bursts."""
    e = _ref(entity_iri(entity.id))
    if series.first_year is not None:
        yield f"{e} {KG.firstYear} {_int(series.first_year)}"
    if series.peak_year is not None:
        yield f"{e} {KG.peakYear} {_int(series.peak_year)}"
    for year, papers in series.years.items():
        node = f"{e[:-1]}/year/{year}>"
        yield f"{node} {A} {KG.EntityYear}"
        yield f"{node} {KG.yearOf} {e}"
        yield f"{node} {KG.year} {_int(year)}"
        yield f"{node} {KG.paperCount} {_int(papers)}"
        if year in series.share:
            yield f"{node} {KG.share} {_double(series.share[year])}"
        if (rank := year_ranks.get((entity.id, year))) is not None:
            yield f"{node} {KG.rankedIn} {_ref(_ranking_iri(entity.kind, year))}"
            yield f"{node} {KG.yearRank} {_int(rank)}"
    for burst in series.bursts:
        node = f"{e[:-1]}/burst/{burst.start}>"
        yield f"{node} {A} {KG.Burst}"
        yield f"{node} {KG.burstOf} {e}"
        yield f"{node} {KG.startYear} {_int(burst.start)}"
        yield f"{node} {KG.endYear} {_int(burst.end)}"
        yield f"{node} {KG.burstWeight} {_double(burst.weight)}"


def _link_triples(link: Link) -> Iterator[str]:
    node = _ref(link_iri(link.source, link.target))
    a, b = _ref(paper_iri(link.source)), _ref(paper_iri(link.target))
    yield f"{a} {KG.relatedTo} {b}"
    yield f"{node} {A} {KG.PaperLink}"
    yield f"{node} {KG.source} {a}"
    yield f"{node} {KG.target} {b}"
    yield f"{node} {KG.weight} {_double(link.weight)}"
    for entity_id in link.shared:
        yield f"{node} {KG.sharedEntity} {_ref(entity_iri(entity_id))}"


def _build_activity(data: GraphData) -> Iterator[str]:
    meta = data.meta
    build = _ref(f"{DATA}build/{meta.get('fingerprint', 'unknown')}")
    yield f"{build} {A} {KG.Build}"
    yield f"{build} {A} prov:Activity"
    yield f"{build} {KG.kgraphVersion} {_lit(str(meta.get('kgraph_version', '')))}"
    yield f"{build} {KG.extractorTier} {_lit(str(meta.get('tier', '')))}"
    if meta.get("model"):
        yield f"{build} {KG.extractorModel} {_lit(str(meta['model']))}"
    if meta.get("created"):
        yield f"{build} prov:startedAtTime {_lit(meta['created'])}{_DATETIME}"
    # the canned queries count co-occurrences live for entities in fewer papers
    yield f"{build} {KG.cooccurrenceMinPapers} {_int(data.cooccurrence_min_papers)}"
    for year, papers in data.year_totals.items():  # the corpus's papers per year: shares' denominators
        node = _ref(f"{DATA}year/{year}")
        yield f"{node} {KG.year} {_int(year)}"
        yield f"{node} {KG.papersInYear} {_int(papers)}"
    yield from _ranking_triples(data)


def _ranking_iri(kind: EntityKind, year: int) -> str:
    return f"{DATA}year/{year}/{kind.value}"


def _ranking_triples(data: GraphData) -> Iterator[str]:
    """A ranking per kind and year: the leading entities' year resources point at it, and
    its floor bounds the papers of every entity left out, so "top entities in these years"
    sums the years of a few hundred entities, not of all (see the ontology's YearRanking)."""
    for (kind, year), ranking in data.year_rankings.items():
        node = _ref(_ranking_iri(kind, year))
        yield f"{node} {A} {KG.YearRanking}"
        yield f"{node} {KG.rankingOf} {KIND_CLASS[kind]}"
        yield f"{node} {KG.year} {_int(year)}"
        yield f"{node} {KG.rankFloor} {_int(ranking.floor)}"


RDF_FORMATS = {".ttl": ox.RdfFormat.TURTLE, ".nt": ox.RdfFormat.N_TRIPLES, ".jsonld": ox.RdfFormat.JSON_LD,
               ".trig": ox.RdfFormat.TRIG, ".nq": ox.RdfFormat.N_QUADS}
_CHUNK = 1 << 20  # bytes per write


def grouped(lines: list[str]) -> str:
    """Statements as Turtle, those of one subject joined with ``;`` (lines are sorted).

    >>> print(grouped(["<a> a kg:Paper", "<a> dcterms:title 'T'", "<b> a kg:Paper"]), end="")
    <a> a kg:Paper ;
        dcterms:title 'T' .
    <b> a kg:Paper .
    """
    out: list[str] = []
    append = out.append
    subject = None  # with its trailing space: a term holds none, so a prefix match is the same subject
    cut = 0
    for line in lines:
        if subject is not None and line.startswith(subject):
            append(" ;\n    " + line[cut:])
        else:
            cut = line.index(" ") + 1
            append(" .\n" + line if subject is not None else line)
            subject = line[:cut]
    return "".join(out) + " .\n" if out else ""


def ungrouped(turtle: str) -> list[str]:
    """The statements of :func:`grouped` Turtle, one per subject and predicate-object, sorted.

    Literals never hold a raw line break (:data:`_ESCAPES`), so the separators, which
    end lines, cannot occur inside a term.

    >>> ungrouped(grouped(["<a> a kg:Paper", "<a> dcterms:title 'T ; x .'", "<b> a kg:Paper"]))
    ['<a> a kg:Paper', "<a> dcterms:title 'T ; x .'", '<b> a kg:Paper']
    """
    lines = []
    for statement in turtle.split(" .\n"):
        if not statement:
            continue
        first, *more = statement.split(" ;\n    ")
        lines.append(first)
        subject = first[: first.index(" ") + 1]
        lines.extend(subject + rest for rest in more)
    return lines


def write_turtle(data: GraphData, *, turtle: Path | None = None, trig: Path | None = None,
                 tee: IO[str] | None = None, on_block: Callable[[Block, str], None] | None = None,
                 reuse: Reuse | None = None, provenance: str = "full",
                 format_chunks: FormatChunks | None = None,
                 previous: tuple[Path | None, Path | None] = (None, None),
                 on_span: Callable[[str, FileSpan], None] | None = None) -> None:
    """Write the build as Turtle and/or TriG (one named graph per paper) in one pass over :func:`keyed_blocks`.

    ``tee`` receives the Turtle too, as it is made (the build pipes it into the store's
    bulk loader, so loading overlaps formatting); ``on_block`` is called with each
    block and its Turtle ("" for a block copied from ``previous``; a rebuild compares them
    with the last build's); ``reuse`` is handed to :func:`keyed_blocks`. With
    ``provenance="entities"`` the ``turtle`` file leaves out the mentions' annotations
    (:func:`without_annotations`: about half its statements); the TriG, ``tee`` and
    ``on_block`` still get every statement. ``format_chunks`` is handed to
    :func:`keyed_blocks` too.

    ``previous`` names the last build's graph.ttl and graph.trig: a paper graph that
    ``reuse`` places in them (a :class:`FileSpan`) is copied from there by the kernel
    (``os.copy_file_range``), never read into this process; runs of them go as one copy.
    ``on_span`` is told where each signed block (a paper's graph, an entity) lies in the
    new files, for the next build.
    """
    if provenance not in PROVENANCE:
        raise ValueError(f"provenance must be one of {', '.join(PROVENANCE)}, not {provenance!r}")
    outs: dict[str, _Out] = {}
    current = None
    try:
        for kind, path, source in (("ttl", turtle, previous[0]), ("trig", trig, previous[1])):
            if path is not None:  # opened inside the try: a second that fails closes the first
                outs[kind] = _Out(path, source)
        ttl, tri = outs.get("ttl"), outs.get("trig")
        header = HEADER.encode("utf-8")
        for out in outs.values():
            out.write(header)
        if tee is not None:
            tee.write(HEADER)
        for block in keyed_blocks(data, reuse, format_chunks):
            # the line that opens a block's named graph in the TriG, closing the one before
            opening = "" if block.graph == current else (
                ("}\n" if current is not None else "") + f"{_ref(block.graph)} {{\n")
            current = block.graph
            ttl_at = ttl.pos if ttl else 0
            # a paper's graph is a block of its own, and its span in the TriG holds the line
            # that opens it; an entity's block is one of many in a graph, and its span holds
            # its statements alone (the block that opens the graph changes as entities come)
            if tri is not None and opening and not block.own_graph:
                tri.write(opening.encode("utf-8"))
                opening = ""
            trig_at = tri.pos if tri else 0
            if block.span is not None:
                if on_block is not None:
                    on_block(block, "")
                if tee is not None:
                    raise KGraphError(f"the graph {block.key} cannot be copied into a pipe")
                if ttl is not None:
                    ttl.copy(*_span_of(block.span.ttl, block.key))
                if tri is not None:
                    tri.copy(*_span_of(block.span.trig, block.key))  # a paper's opening line included
            else:
                body = block.turtle
                if on_block is not None:
                    on_block(block, body)
                raw = body.encode("utf-8")
                if tri is not None:
                    if opening:
                        tri.write(opening.encode("utf-8"))
                    tri.write(raw)
                if ttl is not None:
                    ttl.write(raw if provenance == "full" else without_annotations(body, block.graph).encode("utf-8"))
                if tee is not None:
                    tee.write(body)
            if on_span is not None and block.signature is not None:
                on_span(block.key, FileSpan((ttl_at, ttl.pos - ttl_at) if ttl else None,
                                            (trig_at, tri.pos - trig_at) if tri else None))
        if tri is not None and current is not None:
            tri.write(b"}\n")
        for out in outs.values():
            out.close()
    finally:
        for out in outs.values():
            out.abandon()


def _span_of(span: tuple[int, int] | None, key: str) -> tuple[int, int]:
    if span is None:
        raise KGraphError(f"the previous build's files do not hold the graph {key}")
    return span


class _Out:
    """One file :func:`write_turtle` writes, as bytes: what it is given is buffered, what it
    copies from ``source`` (the last build's file) goes by ``os.copy_file_range``, and
    ``pos`` says how many bytes the file holds so far.

    The writes and copies themselves run on a thread of the file's own, in order: 6 GB of
    Turtle and TriG at 50k papers is more than the page cache takes without waiting for
    the disk, and the system calls wait without the GIL while the formatting goes on.
    """

    def __init__(self, path: Path, source: Path | None) -> None:
        self.path = path
        self._handle = open(path, "wb", buffering=0)  # noqa: SIM115 - closed by close() or abandon()
        self._source = open(source, "rb", buffering=0) if source is not None else None  # noqa: SIM115 - likewise
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"kgraph-{path.name}")
        self._pending: deque[Future[None]] = deque()
        self._parts: list[bytes] = []
        self._size = 0
        self._copy_at = self._copy_length = 0
        self.pos = 0

    def write(self, data: bytes) -> None:
        if self._copy_length:
            self._copy()
        self._parts.append(data)
        self._size += len(data)
        self.pos += len(data)
        if self._size > _CHUNK:
            self._flush()

    def copy(self, at: int, length: int) -> None:
        """Copy ``length`` bytes at ``at`` of the source (after what was written before)."""
        if self._source is None:
            raise KGraphError(f"{self.path.name}: a graph of the last build was to be copied, but no file was given")
        if self._copy_length and self._copy_at + self._copy_length == at:
            self._copy_length += length  # the next graph of a run: one copy for the run
        else:
            if self._copy_length:
                self._copy()
            self._copy_at, self._copy_length = at, length
        self.pos += length

    def _submit(self, fn: Callable[..., None], *args: object) -> None:
        while len(self._pending) >= _PENDING:  # at most that many chunks wait in memory
            self._pending.popleft().result()
        while self._pending and self._pending[0].done():
            self._pending.popleft().result()  # re-raises a failed write at once
        self._pending.append(self._thread.submit(fn, *args))

    def _flush(self) -> None:
        if self._parts:
            self._submit(_write_all, self._handle.fileno(), b"".join(self._parts))
            self._parts = []
            self._size = 0

    def _copy(self) -> None:
        assert self._source is not None
        self._flush()
        self._submit(_copy_range, self._source.fileno(), self._handle.fileno(), self._copy_at, self._copy_length,
                     self._source.name)
        self._copy_length = 0

    def close(self) -> None:
        """Write what is left, wait for the thread (raising its error), close the files."""
        if self._copy_length:
            self._copy()
        self._flush()
        while self._pending:
            self._pending.popleft().result()
        self.abandon()

    def abandon(self) -> None:
        """Stop the thread (what it has not started is dropped) and close the files."""
        self._thread.shutdown(cancel_futures=True)
        self._handle.close()
        if self._source is not None:
            self._source.close()


_PENDING = 16  # chunks (of at least _CHUNK bytes) or copies handed to a file's thread and not yet done


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _copy_range(source: int, target: int, at: int, length: int, name: str) -> None:
    """Append ``length`` bytes at ``at`` of file ``source`` to file ``target`` (both descriptors)."""
    while length > 0:
        try:
            done = os.copy_file_range(source, target, length, at)
        except (AttributeError, OSError):  # not Linux, or a filesystem without it: through this process
            chunk = os.pread(source, min(length, 1 << 24), at)
            _write_all(target, chunk)
            done = len(chunk)
        if done == 0:
            raise KGraphError(f"{name} ended before byte {at + length}: it is not the file the last build wrote")
        at, length = at + done, length - done


def write_rdf(data: GraphData, path: Path, fmt: ox.RdfFormat) -> None:
    """Serialise the build to ``path`` (caller handles atomic replace).

    TriG and N-Quads keep one named graph per paper (see :func:`keyed_blocks`); the other
    formats hold every triple in the default graph. Formats other than Turtle and TriG
    are converted by pyoxigraph from one of those, written first next to ``path``.
    """
    if fmt == ox.RdfFormat.TURTLE:
        write_turtle(data, turtle=path)
    elif fmt == ox.RdfFormat.TRIG:
        write_turtle(data, trig=path)
    else:
        source_fmt = ox.RdfFormat.TRIG if fmt == ox.RdfFormat.N_QUADS else ox.RdfFormat.TURTLE
        fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        os.close(fd)
        try:
            if source_fmt == ox.RdfFormat.TRIG:
                write_turtle(data, trig=Path(name))
            else:
                write_turtle(data, turtle=Path(name))
            convert_file(Path(name), source_fmt, path, fmt)
        finally:
            os.unlink(name)


def convert_file(source: Path, source_fmt: ox.RdfFormat, path: Path, fmt: ox.RdfFormat) -> None:
    """Rewrite an RDF file in another format (graphs kept only from quad to quad formats)."""
    quads_out = fmt in (ox.RdfFormat.TRIG, ox.RdfFormat.N_QUADS)
    read = ox.parse(path=str(source), format=source_fmt)
    ox.serialize(read if quads_out else (q.triple if isinstance(q, ox.Quad) else q for q in read), str(path), fmt,
                 prefixes=_prefixes(fmt))


def _prefixes(fmt: ox.RdfFormat) -> dict[str, str] | None:
    """kgraph's prefixes for the formats that abbreviate IRIs with them."""
    return PREFIXES if fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG) else None


def to_rdflib(data: GraphData) -> rdflib.Graph:
    """The build as an :class:`rdflib.Graph` (parsed from the Turtle :func:`write_turtle` writes)."""
    import rdflib

    graph = rdflib.Graph()
    for prefix, iri in PREFIXES.items():
        graph.bind(prefix, iri)
    graph.parse(data=HEADER + "".join(block.turtle for block in keyed_blocks(data)), format="turtle")
    return graph
