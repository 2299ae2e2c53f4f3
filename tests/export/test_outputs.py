from __future__ import annotations

import os

import pytest

from kgraph.errors import KGraphError
from kgraph.export import outputs


def test_save_writes_every_output_and_times_each_part(demo_kg, tmp_path):
    timings: dict[str, float] = {}
    paths = outputs.save_build(demo_kg.data, tmp_path, timings=timings)
    assert [p.name for p in paths] == list(outputs.OUTPUTS) and all(p.exists() for p in paths)
    assert {"rdf", "store (after rdf)", "json+graphml+html (alongside)", "outputs"} <= timings.keys()
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith(".")]  # no scratch left


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
