"""Outputs are replaced whole or not at all: one file, one folder, or a build's generation."""

from __future__ import annotations

import multiprocessing
import os

import pytest
from conftest import scratch

from kgraph import atomic
from kgraph.atomic import GENERATIONS, atomic_path, generation
from kgraph.errors import KGraphError

NAMES = ("a.txt", "b.txt", "store")


def _write(folder, text):
    for name in NAMES[:2]:
        (folder / name).write_text(f"{name} {text}")
    (folder / "store").mkdir()
    (folder / "store" / "data").write_text(f"store {text}")


def _read(root):
    return [(root / n).read_text() for n in NAMES[:2]] + [(root / "store" / "data").read_text()]


def _generation_dying_inside(root, text):
    """Start a generation in a forked child that dies like ``kill -9`` halfway through its writes."""
    def body():
        with generation(root, NAMES) as (new, _):
            (new / "a.txt").write_text(f"a.txt {text}")
            os._exit(137)  # no finally, no cleanup: as abrupt as a kill

    child = multiprocessing.get_context("fork").Process(target=body)
    child.start()
    child.join()
    assert child.exitcode == 137


def test_outputs_switch_together_and_the_previous_generation_is_kept(tmp_path):
    with generation(tmp_path, NAMES) as (new, current):
        assert current is None
        _write(new, "one")
    with generation(tmp_path, NAMES) as (new, current):
        assert _read(current) == ["a.txt one", "b.txt one", "store one"]
        _write(new, "two")
    assert _read(tmp_path) == ["a.txt two", "b.txt two", "store two"]
    assert all((tmp_path / n).is_symlink() for n in NAMES)
    assert _read(tmp_path / GENERATIONS / "previous") == ["a.txt one", "b.txt one", "store one"]
    with generation(tmp_path, NAMES) as (new, _):
        _write(new, "three")
    assert len([p for p in (tmp_path / GENERATIONS).iterdir() if p.name.startswith("g")]) == 2  # one is gone
    assert not scratch(tmp_path)


def test_an_error_or_a_kill_leaves_the_previous_build_current(tmp_path):
    with generation(tmp_path, NAMES) as (new, _):
        _write(new, "one")
    with pytest.raises(OSError, match="No space"), generation(tmp_path, NAMES) as (new, _):
        (new / "a.txt").write_text("a.txt half")
        raise OSError(28, "No space left on device")
    assert _read(tmp_path) == ["a.txt one", "b.txt one", "store one"] and not scratch(tmp_path)
    _generation_dying_inside(tmp_path, "killed")
    assert _read(tmp_path) == ["a.txt one", "b.txt one", "store one"]
    (killed,) = scratch(tmp_path)  # the killed build's folder
    with generation(tmp_path, NAMES) as (new, current):
        assert not (tmp_path / killed).exists(), "the next build removes what the killed one left"
        assert _read(current) == ["a.txt one", "b.txt one", "store one"]
        _write(new, "two")
    assert _read(tmp_path) == ["a.txt two", "b.txt two", "store two"]


def test_stale_temporary_files_of_older_builds_are_removed(tmp_path):
    with atomic_path(tmp_path / "a.txt") as tmp:
        tmp.write_text("old layout")
    leftovers = [tmp_path / ".a.txt.x1y2.tmp", tmp_path / ".store.k3j4.tmp", tmp_path / ".store.old"]
    leftovers[0].write_text("half")
    for folder in leftovers[1:]:
        folder.mkdir()
        (folder / "f").write_text("half")
    with generation(tmp_path, NAMES) as (new, current):
        assert current == tmp_path  # a build from before generations is the current one
        assert not any(p.exists() for p in leftovers)
        _write(new, "new")
    assert _read(tmp_path) == ["a.txt new", "b.txt new", "store new"] and not scratch(tmp_path)


def test_a_build_of_the_old_layout_is_taken_over(tmp_path):
    _write(tmp_path, "plain")
    with generation(tmp_path, NAMES) as (new, current):
        assert current == tmp_path and _read(current) == ["a.txt plain", "b.txt plain", "store plain"]
        _write(new, "linked")
    assert _read(tmp_path) == ["a.txt linked", "b.txt linked", "store linked"]
    assert all((tmp_path / n).is_symlink() for n in NAMES) and not scratch(tmp_path)


def test_two_builds_cannot_write_one_folder_at_once(tmp_path, monkeypatch):
    monkeypatch.setattr(atomic, "LOCK_WAIT", 0.3)
    with generation(tmp_path, NAMES) as (new, _):
        with pytest.raises(KGraphError, match="another kgraph build is writing"), generation(tmp_path, NAMES):
            pass
        _write(new, "one")
    assert _read(tmp_path) == ["a.txt one", "b.txt one", "store one"]
