"""Extraction, relations, resolution keys and RDF on a Dask cluster build exactly the graph of a
single-process build."""

from __future__ import annotations

import math
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kgraph.builder import BuildOptions, build_data
from kgraph.cache import CACHE_FILE
from kgraph.export.outputs import save_build
from kgraph.rdf import convert
from kgraph.resolve.entities import text_keys
from kgraph.cli import app
from kgraph.errors import KGraphError, MissingExtraError
from kgraph.run import dask_engine
from kgraph.run.dask_engine import DaskMap, extract_on_dask, read_shard, write_shard
from kgraph.extract.pipeline import build_pipeline, tier_available
from kgraph.run.local import extract_mentions
from kgraph.model import EntityKind, Field, Mention, Paper
from kgraph.readers import read_papers

from conftest import EXAMPLES


@pytest.fixture(scope="module")
def scheduler():
    """The address of a 2-worker LocalCluster (processes, one thread each)."""
    distributed = pytest.importorskip("distributed", reason="pip install 'kgraph[dask]'")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster:
        yield cluster.scheduler_address


def _worker_pipelines(address: str) -> dict[str, dict[tuple[str, bool], int]]:
    """Per worker: the ids of the pipelines it holds, by (tier, gazetteer)."""
    from distributed import Client

    def held() -> dict[tuple[str, bool], int]:
        from kgraph.run.dask_engine import _PIPELINES

        return {key: id(nlp) for key, nlp in _PIPELINES.items()}

    with Client(address) as client:
        return client.run(held)


def _worker_relation_models(address: str) -> dict[str, int]:
    """Per worker: how many relation models it has loaded."""
    from distributed import Client

    def loaded() -> int:
        from kgraph.extract.relations import relation_model

        return relation_model.cache_info().currsize

    with Client(address) as client:
        return client.run(loaded)


@pytest.mark.slow
def test_rules_build_on_two_dask_workers_equals_single_process(scheduler, tmp_path, monkeypatch):
    # two papers a partition: the 13 example papers travel as 7 partitions over both workers
    monkeypatch.setattr(dask_engine, "partition", lambda *args, **kwargs: 2)
    shards = tmp_path / "shards"
    ticks: dict[str, int] = {}

    def progress(name: str, total: int):
        return lambda: ticks.__setitem__(name, ticks.get(name, 0) + 1)

    keyed: list[int] = []  # texts keyed on the cluster, per chunk

    class Spy(DaskMap):
        def __call__(self, chunks):
            for chunk in chunks:
                keyed.append(len(chunk))
                yield from super().__call__([chunk])

    monkeypatch.setattr(dask_engine, "DaskMap", Spy)
    single = build_data([EXAMPLES], BuildOptions(tier="rules", processes=1))
    dask = build_data([EXAMPLES], BuildOptions(tier="rules", engine="dask", scheduler=scheduler),
                      shard_dir=shards, progress=progress)
    assert keyed == [len({m.text for m in single.mentions})]  # resolution's keys were made on the workers
    assert single.mentions and single.links
    assert dask.papers == single.papers
    assert dask.mentions == single.mentions
    assert dask.mention_entity == single.mention_entity
    assert dask.entities == single.entities
    assert dask.links == single.links
    assert single.relations and dask.relations == single.relations and dask.results == single.results
    assert ticks == {"Extracting": len(single.papers), "Relations": len(single.papers)}
    assert all(count == 1 for count in _worker_relation_models(scheduler).values())  # predicted on the workers
    assert not shards.exists()  # every shard loaded and removed, then the empty folder

    # each worker built the rules pipeline once, and keeps it: a second run reuses it
    before = _worker_pipelines(scheduler)
    assert len(before) == 2 and all(("rules", True) in held for held in before.values())
    again = extract_on_dask(read_papers([EXAMPLES]), "rules", scheduler=scheduler, shard_dir=shards)
    assert list(again) == list(single.mentions)
    assert _worker_pipelines(scheduler) == before


@pytest.mark.slow
def test_a_dask_map_gives_back_what_one_process_makes_in_order(scheduler):
    texts = ["KITTI dataset", "Conditional Random Fields (CRF)", "LLMs", "fine- tuning", "tab\there", "Ünïcode"]
    chunks = [texts[:2], [], texts[2:5], texts[5:]]
    with DaskMap(text_keys, scheduler) as keyed:
        got = list(keyed(iter(chunks)))
        assert keyed.chunks == 3  # the empty chunk never went out
    assert got == [text_keys(chunk) for chunk in chunks]
    assert got[0][1].defines and got[0][0].key == "KITTI"


@pytest.mark.slow
def test_a_worker_failure_reaches_the_build(scheduler):
    with DaskMap(convert.format_papers, scheduler) as formatter, pytest.raises(AttributeError):
        list(formatter([["not the parts of a paper"]]))


def _rdf_files(folder: Path) -> dict[str, bytes]:
    return {name: (folder / name).read_bytes() for name in ("graph.ttl", "graph.trig")}


@pytest.mark.slow
def test_paper_graphs_formatted_on_dask_are_the_turtle_of_one_process(scheduler, tmp_path, monkeypatch):
    monkeypatch.setattr(convert, "PAPER_CHUNK", 3)  # several chunks out on the two workers at once
    subset = tmp_path / "some.jsonl"
    subset.write_text("".join((EXAMPLES / "papers.jsonl").read_text(encoding="utf-8").splitlines(True)[:6]),
                      encoding="utf-8")
    options = BuildOptions(tier="rules", processes=1)
    some, every = build_data([subset], options), build_data([EXAMPLES], options)
    skip = ("html", "graphml")

    def first_then_rebuild(out: Path, formatter) -> tuple[dict[str, bytes], dict[str, bytes], dict[str, int]]:
        # a first build, then a rebuild with more papers that reuses the recorded paper graphs
        save_build(some, out, cache_path=out / CACHE_FILE, skip=skip, format_chunks=formatter)
        first, changes = _rdf_files(out), {}
        save_build(every, out, cache_path=out / CACHE_FILE, skip=skip, format_chunks=formatter, store_changes=changes)
        return first, _rdf_files(out), changes

    expected = first_then_rebuild(tmp_path / "one", None)
    with DaskMap(convert.format_papers, scheduler) as formatter:
        first, rebuilt, changes = first_then_rebuild(tmp_path / "dask", formatter)
    assert len(some.papers) == 6 and len(every.papers) > 6
    # both builds' new paper graphs went to the workers: 2 chunks, then at least one
    assert 3 <= formatter.chunks <= 2 + math.ceil(len(every.papers) / 3)
    assert (first, rebuilt, changes) == expected
    assert changes["papers_reused"] > 0


@pytest.mark.slow
@pytest.mark.skipif(not tier_available("fast"), reason="fast model not installed")
def test_fast_tier_on_dask_equals_one_process(scheduler, tmp_path):
    papers = read_papers([EXAMPLES])[:6]
    single = list(extract_mentions(papers, nlp=build_pipeline("fast"), processes=1, batch_size=4))
    on_dask = extract_on_dask(papers, "fast", scheduler=scheduler, shard_dir=tmp_path / "shards",
                              partitions=3, batch_size=4)
    assert any(m.extractor == "model" for m in single)
    assert list(on_dask) == single
    assert not (tmp_path / "shards").exists()


def test_a_shard_round_trips_mentions_and_odd_ids(tmp_path):
    mention = Mention("a\tb", Field.ABSTRACT, 3, 7, "BERT", EntityKind.METHOD, 0, "gazetteer", 0.5,
                      "Method", (0, 12))
    papers = [("a\tb", "T", "We use BERT."), ("ü \"q\"", "T", "Nothing.")]
    write_shard(tmp_path / "part.jsonl", papers, [[mention], []])
    assert list(read_shard(tmp_path / "part.jsonl")) == [("a\tb", [mention]), ("ü \"q\"", [])]
    assert [p.name for p in tmp_path.iterdir()] == ["part.jsonl"]  # no temp file left behind


def test_a_shard_the_workers_could_not_share_is_a_clear_error(tmp_path):
    with pytest.raises(KGraphError, match="shared with the workers"):
        list(dask_engine._load_shards([["p1"]], [tmp_path / "part-0.jsonl"], read_shard))


def test_a_shard_of_other_papers_is_a_clear_error(tmp_path):
    write_shard(tmp_path / "part-0.jsonl", [("p2", "T", "A.")], [[]])
    with pytest.raises(KGraphError, match="other papers than its partition"):
        list(dask_engine._load_shards([["p1"]], [tmp_path / "part-0.jsonl"], read_shard))


def test_without_dask_the_error_names_the_extra(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "distributed", None)  # makes `import distributed` fail
    with pytest.raises(MissingExtraError, match=r"kgraph\[dask\]"):
        extract_on_dask([Paper("p1", "Title", "Abstract.")], "rules")
    result = CliRunner().invoke(app, ["build", str(EXAMPLES), "-o", str(tmp_path / "out"), "--engine", "dask"])
    assert result.exit_code == 2
    assert "kgraph[dask]" in result.output
    assert not (tmp_path / "out").exists()  # failed before reading or writing anything


@pytest.mark.parametrize("args", [["--engine", "spark"], ["--scheduler", "tcp://127.0.0.1:8786"]])
def test_cli_rejects_a_bad_engine_or_a_scheduler_without_dask(args, tmp_path: Path):
    result = CliRunner().invoke(app, ["build", str(EXAMPLES), "-o", str(tmp_path / "out"), *args])
    assert result.exit_code == 2
    assert not (tmp_path / "out").exists()


def test_a_text_the_pipeline_refuses_comes_back_as_an_error(rules_nlp, monkeypatch, tmp_path):
    # issue #19.3 on the Dask engine: the worker goes on, the client hears which paper failed
    monkeypatch.setattr(rules_nlp, "max_length", 1000)
    monkeypatch.setattr(dask_engine, "_worker_pipeline", lambda tier, gazetteer: rules_nlp)
    papers = [("a", "BERT", "We use BERT."), ("long", "BERT again", "We use BERT. " * 100)]
    shard, count, errors = dask_engine._extract_partition("rules", True, 8, papers, str(tmp_path / "s.jsonl"))
    assert count == 2 and [(paper_id, why.split(":")[0]) for paper_id, why in errors] == [("long", "abstract")]
    assert [paper_id for paper_id, _ in dask_engine.read_shard(Path(shard))] == ["a", "long"]
