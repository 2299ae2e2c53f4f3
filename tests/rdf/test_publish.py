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


def _quads(path, fmt):
    return {(q.subject, q.predicate, q.object) for q in ox.parse(path=str(path), format=fmt)}


@pytest.mark.parametrize("piped", [True, False], ids=["piped", "from-file"])
def test_entity_provenance_leaves_the_annotations_out_of_the_turtle_only(demo_kg, tmp_path, monkeypatch, piped):
    full, lean = tmp_path / "full", tmp_path / "lean"
    full.mkdir(), lean.mkdir()
    publish.publish_rdf(demo_kg.data, full)
    monkeypatch.setattr(publish, "can_pipe", lambda: piped)
    publish.publish_rdf(demo_kg.data, lean, provenance="entities")
    everything, kept = _quads(full / "graph.ttl", ox.RdfFormat.TURTLE), _quads(lean / "graph.ttl", ox.RdfFormat.TURTLE)
    annotation = {s for s, p, o in everything if p.value.endswith("#type") and o.value.endswith("oa#Annotation")}
    under = tuple(f"{a.value}/" for a in annotation)
    gone = {t for t in everything if t[0] in annotation or t[0].value.startswith(under)}
    assert annotation and kept == everything - gone
    # each annotation had its target, position and quote, with a dozen statements between them
    assert len(gone) > 12 * len(annotation)
    assert any(p.value.endswith("#mentions") for _s, p, _o in kept)  # which paper mentions which entity stays
    # the TriG and the store keep everything
    assert _quads(lean / "graph.trig", ox.RdfFormat.TRIG) == _quads(full / "graph.trig", ox.RdfFormat.TRIG)
    assert _count(lean) == _count(full) == len(everything)
    assert not [p.name for p in lean.iterdir() if p.name.startswith(".")]  # the loader's own Turtle is gone
