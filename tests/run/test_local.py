"""Extraction in worker processes gives exactly the single-process result, in order."""

from __future__ import annotations

import pytest
import spacy

from kgraph.extract.pipeline import build_pipeline, tier_available
from kgraph.run import local as workers
from kgraph.run.local import AUTO_MIN_PAPERS, extract_mentions, pipeline_spec, resolve_processes, single_threaded
from kgraph.model import Paper
from kgraph.readers import read_papers

from conftest import EXAMPLES


def test_rules_tier_in_two_processes_equals_one(rules_nlp):
    papers = read_papers([EXAMPLES])
    ticks: list[int] = []
    # batch_size 8 -> chunks of 4 papers, so several chunks travel through the pool
    pooled = list(extract_mentions(papers, nlp=rules_nlp, processes=2, batch_size=8, on_paper=lambda: ticks.append(1)))
    single = list(extract_mentions(papers, nlp=rules_nlp, processes=1, batch_size=8))
    assert single and pooled == single
    assert len(ticks) == len(papers)


@pytest.mark.slow
@pytest.mark.skipif(not tier_available("fast"), reason="fast model not installed")
def test_fast_tier_in_two_processes_equals_one():
    papers = read_papers([EXAMPLES])[:6]
    nlp = build_pipeline("fast")
    single = list(extract_mentions(papers, nlp=nlp, processes=1, batch_size=4))
    pooled = list(extract_mentions(papers, nlp=nlp, processes=2, batch_size=4))
    assert any(m.extractor == "model" for m in single)
    assert pooled == single


def test_auto_stays_in_process_for_a_small_corpus():
    assert resolve_processes("auto", "rules", AUTO_MIN_PAPERS["rules"] - 1) == 1
    assert resolve_processes(3, "rules", 1) == 3


@pytest.mark.parametrize("bad", [0, -2, "two", None])
def test_bad_process_counts_are_rejected(bad):
    with pytest.raises(ValueError):
        resolve_processes(bad, "rules", 10)


def test_a_foreign_pipeline_runs_in_process_and_keeps_order():
    nlp = spacy.blank("en")
    assert pipeline_spec(nlp) is None
    papers = [Paper(id=f"p{i}", title="T", abstract="A") for i in range(3)]
    # no kgraph spans at all: nothing found, but no pool is started and nothing fails
    assert list(extract_mentions(papers, nlp=nlp, processes=2)) == []


def test_spec_of_a_kgraph_pipeline(rules_nlp):
    spec = pipeline_spec(rules_nlp)
    assert spec is not None and spec.tier == "rules" and spec.gazetteer


def test_a_worker_without_fork_rebuilds_the_pipeline_from_its_spec(rules_nlp, monkeypatch):
    # the spawn path (no fork on the platform): nothing is inherited, the spec is enough
    monkeypatch.setattr(workers, "_PARENT_NLP", rules_nlp)
    monkeypatch.setattr(workers, "_WORKER_NLP", None)
    workers._init_worker(pipeline_spec(rules_nlp), 8, inherit=False)
    assert workers._WORKER_NLP is not rules_nlp
    assert workers._WORKER_NLP.pipe_names == rules_nlp.pipe_names
    paper = ("p", "Pruning 3D Gaussian Splatting", "3D Gaussian Splatting (3DGS) is fast.")
    assert workers._extract_chunk([paper]) == (list(workers.paper_mentions(rules_nlp, [paper])), [])


def test_a_text_the_pipeline_refuses_costs_that_text_only(rules_nlp, monkeypatch):
    # issue #19.3: spaCy's E088 (a text over nlp.max_length) ended the whole build
    monkeypatch.setattr(rules_nlp, "max_length", 1000)
    papers = [Paper("a", "BERT for parsing", "We fine-tune BERT on the Penn Treebank."),
              Paper("long", "BERT at length", "We use BERT. " * 100),
              Paper("c", "ResNet for images", "We train ResNet on ImageNet.")]
    errors: list[tuple[str, str]] = []
    mentions = list(extract_mentions(papers, nlp=rules_nlp, processes=1, batch_size=8,
                                     on_error=lambda *e: errors.append(e)))
    assert [(paper_id, message.split(":")[0]) for paper_id, message in errors] == [("long", "abstract")]
    assert "E088" in errors[0][1]
    assert {m.paper_id for m in mentions} == {"a", "long", "c"}  # the long paper's title still counts
    pooled_errors: list[tuple[str, str]] = []
    pooled = list(extract_mentions(papers, nlp=rules_nlp, processes=2, batch_size=2,
                                   on_error=lambda *e: pooled_errors.append(e)))
    assert pooled == mentions and pooled_errors == errors


@pytest.mark.skipif(not tier_available("accurate"), reason="accurate model not installed")
def test_a_multithreaded_onnx_session_is_not_inherited():
    assert single_threaded(build_pipeline("accurate", model_only=True))
    assert not single_threaded(build_pipeline("accurate", model_only=True, threads=2))
