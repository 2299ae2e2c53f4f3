from __future__ import annotations

import os

import pyoxigraph as ox
import pytest

from kgraph.export import outputs
from kgraph.rdf import publish
from kgraph.errors import KGraphError
from kgraph.rdf.store import open_store, run_query


@pytest.mark.parametrize("piped", [True, False], ids=["piped", "from-file"])
def test_save_writes_every_output_and_a_store_that_answers(demo_kg, tmp_path, monkeypatch, piped):
    monkeypatch.setattr(publish, "can_pipe", lambda: piped)
    timings: dict[str, float] = {}
    paths = outputs.save_build(demo_kg.data, tmp_path, timings=timings)
    assert all(p.exists() for p in paths)
    assert {"rdf", "store (after rdf)", "json+graphml+html (alongside)", "outputs"} <= timings.keys()
    # through the pipe or from the finished file, the store holds exactly the Turtle's triples
    turtle = sum(1 for _ in ox.parse(path=str(tmp_path / "graph.ttl"), format=ox.RdfFormat.TURTLE))
    count = run_query(open_store(tmp_path), "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").rows[0][0]
    assert count == turtle > 0
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith(".")]  # no scratch left


def test_a_failing_store_load_raises_instead_of_hanging(demo_kg, tmp_path, monkeypatch):
    def broken(source, target, fmt=None, marks=()):
        raise OSError("disk full (simulated)")

    monkeypatch.setattr(publish, "write_store", broken)
    with pytest.raises(OSError, match="disk full"):
        outputs.save_build(demo_kg.data, tmp_path)
    # nothing half-written: no store folder, no temporary files
    assert not (tmp_path / "store").exists()
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_a_failing_view_writer_raises_its_error_here(demo_kg, tmp_path, monkeypatch):
    def broken(data, path, **kwargs):
        raise OSError("no space for the page (simulated)")

    monkeypatch.setattr(outputs, "write_html", broken)  # the forked child inherits the patch
    with pytest.raises(OSError, match="no space for the page"):
        outputs.save_build(demo_kg.data, tmp_path)
    assert not (tmp_path / "graph.html").exists()


def test_forked_call_returns_the_childs_value_and_reports_a_dead_child():
    big = list(range(100_000))  # inherited through the fork, not pickled
    assert outputs.ForkedCall(sum, big).result() == sum(big)
    with pytest.raises(KGraphError, match="died"):
        outputs.ForkedCall(os._exit, 3).result()
