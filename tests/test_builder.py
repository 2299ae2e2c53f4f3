"""build_data runs the stages and writes nothing; its fingerprint follows what changes the result."""

from __future__ import annotations

import pytest

from conftest import EXAMPLES
from kgraph.builder import BuildOptions, BuildSummary, build_data
from kgraph import process
from kgraph.errors import KGraphError, OptionError

RULES = BuildOptions(tier="rules", processes=1)
REAL_FORKED_CALL = process.ForkedCall


def test_build_data_times_every_stage_and_writes_nothing(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    summary = BuildSummary()
    data = build_data([EXAMPLES / "papers.jsonl"], RULES, summary=summary)
    assert list(summary.timings) == ["read", "extract", "relations", "resolve", "results", "link", "communities"]
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


def test_abstracts_not_in_english_are_kept_but_not_extracted(tmp_path):
    import json

    from kgraph.builder import BuildOptions, BuildSummary, build_data

    path = tmp_path / "mixed.jsonl"
    rows = [{"id": "en", "title": "CRFs", "abstract": "We train conditional random fields (CRFs) on the Penn Treebank "
             "and show that they work well for the tagging of words in sentences."},
            {"id": "fr", "title": "Les CRF", "abstract": "Dans cet article, nous présentons une approche pour "
             "l'étiquetage des mots dans les phrases. Les résultats montrent que notre système est meilleur."}]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    summary = BuildSummary()
    data = build_data([path], BuildOptions(tier="rules"), summary=summary)
    assert {p.id for p in data.papers} == {"en", "fr"}
    assert {m.paper_id for m in data.mentions} == {"en"}
    assert any("not in English (fr 1)" in str(p) for p in summary.report.problems)


def test_changed_extraction_code_re_extracts_instead_of_reusing_the_cache(tmp_path, monkeypatch):
    from kgraph import builder

    paths = [EXAMPLES / "papers.jsonl"]
    first = BuildSummary()
    build_data(paths, RULES, summary=first, cache_path=tmp_path / "cache.sqlite")
    again = BuildSummary()
    build_data(paths, RULES, summary=again, cache_path=tmp_path / "cache.sqlite")
    assert again.cache["extracted"] == 0 and again.cache["reused"] == first.cache["extracted"] > 0
    monkeypatch.setattr(builder, "extraction_code_version", lambda: "a selection rule changed")
    changed = BuildSummary()
    build_data(paths, RULES, summary=changed, cache_path=tmp_path / "cache.sqlite")
    assert changed.cache["reused"] == 0 and changed.cache["extracted"] == first.cache["extracted"]


def test_a_rebuild_keys_only_the_new_mention_texts_and_resolves_the_same(tmp_path, monkeypatch):
    """The keys of the texts an earlier build saw come from the cache; the entities are those
    of a build that keys every text itself."""
    import json
    import sqlite3

    from kgraph import builder

    rows = [json.loads(line) for line in (EXAMPLES / "papers.jsonl").read_text().splitlines() if line.strip()]
    first_half = tmp_path / "first.jsonl"
    first_half.write_text("".join(json.dumps(r) + "\n" for r in rows[: len(rows) // 2]))
    everything = [EXAMPLES / "papers.jsonl"]
    cache = tmp_path / "cache.sqlite"
    build_data([first_half], RULES, cache_path=cache)
    with sqlite3.connect(cache) as db:
        stored = {text for (text,) in db.execute("SELECT text FROM text_keys")}
    keyed: list[str] = []
    original = builder.text_keys

    def spy(texts):
        texts = list(texts)
        keyed.extend(texts)
        return original(texts)

    monkeypatch.setattr(builder, "text_keys", spy)
    rebuilt = build_data(everything, RULES, cache_path=cache)
    fresh = build_data(everything, RULES)  # no cache: resolution keys every text itself
    texts = set(rebuilt.mentions.column("text"))
    assert stored and keyed and not stored & set(keyed)  # only the texts the first half lacked
    assert set(keyed) == texts - stored
    assert rebuilt.entities == fresh.entities and rebuilt.mention_entity == fresh.mention_entity
    # a text no paper has any more is forgotten; keys made by other code are not read
    build_data([first_half], RULES, cache_path=cache)
    with sqlite3.connect(cache) as db:
        assert {text for (text,) in db.execute("SELECT text FROM text_keys")} == stored
    keyed.clear()
    monkeypatch.setattr(builder, "keys_version", lambda: "the label functions changed")
    again = build_data([first_half], RULES, cache_path=cache)
    assert set(keyed) == stored and again.entities


def test_acronyms_read_in_a_forked_child_beside_the_extraction_resolve_the_same(monkeypatch):
    from kgraph import builder

    paths = [EXAMPLES / "papers.jsonl"]
    alone = build_data(paths, RULES)
    forked = []
    monkeypatch.setattr(builder, "PARALLEL_MIN_PAPERS", 0)
    monkeypatch.setattr(process, "ForkedCall", lambda *a: forked.append(a[0].__name__) or builder_fork(*a))
    beside = build_data(paths, RULES)
    assert forked == ["corpus_acronym_tables", "link_free_properties"]
    assert beside.entities == alone.entities and beside.mention_entity == alone.mention_entity
    assert any("acronym" in e.merged_by for e in alone.entities)


def test_a_failed_extraction_stops_the_acronyms_child(monkeypatch):
    import signal
    import time

    from kgraph import builder

    children = []

    def fork(*args):
        children.append(builder_fork(*args))
        return children[-1]

    def broken(*args, **kwargs):
        raise KGraphError("the extractor broke")

    monkeypatch.setattr(builder, "PARALLEL_MIN_PAPERS", 0)
    monkeypatch.setattr(process, "ForkedCall", fork)
    monkeypatch.setattr(builder, "extract_mentions", broken)
    monkeypatch.setattr(builder, "corpus_acronym_tables", lambda papers: time.sleep(60))
    with pytest.raises(KGraphError, match="the extractor broke"):
        build_data([EXAMPLES / "papers.jsonl"], RULES)
    # killed, not left to finish and wait on a pipe nobody reads
    assert len(children) == 1 and children[0]._process.exitcode == -signal.SIGKILL


def builder_fork(*args):
    return REAL_FORKED_CALL(*args)  # the class itself, while tests spy on kgraph.process.ForkedCall


def test_rankings_made_beside_the_linking_equal_those_made_after_it(monkeypatch):
    from kgraph import builder
    from kgraph.graph import cooccurrence
    from kgraph.graph.data import LINK_FREE

    monkeypatch.setattr(cooccurrence, "MIN_PAPERS", 1)  # the demo's entities are in few papers
    paths = [EXAMPLES / "papers.jsonl"]
    alone = build_data(paths, RULES)
    assert not set(LINK_FREE) & set(vars(alone))  # nothing made until asked for
    forked = []
    monkeypatch.setattr(builder, "PARALLEL_MIN_PAPERS", 0)
    monkeypatch.setattr(process, "ForkedCall", lambda *a: forked.append(a[0].__name__) or builder_fork(*a))
    beside = build_data(paths, RULES)
    assert forked == ["corpus_acronym_tables", "link_free_properties"]
    assert set(LINK_FREE) <= set(vars(beside))  # adopted, not computed again
    for name in LINK_FREE:
        assert getattr(beside, name) == getattr(alone, name), name
    assert beside.kind_ranks and beside.cooccurrences and beside.year_rankings


def test_only_cached_properties_are_adopted(demo_kg):
    from kgraph.graph.data import GraphData

    data = GraphData(demo_kg.data.papers, demo_kg.data.mentions, demo_kg.data.mention_entity,
                     demo_kg.data.entities, ())
    with pytest.raises(KGraphError, match="'links' is not a cached property"):
        data.adopt({"links": ()})
    data.adopt({"prominence": {"x": 0}})
    assert data.prominence == {"x": 0}
