"""The build command's read options: every format in one run, --map, stdin, the duplicate summary, --strict."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from kgraph.cli import app

FIXTURES = Path(__file__).parent / "fixtures"


def test_build_reads_all_formats_and_names_duplicate_files(tmp_path):
    result = CliRunner().invoke(app, ["build", str(FIXTURES), "--tier", "rules", "-o", str(tmp_path / "out"), "--no-cache", "--strict"])
    assert result.exit_code == 1, result.output  # --strict: the fixtures hold bad records
    assert "23 records, 3 duplicates merged, 13 skipped" in result.output
    assert f"merged    2 duplicates from {FIXTURES / 'openalex_works.jsonl'} (already read from {FIXTURES / 'openalex_page.json'})" in result.output
    assert f"{FIXTURES / 'export.ris'}:25: record has no end (ER)" in result.output


def test_build_from_stdin_with_a_field_map(tmp_path):
    csv_text = "Name;Summary;When\nA mapped paper;Its summary names a method.;2019\n"
    result = CliRunner().invoke(app, ["build", "-", "--format", "csv", "--map", "title=Name", "--map", "abstract=Summary",
                                      "--map", "year=When", "--tier", "rules", "-o", str(tmp_path / "out"), "--no-cache"],
                                input=csv_text)
    assert result.exit_code == 0, result.output
    assert "read     1 papers from <stdin>" in result.output
    bad = CliRunner().invoke(app, ["build", "-", "--map", "colour=Name", "--tier", "rules", "-o", str(tmp_path / "o2")], input=csv_text)
    assert bad.exit_code == 2 and "unknown field" in bad.output
