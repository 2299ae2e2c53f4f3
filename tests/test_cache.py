"""The per-paper extraction cache: reuse, invalidation, pruning, and rebuilds that equal fresh builds."""

from __future__ import annotations

import json
import sqlite3

import pytest

from kgraph.builder import BuildOptions, BuildSummary, build_data
from kgraph.cache import MentionCache, encode_mentions, text_hash
from kgraph.errors import KGraphError
from kgraph.model import EntityKind, Field, Mention, Paper

RULES = BuildOptions(tier="rules")


def _mention(paper_id: str) -> Mention:
    return Mention(paper_id, Field.ABSTRACT, 7, 11, "BERT", EntityKind.METHOD, 0, "gazetteer", 0.5, "Method", (0, 20))


def test_round_trip_keeps_every_field(tmp_path):
    paper = Paper("p1", "Title", "We use BERT here.")
    with MentionCache(tmp_path / "c.sqlite", "fp") as cache:
        cache.put(paper, [_mention("p1")])
    with MentionCache(tmp_path / "c.sqlite", "fp") as cache:
        assert cache.get([paper]) == {"p1": [_mention("p1")]}
        assert (cache.hits, cache.misses) == (1, 0)


def test_changed_text_or_fingerprint_misses(tmp_path):
    paper = Paper("p1", "Title", "We use BERT here.")
    with MentionCache(tmp_path / "c.sqlite", "fp") as cache:
        cache.put(paper, [_mention("p1")])
    with MentionCache(tmp_path / "c.sqlite", "fp") as cache:
        assert cache.get([Paper("p1", "Title", "We use RoBERTa here.")]) == {}
    with MentionCache(tmp_path / "c.sqlite", "other model") as cache:
        assert cache.get([paper]) == {}


def test_cached_ids_and_payload_read_one_paper_at_a_time(tmp_path):
    paper, edited, absent = Paper("p1", "Title", "We use BERT here."), Paper("p1", "Title", "Edited."), Paper("p2", "T", "X.")
    with MentionCache(tmp_path / "c.sqlite", "fp") as cache:
        cache.put(paper, [_mention("p1")])
    with MentionCache(tmp_path / "c.sqlite", "fp") as cache:
        assert cache.cached_ids([paper, absent]) == {"p1"}
        assert cache.cached_ids([edited]) == set()  # the entry is for another text
        assert (cache.hits, cache.misses) == (1, 2)
        assert cache.payload(paper) == encode_mentions([_mention("p1")])
        assert cache.payload(edited) is None and cache.payload(absent) is None


def test_keep_only_drops_removed_papers(tmp_path):
    a, b = Paper("a", "A", "Text a."), Paper("b", "B", "Text b.")
    with MentionCache(tmp_path / "c.sqlite", "fp") as cache:
        cache.put(a, [])
        cache.put(b, [])
        assert cache.keep_only([a]) == 1
        assert set(cache.get([a, b])) == {"a"}


def test_a_damaged_cache_is_a_clear_error(tmp_path):
    path = tmp_path / "c.sqlite"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(KGraphError, match="not a usable kgraph cache"):
        MentionCache(path, "fp")


def _records(n: int, start: int = 0) -> list[dict]:
    records = [{"id": f"r{i}", "title": f"Graph neural networks for task {i}",
                "abstract": f"We apply BERT and LoRA to the ImageNet benchmark, study {i}, and report accuracy."}
               for i in range(start, start + n)]
    # a paper in which nothing is found: its empty entry must be reused, not re-extracted
    records[-1] = {"id": f"r{start + n - 1}", "title": f"On nothing {start}", "abstract": "Here we say very little."}
    return records


def _comparable(data):
    return (data.papers, data.mentions, data.mention_entity, data.entities, data.links)


@pytest.mark.slow
def test_rebuild_with_one_more_file_extracts_only_its_papers(jsonl, tmp_path):
    first = jsonl("a.jsonl", _records(6))
    second = jsonl("b.jsonl", _records(2, start=6))
    cache = tmp_path / "out" / "cache.sqlite"
    cache.parent.mkdir()
    build_data([first], RULES, cache_path=cache)
    summary = BuildSummary()
    rebuilt = build_data([first, second], RULES, summary=summary, cache_path=cache)
    assert summary.cache == {"reused": 6, "extracted": 2, "dropped": 0}
    assert _comparable(rebuilt) == _comparable(build_data([first, second], RULES))

    # removing a file removes its papers from the graph and their entries from the cache
    summary = BuildSummary()
    shrunk = build_data([second], RULES, summary=summary, cache_path=cache)
    assert summary.cache == {"reused": 2, "extracted": 0, "dropped": 6}
    assert {p.id for p in shrunk.papers} == {"r6", "r7"}
    rows = sqlite3.connect(cache).execute("SELECT COUNT(*) FROM mentions").fetchone()[0]
    assert rows == 2


@pytest.mark.slow
def test_an_edited_abstract_is_extracted_again(jsonl, tmp_path):
    records = _records(3)
    path = jsonl("a.jsonl", records)
    cache = tmp_path / "cache.sqlite"
    build_data([path], RULES, cache_path=cache)
    records[1]["abstract"] = "A new abstract about ResNet on CIFAR-10."
    path.write_text("\n".join(json.dumps(r) for r in records) + "\n")
    summary = BuildSummary()
    data = build_data([path], RULES, summary=summary, cache_path=cache)
    assert summary.cache == {"reused": 2, "extracted": 1, "dropped": 1}
    assert any(m.text == "ResNet" for m in data.mentions if m.paper_id == "r1")


def test_text_hash_of_a_lone_surrogate_does_not_raise():
    # issue #19.2: readers no longer emit one, but a Paper built in code may hold it
    assert text_hash(Paper("p", "Bad \ud800", "x")) != text_hash(Paper("p", "Bad \ufffd", "x"))


def test_a_new_relation_model_empties_relations_and_keeps_mentions(tmp_path):
    from kgraph.cache import MentionCache
    from kgraph.model import EntityKind, Field, Mention, Paper, Relation

    path = tmp_path / "cache.sqlite"
    paper = Paper("p", "T", "CRF for NER.")
    mention = Mention("p", Field.ABSTRACT, 0, 3, "CRF", EntityKind.METHOD, 0, "model")
    relation = Relation("p", Field.ABSTRACT, (0, 3), (8, 11), "USED-FOR", 0.7, (0, 12))
    with MentionCache(path, "fp", "relations@a") as cache:
        cache.put(paper, [mention])
        cache.put_relations(paper, [relation])
    with MentionCache(path, "fp", "relations@a") as cache:
        assert cache.get_relations([paper]) == {"p": [relation]}
    with MentionCache(path, "fp", "relations@b") as cache:
        assert cache.get_relations([paper]) == {}
        assert cache.get([paper]) == {"p": [mention]}


def _scored(i: int) -> dict:
    return {"id": f"s{i}", "title": f"Scores {i}",
            "abstract": f"Our model reaches 9{i}.5 F1 on SQuAD and 8{i}.1 accuracy on ImageNet."}


def test_results_are_cached_with_the_mentions_they_were_found_in(jsonl, tmp_path, monkeypatch):
    import kgraph.builder as builder

    calls: list[str] = []
    real = builder.find_results

    def counted(text, mentions, paper_id="", title=""):
        calls.append(paper_id)
        return real(text, mentions, paper_id, title)

    monkeypatch.setattr(builder, "find_results", counted)
    path = jsonl("a.jsonl", [_scored(i) for i in range(3)])
    cache = tmp_path / "cache.sqlite"
    first = build_data([path], RULES, cache_path=cache)
    assert sorted(calls) == ["s0", "s1", "s2"] and first.results  # something to cache
    calls.clear()
    again = build_data([path], RULES, cache_path=cache)
    assert calls == [] and again.results == first.results == build_data([path], RULES).results
    # an edited abstract is extracted again, and its results found again
    records = [_scored(i) for i in range(3)]
    records[1]["abstract"] = "The baseline gets 71.0 BLEU on WMT14."
    path.write_text("\n".join(json.dumps(r) for r in records) + "\n")
    calls.clear()
    edited = build_data([path], RULES, cache_path=cache)
    assert calls == ["s1"] and edited.results == build_data([path], RULES).results
    # a thesaurus that removes a term can take a result's metric away: nothing is reused
    thesaurus = tmp_path / "thesaurus.txt"
    thesaurus.write_text("label\treplace by\nSQuAD\t\n")
    calls.clear()
    removed = build_data([path], BuildOptions(tier="rules", thesaurus=thesaurus), cache_path=cache)
    assert sorted(calls) == ["s0", "s1", "s2"]
    assert removed.results == build_data([path], BuildOptions(tier="rules", thesaurus=thesaurus)).results
    # new result rules find every paper's results again and re-extract nothing
    build_data([path], RULES, cache_path=cache)
    monkeypatch.setattr(builder, "results_code_version", lambda: "a result rule changed")
    calls.clear()
    summary = BuildSummary()
    build_data([path], RULES, summary=summary, cache_path=cache)
    assert sorted(calls) == ["s0", "s1", "s2"] and summary.cache["extracted"] == 0


def test_new_mentions_void_a_papers_cached_results(tmp_path):
    from kgraph.model import Result

    paper = Paper("p1", "Title", "We use BERT here.")
    result = Result("p1", "90.1", 0, 4, "absolute", "F1")
    with MentionCache(tmp_path / "c.sqlite", "fp") as cache:
        cache.put(paper, [_mention("p1")])
        cache.put_results(paper, [result])
        assert cache.get_results(paper) == [result]
        cache.put(paper, [])
        assert cache.get_results(paper) is None
