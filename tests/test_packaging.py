"""The wheel carries everything kgraph loads at run time (not only a source checkout has it)."""

from __future__ import annotations

import subprocess
import sys
import zipfile

import pytest

from conftest import REPO


@pytest.mark.slow
def test_wheel_ships_ontology_data_and_models(tmp_path):
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(tmp_path), str(REPO)],
                   check=True, capture_output=True)
    (wheel,) = tmp_path.glob("kgraph-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "kgraph/ontology/kgraph.ttl" in names
    assert "kgraph/data/gazetteer.tsv.gz" in names
    assert "kgraph/export/templates/kgraph.html.j2" in names
    # the query page and its vendored editor, with the editor's licence
    static = REPO / "kgraph" / "serve" / "static"
    shipped_static = {p.relative_to(REPO).as_posix() for p in static.rglob("*") if p.is_file()}
    assert {"kgraph/serve/static/query.js", "kgraph/serve/static/codemirror/LICENSE"} <= shipped_static <= names
    shipped_models = {p.relative_to(REPO).as_posix() for p in (REPO / "kgraph" / "models").rglob("*") if p.is_file()}
    assert shipped_models <= names
    assert not any(n.startswith(("tests/", "training/", "examples/")) for n in names)
    entry = [n for n in names if n.endswith("entry_points.txt")]
    assert entry and "kgraph = kgraph.cli:app" in zipfile.ZipFile(wheel).read(entry[0]).decode()


def test_resources_are_found_from_any_working_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    from kgraph.resources import data_file, ontology_dir

    assert (ontology_dir() / "kgraph.ttl").is_file()
    assert data_file("gazetteer.tsv.gz").is_file()
