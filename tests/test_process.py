"""Running a function in a forked child: its value comes back, a dead child is an error."""

from __future__ import annotations

import os

import pytest

from kgraph import process
from kgraph.errors import KGraphError


def test_forked_call_returns_the_childs_value_and_reports_a_dead_child():
    big = list(range(100_000))  # inherited through the fork, not pickled
    assert process.ForkedCall(sum, big).result() == sum(big)
    with pytest.raises(KGraphError, match="died"):
        process.ForkedCall(os._exit, 3).result()


def test_fork_fits_reads_this_machines_memory():
    # on Linux /proc answers; a process of a few hundred MB fits on any test machine
    assert process.fork_fits() is True
