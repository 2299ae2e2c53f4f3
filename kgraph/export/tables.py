"""CSV tables of a build, for spreadsheets, pandas and R: one file per kind of record, in one folder.

``papers.csv``, ``entities.csv``, ``mentions.csv`` and ``links.csv`` always;
``relations.csv`` and ``results.csv`` when the build has relations and results. Each
is UTF-8 and RFC 4180 (a header row, CRLF line ends, fields quoted where needed); lists
are joined by " | ". The folder is written whole or not at all (a temporary folder,
then one rename).

A spreadsheet runs a cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return as a formula (CSV injection: a title ``=HYPERLINK(...)`` becomes a
link, ``=cmd|...`` may start a program), so such a text cell gets a leading ``'``
(OWASP's advice); a number, even ``-0.5`` or ``+2.1`` written as text, stays as it is.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from ..atomic import atomic_dir
from ..errors import OptionError
from ..graph.build import entity_node
from ..graph.data import GraphData
from ..text.spreadsheet import safe_cell
from .years import entity_years

TABLES = ("papers.csv", "entities.csv", "mentions.csv", "links.csv", "relations.csv", "results.csv")
SEPARATOR = " | "


def _cell(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        value = SEPARATOR.join(map(str, value))
    return safe_cell(value)


def _rows(data: GraphData) -> Iterator[tuple[str, Sequence[str], Iterable[Sequence[object]]]]:
    """(file name, header, rows) of each table the build has."""
    membership = data.communities.membership
    papers_of, by_id = data.papers_of_entity, data.entity_by_id
    entities_of = data.entities_of_paper
    yield "papers.csv", ("id", "title", "year", "authors", "doi", "arxiv_id", "url", "venue", "entities",
                         "community"), (
        (p.id, p.title, p.year, p.authors, p.doi, p.arxiv_id, p.url, p.venue, len(entities_of.get(p.id, ())),
         membership.get(p.id)) for p in data.papers)
    years = entity_years(data)
    counts = data.mention_counts
    yield "entities.csv", ("id", "label", "kind", "variants", "generic", "papers", "mentions", "first_year",
                           "mean_year", "community"), (
        (e.id, e.label, e.kind.value, e.alt_labels, e.generic, len(papers_of.get(e.id, ())), counts.get(e.id, 0),
         *years.get(e.id, (None, None)), membership.get(entity_node(e.id))) for e in data.entities)
    yield "mentions.csv", ("paper", "entity", "field", "start", "end", "text", "kind", "sentence", "extractor",
                           "confidence"), (
        (m.paper_id, e, m.field.value, m.start, m.end, m.text, m.kind.value, m.sentence, m.extractor, m.confidence)
        for m, e in zip(data.mentions, data.mention_entity))

    def label(entity_id: str) -> str:
        return by_id[entity_id].label if entity_id in by_id else ""

    yield "links.csv", ("paper_a", "paper_b", "weight", "shared", "shared_labels"), (
        (link.source, link.target, link.weight, link.shared, [label(e) for e in link.shared]) for link in data.links)
    if data.entity_relations:
        yield "relations.csv", ("subject", "subject_label", "relation", "object", "object_label", "papers",
                                "paper_ids", "confidence"), (
            (r.subject, label(r.subject), r.label, r.object, label(r.object), len(r.papers), r.papers, r.confidence)
            for r in data.entity_relations)
    if data.result_rows:
        yield "results.csv", ("paper", "value", "kind", "metric", "dataset", "method", "metric_entity",
                              "dataset_entity", "method_entity", "start", "end"), (
            (row.result.paper_id, row.result.value, row.result.kind, row.result.metric, row.result.dataset,
             row.result.method, row.metric, row.dataset, row.method, row.result.start, row.result.end)
            for row in data.result_rows)


def _check_target(folder: Path) -> None:
    """Refuse a target the export would wrongly replace: a file, or a folder holding anything but its tables."""
    if folder.is_file():
        raise OptionError(f"{folder}: is a file; the CSV tables go into a folder")
    if folder.is_dir():
        other = sorted(p.name for p in folder.iterdir() if p.name not in TABLES)
        if other:
            raise OptionError(f"{folder}: holds other files ({', '.join(other[:3])}{', ...' if len(other) > 3 else ''})"
                              "; the CSV export replaces the whole folder, so give a new or empty one")


def write_tables(data: GraphData, folder: Path) -> dict[str, int]:
    """Write the build's CSV tables into ``folder`` (replaced whole); return the data rows of each file.

    Raises :class:`~kgraph.errors.OptionError` when ``folder`` is a file, or a folder
    with files other than an earlier export's tables (they would be lost).
    """
    _check_target(folder)
    written: dict[str, int] = {}
    with atomic_dir(folder) as tmp:
        tmp.mkdir()
        for name, header, rows in _rows(data):
            with (tmp / name).open("w", encoding="utf-8", newline="") as handle:
                writer = csv.writer(handle, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
                writer.writerow(header)
                count = 0
                for row in rows:
                    writer.writerow([_cell(value) for value in row])
                    count += 1
            written[name] = count
    return written
