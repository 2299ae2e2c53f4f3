"""Writing the RDF files and the store: a full load (piped or from the file) or an update in place."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from kgraph.cache import CACHE_FILE
from kgraph.rdf import incremental, publish
from kgraph.rdf.store import open_store, run_query


def _count(out) -> int:
    return run_query(open_store(out), "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").rows[0][0]


@pytest.mark.parametrize("piped", [True, False], ids=["piped", "from-file"])
def test_a_full_load_holds_exactly_the_turtles_triples(demo_kg, tmp_path, monkeypatch, piped):
    monkeypatch.setattr(publish, "can_pipe", lambda: piped)
    done = publish.publish_rdf(demo_kg.data, tmp_path)
    assert done.changes is None and done.formatted_at <= done.stored_at
    turtle = sum(1 for _ in ox.parse(path=str(tmp_path / "graph.ttl"), format=ox.RdfFormat.TURTLE))
    assert _count(tmp_path) == turtle > 0
    assert (tmp_path / "graph.trig").stat().st_size > 0
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith(".")]  # no scratch left


def test_a_failing_store_load_raises_instead_of_hanging(demo_kg, tmp_path, monkeypatch):
    def broken(source, target, fmt=None, marks=()):
        raise OSError("disk full (simulated)")

    monkeypatch.setattr(publish, "write_store", broken)
    with pytest.raises(OSError, match="disk full"):
        publish.publish_rdf(demo_kg.data, tmp_path)
    # nothing half-written: no store folder, no temporary files
    assert not (tmp_path / "store").exists()
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_the_recorded_store_is_updated_in_place(demo_kg, tmp_path):
    log = incremental.BlockLog(tmp_path / CACHE_FILE)
    try:
        first = publish.publish_rdf(demo_kg.data, tmp_path, log)
    finally:
        log.close()
    before = _count(tmp_path)
    log = incremental.BlockLog(tmp_path / CACHE_FILE)
    try:
        again = publish.publish_rdf(demo_kg.data, tmp_path, log)
    finally:
        log.close()
    assert first.changes is None
    assert again.changes is not None and again.changes["triples_added"] == again.changes["triples_removed"]
    assert again.changes["papers_reused"] == len(demo_kg.data.papers)
    assert _count(tmp_path) == before


def test_only_the_recorded_store_is_used(tmp_path):
    log = incremental.BlockLog(tmp_path / CACHE_FILE)
    assert publish.recorded_store(tmp_path / "store", log) is None  # no store yet
    ox.Store(str(tmp_path / "store")).flush()
    assert publish.recorded_store(tmp_path / "store", log) is None  # a store without the token
    log.close()
