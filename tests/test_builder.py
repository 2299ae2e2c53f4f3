from __future__ import annotations

import pyoxigraph as ox
import pytest

from kgraph import builder
from kgraph.rdf.store import open_store, run_query


@pytest.mark.parametrize("piped", [True, False], ids=["piped", "from-file"])
def test_save_writes_every_output_and_a_store_that_answers(demo_kg, tmp_path, monkeypatch, piped):
    monkeypatch.setattr(builder, "_can_pipe", lambda: piped)
    timings: dict[str, float] = {}
    paths = builder.save_build(demo_kg.data, tmp_path, timings=timings)
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

    monkeypatch.setattr(builder, "write_store", broken)
    with pytest.raises(OSError, match="disk full"):
        builder.save_build(demo_kg.data, tmp_path)
    # nothing half-written: no store folder, no temporary files
    assert not (tmp_path / "store").exists()
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith(".")]
