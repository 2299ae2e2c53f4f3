from __future__ import annotations

import os

import pytest
from conftest import scratch

from kgraph.export import outputs


def test_save_writes_every_output_and_times_each_part(demo_kg, tmp_path):
    timings: dict[str, float] = {}
    paths = outputs.save_build(demo_kg.data, tmp_path, timings=timings)
    assert [p.name for p in paths] == list(outputs.OUTPUTS) and all(p.exists() for p in paths)
    assert {"rdf", "store (after rdf)", "json+graphml+html (alongside)", "outputs"} <= timings.keys()
    assert not scratch(tmp_path)  # no scratch left


def test_skipped_outputs_are_left_out_and_an_earlier_builds_are_removed(demo_kg, tmp_path):
    from kgraph.errors import OptionError
    from kgraph.rdf.store import open_store

    out = tmp_path / "out"
    outputs.save_build(demo_kg.data, out)
    assert (out / "store").is_dir() and (out / "graph.html").is_file()
    timings: dict[str, float] = {}
    paths = outputs.save_build(demo_kg.data, out, timings=timings, skip=["store", "html"])
    assert [p.name for p in paths] == ["kgraph.json", "graph.ttl", "graph.trig", "graph.graphml"]
    assert all(p.is_file() for p in paths)
    # the earlier build's store and page went with the switch: nothing stale is left to query
    assert not os.path.lexists(out / "store") and not os.path.lexists(out / "graph.html")
    assert timings["store (after rdf)"] == 0.0
    # queries then read graph.ttl, which holds every statement
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    from_ttl = int(next(iter(open_store(out).query(query)))["n"].value)
    outputs.save_build(demo_kg.data, out, skip=["trig", "graphml"])
    assert not os.path.lexists(out / "graph.trig") and not os.path.lexists(out / "graph.graphml")
    from_store = int(next(iter(open_store(out).query(query)))["n"].value)
    assert from_store == from_ttl > 0
    with pytest.raises(OptionError, match="cannot skip kgraph.json"):
        outputs.save_build(demo_kg.data, out, skip=["kgraph.json"])
    assert (out / "store").is_dir() and not scratch(out)


def test_a_failing_view_writer_raises_its_error_here(demo_kg, tmp_path, monkeypatch):
    def broken(data, path, **kwargs):
        raise OSError("no space for the page (simulated)")

    monkeypatch.setattr(outputs, "write_html", broken)  # the forked child inherits the patch
    with pytest.raises(OSError, match="no space for the page"):
        outputs.save_build(demo_kg.data, tmp_path)
    assert not (tmp_path / "graph.html").exists()


KILLED_BUILD = """
import os, pickle, sys
from pathlib import Path
from kgraph.export import outputs
from kgraph.rdf.publish import publish_rdf

def dies_after_the_rdf(data, out_dir, log=None, previous=None, **options):
    publish_rdf(data, out_dir, log, previous, **options)  # graph.ttl and the store of the new build are written
    os._exit(137)  # then the process is killed: nothing is cleaned up

outputs.publish_rdf = dies_after_the_rdf
with open(sys.argv[1], "rb") as handle:
    data = pickle.load(handle)
outputs.save_build(data, Path(sys.argv[2]))
"""


def test_a_build_killed_while_writing_leaves_the_previous_one_whole(demo_kg, tmp_path):
    import pickle
    import subprocess
    import sys

    out = tmp_path / "out"
    outputs.save_build(demo_kg.data, out)
    before = {name: (out / name).read_bytes() for name in ("kgraph.json", "graph.ttl", "graph.html")}
    pickled = tmp_path / "data.pickle"
    pickled.write_bytes(pickle.dumps(demo_kg.data))
    # a fresh interpreter, not a fork of this one: RocksDB's background threads do not survive a fork
    killed = subprocess.run([sys.executable, "-c", KILLED_BUILD, str(pickled), str(out)], timeout=300)
    assert killed.returncode == 137
    assert {name: (out / name).read_bytes() for name in before} == before
    outputs.save_build(demo_kg.data, out)  # the next build cleans up what the killed one left
    assert not scratch(out)


def test_views_are_written_in_process_where_a_fork_would_not_fit(demo_kg, tmp_path, monkeypatch):
    in_child, alone = tmp_path / "forked", tmp_path / "alone"
    outputs.save_build(demo_kg.data, in_child, skip=["store"])
    monkeypatch.setattr(outputs, "can_fork", lambda: False)
    monkeypatch.setattr(outputs, "ForkedCall", None)  # a fork now would fail loudly
    outputs.save_build(demo_kg.data, alone, skip=["store"])
    for name in ("kgraph.json", "graph.graphml", "graph.ttl"):
        assert (alone / name).read_bytes() == (in_child / name).read_bytes(), name
