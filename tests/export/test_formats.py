"""Which format ``kgraph export`` writes: the extension where it says, --format otherwise."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from kgraph.cli import app
from kgraph.errors import OptionError
from kgraph.export.formats import EXTENSIONS, export_format

runner = CliRunner()


@pytest.mark.parametrize("fmt", sorted(EXTENSIONS))
def test_each_extension_names_its_format(fmt):
    assert export_format(Path(f"out/graph{EXTENSIONS[fmt].upper()}")) == fmt


def test_format_option_wins_over_the_extension():
    assert export_format(Path("out/graph.ttl"), "gexf") == "gexf"


@pytest.mark.parametrize("path, fmt", [("out/map.json", None), ("out/tables", None), ("out/g.gexf", "gephi")])
def test_ambiguous_or_unknown_format_is_refused(path, fmt):
    with pytest.raises(OptionError, match="--format"):
        export_format(Path(path), fmt)


def test_cli_refuses_before_loading_and_writes_nothing(tmp_path):
    result = runner.invoke(app, ["export", str(tmp_path / "no build here"), "--to", str(tmp_path / "map.json")])
    assert result.exit_code == 2
    assert "--format" in result.output and "no kgraph build" not in result.output
    assert not (tmp_path / "map.json").exists()
