"""build_data runs the stages and writes nothing; its fingerprint follows what changes the result."""

from __future__ import annotations

import pytest

from conftest import EXAMPLES
from kgraph.builder import BuildOptions, BuildSummary, build_data
from kgraph.errors import KGraphError, OptionError

RULES = BuildOptions(tier="rules", processes=1)


def test_build_data_times_every_stage_and_writes_nothing(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    summary = BuildSummary()
    data = build_data([EXAMPLES / "papers.jsonl"], RULES, summary=summary)
    assert list(summary.timings) == ["read", "extract", "resolve", "link", "communities"]
    assert summary.tier == "rules" and data.meta["tier"] == "rules"
    assert len(data.papers) == summary.report.total_read > 0 and len(data.mentions) == len(data.mention_entity)
    assert list(tmp_path.iterdir()) == []


def test_the_fingerprint_follows_options_that_change_the_result():
    paths = [EXAMPLES / "papers.jsonl"]
    base = build_data(paths, RULES).meta["fingerprint"]
    assert build_data(paths, BuildOptions(tier="rules", processes=2)).meta["fingerprint"] == base
    assert build_data(paths, BuildOptions(tier="rules", processes=1, top_k=3)).meta["fingerprint"] != base


def test_an_unknown_engine_is_an_option_error_and_a_value_error():
    with pytest.raises(OptionError, match="engine must be 'local' or 'dask'") as caught:
        build_data([EXAMPLES / "papers.jsonl"], BuildOptions(tier="rules", engine="spark"))
    assert isinstance(caught.value, ValueError) and isinstance(caught.value, KGraphError)
