"""CSV tables: one row per record, RFC 4180, and no cell a spreadsheet would run as a formula."""

from __future__ import annotations

import csv
from dataclasses import replace
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kgraph.cli import app
from kgraph.errors import OptionError
from kgraph.export.tables import SEPARATOR, write_tables
from kgraph.text.spreadsheet import safe_cell

HOSTILE = ["=cmd|' /C calc'!A0", "+SUM(1,2)", "-2+3", "@IMPORT(x)", "\tTabbed", "\rReturn", '=HYPERLINK("http://x","y")']


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_row_counts_are_the_builds(demo_kg, tmp_path):
    data = demo_kg.data
    written = write_tables(data, tmp_path / "tables")
    expected = {"papers.csv": len(data.papers), "entities.csv": len(data.entities),
                "mentions.csv": len(data.mentions), "links.csv": len(data.links),
                "relations.csv": len(data.entity_relations), "results.csv": len(data.result_rows)}
    assert data.entity_relations and data.result_rows  # the demo build has both: their files are tested
    assert written == expected
    for name, rows in expected.items():
        assert len(_read(tmp_path / "tables" / name)) == rows


def test_rows_hold_the_records(demo_kg, tmp_path):
    data = demo_kg.data
    write_tables(data, tmp_path / "t")
    papers_of = data.papers_of_entity
    entity = max(data.entities, key=lambda e: (len(e.alt_labels), len(papers_of.get(e.id, ())), e.id))
    row = next(r for r in _read(tmp_path / "t" / "entities.csv") if r["id"] == entity.id)
    assert (row["label"], row["kind"], row["variants"]) == (entity.label, entity.kind.value,
                                                            SEPARATOR.join(entity.alt_labels))
    assert (row["generic"], int(row["papers"])) == (str(entity.generic).lower(), len(papers_of[entity.id]))
    link = data.links[0]
    row = _read(tmp_path / "t" / "links.csv")[0]
    assert (row["paper_a"], row["paper_b"], float(row["weight"])) == (link.source, link.target, link.weight)
    assert row["shared"].split(SEPARATOR) == list(link.shared)
    mention, entity_id = data.mentions[-1], data.mention_entity[-1]
    row = _read(tmp_path / "t" / "mentions.csv")[-1]
    assert (row["paper"], row["entity"], int(row["start"]), int(row["end"]), row["text"]) == (
        mention.paper_id, entity_id, mention.start, mention.end, mention.text)
    relation = data.entity_relations[0]
    row = _read(tmp_path / "t" / "relations.csv")[0]
    assert (row["subject"], row["relation"], row["object"], int(row["papers"])) == (
        relation.subject, relation.label, relation.object, len(relation.papers))


def test_files_are_rfc4180(demo_kg, tmp_path):
    write_tables(demo_kg.data, tmp_path / "t")
    raw = (tmp_path / "t" / "papers.csv").read_bytes()
    assert raw.startswith(b"id,title,year,") and raw.endswith(b"\r\n")
    assert raw.count(b"\r\n") == raw.count(b"\n")  # every line ends CRLF (titles hold no newline)


@pytest.mark.parametrize("text", HOSTILE)
def test_formula_cells_are_neutralised(text):
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize("number", ["-0.5", "+2.1", "-3", "1e-5", "-.25"])
def test_numbers_stay_numbers(number):
    assert safe_cell(number) == number


def test_hostile_titles_and_labels_in_the_files(demo_kg, tmp_path):
    data = demo_kg.data
    papers = tuple(replace(p, title=HOSTILE[i % len(HOSTILE)] + ", with \"quotes\"\nand a newline")
                   for i, p in enumerate(data.papers))
    entities = (replace(data.entities[0], label="=1+1", alt_labels=("@x", "fine")), *data.entities[1:])
    write_tables(replace(data, papers=papers, entities=entities), tmp_path / "t")
    rows = _read(tmp_path / "t" / "papers.csv")
    assert [r["title"] for r in rows] == ["'" + p.title for p in papers]
    assert all(r["year"] == str(p.year or "") for r, p in zip(rows, papers))  # numbers are not touched
    first = _read(tmp_path / "t" / "entities.csv")[0]
    assert (first["label"], first["variants"]) == ("'=1+1", "'@x | fine")


def test_folder_is_replaced_whole_but_never_a_folder_of_other_files(demo_kg, tmp_path):
    target = tmp_path / "t"
    write_tables(demo_kg.data, target)
    (target / "links.csv").write_text("stale")
    write_tables(demo_kg.data, target)
    assert (target / "links.csv").read_text(encoding="utf-8").startswith("paper_a,")
    assert [p.name for p in tmp_path.iterdir()] == ["t"]  # no temporary folder left
    (target / "notes.txt").write_text("mine")
    with pytest.raises(OptionError, match=r"notes\.txt"):
        write_tables(demo_kg.data, target)
    assert (target / "notes.txt").read_text() == "mine"
    with pytest.raises(OptionError, match="is a file"):
        write_tables(demo_kg.data, target / "notes.txt")


def test_build_without_relations_or_results_has_no_such_files(demo_kg, tmp_path):
    written = write_tables(replace(demo_kg.data, relations=(), results=()), tmp_path / "t")
    assert "relations.csv" not in written and not (tmp_path / "t" / "results.csv").exists()


def test_cli_writes_the_tables_with_format_csv(demo_build, demo_kg, tmp_path):
    result = CliRunner().invoke(app, ["export", str(demo_build), "--to", str(tmp_path / "t"), "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert len(_read(tmp_path / "t" / "papers.csv")) == len(demo_kg.data.papers)
