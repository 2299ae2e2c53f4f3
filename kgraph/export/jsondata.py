"""kgraph.json: the whole build as JSON, so ``kgraph.load(dir)`` can reopen it exactly."""

from __future__ import annotations

import functools
import itertools
import json
from collections.abc import Iterator
from dataclasses import fields
from pathlib import Path
from typing import Any

from ..atomic import atomic_path
from ..errors import BuildNotFoundError
from ..graph.communities import Communities
from ..graph.data import GraphData
from ..mentions import MentionColumns
from ..model import Entity, EntityKind, Field, Link, Mention, Paper, Relation, Result, SourceRef

FORMAT_VERSION = 3
#: Format 2 had no relations and results: read as a build that found none.
READABLE_FORMATS = (2, 3)
FILENAME = "kgraph.json"


def to_json(data: GraphData) -> dict[str, Any]:
    """The build as one JSON-ready dict (what :func:`write_json` streams to kgraph.json)."""
    return {key: list(value) if key in _ROWS else value for key, value in _sections(data)}


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
    yield "mentions", (
        [m.paper_id, m.field.value, m.start, m.end, m.text, m.kind.value, m.sentence, m.extractor, m.confidence,
         m.label, e, list(m.sentence_span) if m.sentence_span else None]
        for m, e in zip(data.mentions, data.mention_entity)
    )
    yield "links", ([link.source, link.target, link.weight, list(link.shared)] for link in data.links)
    yield "ambiguous_acronyms", data.ambiguous_acronyms
    yield "communities", communities_json(data.communities)
    yield "relation_columns", ["paper_id", "field", "head", "tail", "label", "confidence", "sentence_span", "extractor"]
    yield "relations", ([r.paper_id, r.field.value, list(r.head), list(r.tail), r.label, r.confidence,
                         list(r.sentence_span), r.extractor] for r in data.relations)
    yield "results", (_row(r) for r in data.results)
    yield "trends", _trends(data)


def _trends(data: GraphData) -> dict[str, Any]:
    """The corpus's papers per year and each specific entity's series (recomputed on load:
    written for readers of the file, e.g. a spreadsheet or another tool)."""
    entities = {}
    for entity_id in data.entity_years:
        s = data.entity_series(entity_id)
        entities[entity_id] = {"years": {str(y): n for y, n in s.years.items()}, "first_year": s.first_year,
                               "peak_year": s.peak_year,
                               "bursts": [[b.start, b.end, b.weight] for b in s.bursts]}
    return {"totals": {str(y): n for y, n in data.year_totals.items()}, "entities": entities}


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
    papers = tuple(
        Paper(**{**p, "authors": tuple(p["authors"]), "sources": tuple(SourceRef(**s) for s in p["sources"])})
        for p in obj["papers"]
    )
    entities = tuple(
        Entity(**{**e, "kind": EntityKind(e["kind"]), "alt_labels": tuple(e["alt_labels"]),
                  "merged_by": tuple(e["merged_by"]), "exact_match": tuple(e.get("exact_match", ())),
                  "evidence": tuple(e.get("evidence", ()))})
        for e in obj["entities"]
    )
    mentions, mention_entity = MentionColumns(), []
    for pid, field, start, end, text, kind, sentence, extractor, confidence, label, entity, span in obj["mentions"]:
        mentions.append(Mention(pid, Field(field), start, end, text, EntityKind(kind), sentence, extractor, confidence,
                                label, tuple(span) if span else None))
        mention_entity.append(entity)
    links = tuple(Link(s, t, w, tuple(shared)) for s, t, w, shared in obj["links"])
    ambiguous = {k: tuple(v) for k, v in obj.get("ambiguous_acronyms", {}).items()}
    relations = tuple(Relation(pid, Field(field), tuple(head), tuple(tail), label, confidence, tuple(span), extractor)
                      for pid, field, head, tail, label, confidence, span, extractor in obj.get("relations", ()))
    results = tuple(Result(**{**r, **{k: tuple(r[k]) for k in _SPANS if r.get(k) is not None}})
                    for r in obj.get("results", ()))
    return GraphData(papers, mentions.freeze(), tuple(mention_entity), entities, links, ambiguous, obj.get("meta", {}),
                     communities_from_json(obj.get("communities")), relations, results)


_SPANS = ("sentence_span", "metric_span", "dataset_span", "method_span")


def write_json(data: GraphData, path: Path) -> None:
    """Stream kgraph.json in slices of rows, so a big build is never one giant string."""
    dumps = functools.partial(json.dumps, ensure_ascii=False, separators=(",", ":"))
    with atomic_path(path) as tmp, tmp.open("w", encoding="utf-8") as handle:
        for i, (key, value) in enumerate(_sections(data)):
            handle.write(("{" if i == 0 else ",") + dumps(key) + ":")
            if key not in _ROWS:
                handle.write(dumps(value))
                continue
            handle.write("[")
            first = True
            rows_of = iter(value)
            for rows in iter(lambda: list(itertools.islice(rows_of, 10_000)), []):  # noqa: B023 - used up in this iteration
                handle.write(("" if first else ",") + dumps(rows)[1:-1])
                first = False
            handle.write("]")
        handle.write("}")


def read_json(build_dir: Path) -> GraphData:
    path = build_dir / FILENAME
    if not path.is_file():
        raise BuildNotFoundError(f"{build_dir}: no kgraph build here (no {FILENAME}); "
                                 f"run `kgraph build ... -o {build_dir}` first")
    try:
        obj = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise BuildNotFoundError(f"{path}: not a kgraph build file ({exc})") from None
    if obj.get("format") not in READABLE_FORMATS:
        raise BuildNotFoundError(f"{path}: written by another kgraph version (format {obj.get('format')!r}); "
                                 "rebuild it")
    return from_json(obj)
