"""In-place store updates on rebuild: the updated store must equal a freshly loaded one."""

from __future__ import annotations

import os
import sqlite3

import pyoxigraph as ox
import pytest
from conftest import scratch

from kgraph.builder import BuildOptions, BuildSummary, build_data
from kgraph.cache import CACHE_FILE
from kgraph.errors import KGraphError
from kgraph.export.outputs import save_build
from kgraph.rdf import convert, incremental
from kgraph.rdf.store import open_store

RULES = BuildOptions(tier="rules")
BUILD_TIME = "http://www.w3.org/ns/prov#startedAtTime"


def _records(ids, title="Graph neural networks for {i}"):
    return [{"id": f"r{i}", "title": title.format(i=i),
             "abstract": f"We apply BERT and LoRA to the ImageNet benchmark (case {i}) and report F1 and accuracy."}
            for i in ids]


def _build(inputs, out, options=RULES, cache=True, provenance="full") -> BuildSummary:
    summary = BuildSummary()
    cache_path = out / CACHE_FILE if cache else None
    out.mkdir(parents=True, exist_ok=True)
    data = build_data(inputs, options, summary=summary, cache_path=cache_path)
    save_build(data, out, timings=summary.timings, cache_path=cache_path, store_changes=summary.store,
               provenance=provenance)
    return summary


def _triples(out) -> set[str]:
    """The store's default graph, less the build's start time (it differs from run to run)."""
    store = open_store(out)
    return {str(q.triple) for q in store.quads_for_pattern(None, None, None, ox.DefaultGraph())
            if q.predicate.value != BUILD_TIME}


def _turtle(out) -> set[str]:
    """graph.ttl's triples as a store holds them (it writes numbers in canonical form)."""
    store = ox.Store()
    store.bulk_load(path=str(out / "graph.ttl"), format=ox.RdfFormat.TURTLE)
    return {str(q.triple) for q in store if q.predicate.value != BUILD_TIME}


@pytest.mark.slow
@pytest.mark.parametrize("batch", [incremental._SEND_EVERY, 2], ids=["one-update", "batches-of-2"])
def test_a_rebuild_updates_the_store_in_place_and_equals_a_fresh_build(jsonl, tmp_path, monkeypatch, batch):
    monkeypatch.setattr(incremental, "_SEND_EVERY", batch)  # 2: the changes go out in many updates, on the thread
    first = jsonl("a.jsonl", _records(range(12)))
    out = tmp_path / "build"
    assert not _build([first], out).store  # nothing recorded yet: loaded afresh
    # add papers, edit one (a quote, a backslash and control characters in its title), drop one
    edited = _records([3], title='A "quoted" \\ title\twith\x01control {i}')
    second = jsonl("a.jsonl", _records([0, 1, 2, *range(4, 11)]) + edited + _records(range(20, 24)))
    summary = _build([second], out)
    assert summary.store["triples_removed"] > 0 and summary.store["triples_added"] > 0
    fresh = tmp_path / "fresh"
    _build([second], fresh, cache=False)
    assert _triples(out) == _triples(fresh) == _turtle(out)
    titles = {q.object.value for q in open_store(out).quads_for_pattern(None, ox.NamedNode("http://purl.org/dc/terms/title"), None)}
    assert 'A "quoted" \\ title withcontrol 3' in titles  # the reader makes the tab a space and drops \x01
    assert "Graph neural networks for 11" not in titles  # the dropped paper is gone


@pytest.mark.slow
def test_an_unchanged_rebuild_changes_only_the_build_record(jsonl, tmp_path):
    corpus = jsonl("a.jsonl", _records(range(6)))
    out = tmp_path / "build"
    _build([corpus], out)
    before = _triples(out)
    summary = _build([corpus], out)
    # at most the build activity changes: its start time (to the second)
    assert summary.store["blocks_changed"] <= 1
    assert summary.store["triples_removed"] == summary.store["triples_added"] <= 1
    assert _triples(out) == before


@pytest.mark.slow
def test_a_store_that_is_not_the_recorded_one_is_loaded_afresh(jsonl, tmp_path):
    corpus = jsonl("a.jsonl", _records(range(6)))
    out = tmp_path / "build"
    _build([corpus], out)
    with sqlite3.connect(out / CACHE_FILE) as db:  # as if another build had written the table
        db.execute("UPDATE meta SET value = 'someone else' WHERE key = 'rdf_token'")
    bigger = jsonl("a.jsonl", _records(range(9)))
    assert not _build([bigger], out).store
    assert _triples(out) == _turtle(out)
    assert _build([bigger], out).store  # and the next rebuild updates in place again


@pytest.mark.slow
def test_a_failed_update_keeps_the_old_outputs_and_the_next_rebuild_is_right(jsonl, tmp_path, monkeypatch):
    out = tmp_path / "build"
    _build([jsonl("a.jsonl", _records(range(6)))], out)
    before, turtle_before = _triples(out), (out / "graph.ttl").read_bytes()

    def broken(self, store):
        raise OSError("disk full (simulated)")

    bigger = jsonl("a.jsonl", _records(range(9)))
    with monkeypatch.context() as patch:
        patch.setattr(incremental.BlockLog, "apply", broken)
        with pytest.raises(OSError, match="disk full"):
            _build([bigger], out)
    assert _triples(out) == before
    assert (out / "graph.ttl").read_bytes() == turtle_before
    assert not scratch(out)
    assert _build([bigger], out).store
    assert _triples(out) == _turtle(out)


def _rebuild_interrupted(jsonl, tmp_path, monkeypatch, target, name):
    """A 6-paper build, then a 9-paper rebuild interrupted where ``target.name`` is called."""
    def interrupt(*args, **kwargs):
        raise KeyboardInterrupt

    out = tmp_path / "build"
    _build([jsonl("a.jsonl", _records(range(6)))], out)
    bigger = jsonl("a.jsonl", _records(range(9)))
    with monkeypatch.context() as patch:
        patch.setattr(target, name, interrupt)
        with pytest.raises(KeyboardInterrupt):
            _build([bigger], out)
    return out, bigger


def _fresh_triples(inputs, tmp_path):
    fresh = tmp_path / "fresh"
    _build(inputs, fresh, cache=False)
    return _triples(fresh)


@pytest.mark.slow
def test_a_crash_between_store_and_table_keeps_both_and_the_next_rebuild_is_right(jsonl, tmp_path, monkeypatch):
    # the new generation's store is updated, the table never commits
    out, bigger = _rebuild_interrupted(jsonl, tmp_path, monkeypatch, incremental.BlockLog, "_set_token")
    # the updated store was never switched in: the current one still is the table's, so it is updated again
    assert _build([bigger], out).store
    assert _triples(out) == _fresh_triples([bigger], tmp_path)


@pytest.mark.slow
def test_a_crash_after_the_table_commits_but_before_the_switch_forces_a_full_load(jsonl, tmp_path, monkeypatch):
    from kgraph.export import outputs

    # the table records the new store, which never becomes current
    out, bigger = _rebuild_interrupted(jsonl, tmp_path, monkeypatch, outputs, "write_views")
    assert not _build([bigger], out).store  # tokens disagree: loaded afresh
    assert _triples(out) == _fresh_triples([bigger], tmp_path)


@pytest.mark.slow
def test_queries_do_not_see_the_state_graph(jsonl, tmp_path):
    out = tmp_path / "build"
    _build([jsonl("a.jsonl", _records(range(4)))], out)
    store = open_store(out)
    assert incremental.store_token(store)  # it is there, in its named graph
    hits = list(store.query(f"SELECT * WHERE {{ ?s <{incremental._TOKEN}> ?o }}"))
    assert hits == []


@pytest.mark.slow
def test_no_cache_writes_no_record(jsonl, tmp_path):
    out = tmp_path / "build"
    _build([jsonl("a.jsonl", _records(range(4)))], out, cache=False)
    assert incremental.store_token(open_store(out)) is None
    assert not (out / CACHE_FILE).exists()


def test_deletions_come_before_insertions():
    """A statement that moves from one block to another is deleted and inserted: it must survive."""
    line = "<http://x/a> <http://x/p> <http://x/b>"
    update = "".join(incremental._update_parts([line], [line], "", "t1"))
    assert update.index("DELETE DATA {") < update.index("INSERT DATA {")
    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode("http://x/a"), ox.NamedNode("http://x/p"), ox.NamedNode("http://x/b")))
    store.update(update)
    assert len(list(store.quads_for_pattern(None, None, None, ox.DefaultGraph()))) == 1
    assert incremental.store_token(store) == "t1"


def test_a_statement_that_moves_between_blocks_survives_batched_updates(tmp_path, monkeypatch):
    """Sent in batches, the block that gains a statement can go out before the block that
    loses it; the statement must still be in the store at the end."""
    monkeypatch.setattr(incremental, "_SEND_EVERY", 1)
    moving, store = "<a> kg:p <b>", ox.Store()
    log = incremental.BlockLog(tmp_path / CACHE_FILE)
    log.start_full()
    old = [convert.Block("<g>", "<a>", ["<a> a kg:Paper", moving]), convert.Block("<g>", "<z>", ["<z> a kg:Paper"])]
    for block in old:
        log.see(block, block.turtle)
        store.load(input=(convert.HEADER + block.turtle).encode(), format=ox.RdfFormat.TURTLE)
    store.add(incremental.token_quad(log.token))
    log.commit()
    log.close()
    log = incremental.BlockLog(tmp_path / CACHE_FILE)
    log.start_update(store)
    # the gaining block first: its insertion is sent before the other block's deletion
    for block in (convert.Block("<g>", "<z>", ["<z> a kg:Paper", moving]), convert.Block("<g>", "<a>", ["<a> a kg:Paper"])):
        log.see(block, block.turtle)
    assert log.apply(store) == (1, 1)
    log.close()
    triples = {str(q.triple) for q in store.quads_for_pattern(None, None, None, ox.DefaultGraph())}
    assert "<https://w3id.org/kgraph/ontology#p>" in " ".join(triples)
    assert len(triples) == 3  # <a> a Paper, <z> a Paper, and the statement that moved


def test_a_batched_update_lets_go_of_the_store_once_applied(tmp_path):
    """The caller closes the store by dropping it; a log still holding it would keep it open
    (compacting, deleting files) while the build's new generation is flushed."""
    path = tmp_path / "store"
    store = ox.Store(str(path))
    log = incremental.BlockLog(tmp_path / CACHE_FILE)
    log.start_full()
    log.commit()
    log.start_update(store)
    block = convert.Block("<g>", "<a>", ["<a> a kg:Paper"])
    log.see(block, block.turtle)
    assert log.apply(store) == (0, 1)
    del store
    reopened = ox.Store(str(path))  # refused (the lock is held) while anything still has it open
    assert len(list(reopened.quads_for_pattern(None, None, None, ox.DefaultGraph()))) == 1
    log.close()


def test_apply_refuses_another_store_than_the_one_sent_to(tmp_path):
    log = incremental.BlockLog(tmp_path / CACHE_FILE)
    log.start_update(ox.Store())
    with pytest.raises(KGraphError, match="another store"):
        log.apply(ox.Store())
    log.close()


def _trig_without_build_time(out) -> list[str]:
    return [line for line in (out / "graph.trig").read_text(encoding="utf-8").splitlines() if "startedAtTime" not in line]


@pytest.mark.slow
def test_unchanged_paper_graphs_are_reused_and_the_files_equal_a_fresh_build(jsonl, tmp_path):
    out = tmp_path / "build"
    _build([jsonl("a.jsonl", _records(range(8)))], out)
    plain = _records([100])[0] | {"abstract": "We evaluate it on ImageNet."}  # no BERT
    corpus = jsonl("a.jsonl", _records(range(8)) + [plain])
    assert _build([corpus], out).store["papers_reused"] == 8
    # a thesaurus renames BERT: the eight papers that mention it get a new graph, not r100
    thesaurus = tmp_path / "thesaurus.txt"
    thesaurus.write_text("label\treplace by\nBERT\tbidirectional encoder representations\n", encoding="utf-8")
    options = BuildOptions(tier="rules", thesaurus=thesaurus)
    assert _build([corpus], out, options).store["papers_reused"] == 1
    fresh = tmp_path / "fresh"
    _build([corpus], fresh, options, cache=False)
    assert _trig_without_build_time(out) == _trig_without_build_time(fresh)
    assert _triples(out) == _triples(fresh) == _turtle(out)
    bodies = {q.object.value for q in open_store(out).quads_for_pattern(
        None, ox.NamedNode("http://www.w3.org/ns/oa#hasBody"), None)}
    assert "https://w3id.org/kgraph/id/entity/bidirectional_encoder_representation" in bodies


def _without_build_time(path) -> list[str]:
    return [line for line in path.read_text(encoding="utf-8").splitlines() if "startedAtTime" not in line]


@pytest.mark.slow
@pytest.mark.parametrize("change", ["none", "touched", "provenance", "lean"])
def test_unchanged_paper_graphs_are_copied_from_the_last_files_only_while_they_stay_as_written(
        jsonl, tmp_path, monkeypatch, change):
    copied = []
    copy = convert._copy_range
    monkeypatch.setattr(convert, "_copy_range", lambda *args: copied.append(args[3]) or copy(*args))
    out, first = tmp_path / "build", _records(range(8))
    # "lean": both builds leave the annotations out of graph.ttl; "provenance": only the second
    _build([jsonl("a.jsonl", first)], out, provenance="entities" if change == "lean" else "full")
    if change == "touched":  # edited by hand since: its recorded places may be wrong
        ttl = (out / "graph.ttl").resolve()
        os.utime(ttl, ns=(ttl.stat().st_atime_ns, ttl.stat().st_mtime_ns + 10**9))
    provenance = "entities" if change in ("provenance", "lean") else "full"
    corpus = jsonl("a.jsonl", first + _records([100]))
    assert _build([corpus], out, provenance=provenance).store["papers_reused"] == 8
    # one copy per file and run of unchanged graphs (the new paper's graph splits them in two at most)
    assert bool(copied) == (change in ("none", "lean")) and len(copied) <= 4
    if change in ("none", "lean"):  # the files written with copies are recorded in turn: copied again
        copied.clear()
        assert _build([corpus], out, provenance=provenance).store["papers_reused"] == 9 and copied
    fresh = tmp_path / "fresh"
    _build([corpus], fresh, cache=False, provenance=provenance)
    for name in ("graph.ttl", "graph.trig"):
        assert _without_build_time(out / name) == _without_build_time(fresh / name), name
    assert _triples(out) == _triples(fresh)


@pytest.mark.slow
def test_unchanged_entities_are_copied_and_the_files_equal_a_fresh_build_when_another_entity_comes_first(
        jsonl, tmp_path):
    out, fresh, first = tmp_path / "build", tmp_path / "fresh", _records(range(6))
    _build([jsonl("a.jsonl", first)], out)
    # AG News sorts before every entity of the first build, so the block that opens the
    # entities' graph in the TriG is another one each time; BERT and ImageNet are unchanged
    news = {"id": "r100", "title": "Topic classification", "abstract": "We evaluate on the AG News dataset."}
    for records in (first + [news], first):
        corpus = jsonl("a.jsonl", records)
        summary = _build([corpus], out)
        assert summary.store["entities_reused"] >= 2 and summary.store["papers_reused"] == 6
        _build([corpus], fresh, cache=False)
        for name in ("graph.ttl", "graph.trig"):
            assert _without_build_time(out / name) == _without_build_time(fresh / name), name
        assert _triples(out) == _triples(fresh)


@pytest.mark.slow
def test_a_changed_entity_is_formatted_again(jsonl, tmp_path, monkeypatch):
    out, corpus = tmp_path / "build", _records(range(5))
    _build([jsonl("a.jsonl", corpus)], out)
    reused = _build([jsonl("a.jsonl", corpus)], out).store["entities_reused"]
    assert reused > 0
    # one paper more mentions every entity again: each one's paper count changes
    summary = _build([jsonl("a.jsonl", _records(range(6)))], out)
    assert summary.store["entities_reused"] == 0
    with monkeypatch.context() as patch:  # as if the series code had changed: no entity signature matches
        patch.setattr(convert, "_ENTITY_CODE", b"another version!")
        assert _build([jsonl("a.jsonl", _records(range(6)))], out).store["entities_reused"] == 0


@pytest.mark.slow
def test_new_formatting_code_makes_every_paper_graph_again(jsonl, tmp_path, monkeypatch):
    out = tmp_path / "build"
    corpus = jsonl("a.jsonl", _records(range(5)))
    _build([corpus], out)
    with monkeypatch.context() as patch:  # as if convert.py had changed: no signature matches
        patch.setattr(convert, "_CODE", b"another version!")
        summary = _build([corpus], out)
        assert summary.store["papers_reused"] == 0
        assert summary.store["blocks_changed"] <= 1  # the same statements: nothing to update
        assert _build([corpus], out).store["papers_reused"] == 5  # the new signatures were recorded
    assert _build([corpus], out).store["papers_reused"] == 0


@pytest.mark.slow
def test_a_table_of_an_older_layout_is_started_again(jsonl, tmp_path):
    out = tmp_path / "build"
    corpus = jsonl("a.jsonl", _records(range(4)))
    _build([corpus], out)
    with sqlite3.connect(out / CACHE_FILE) as db:
        db.execute("UPDATE meta SET value = '1' WHERE key = 'rdf_layout'")
    assert not _build([corpus], out).store  # loaded afresh
    assert _build([corpus], out).store["papers_reused"] == 4


def test_ungrouped_inverts_grouped_on_every_block(demo_kg):
    made = {}  # a paper graph's lines, as the formatter made them

    def keep_lines(chunks):
        for chunk in chunks:
            texts = []
            for parts in chunk:
                lines = made[convert.paper_graph(parts.paper.id)] = convert.paper_lines(parts)
                texts.append(convert.grouped(lines))
            yield texts

    papers = 0
    for block in convert.keyed_blocks(demo_kg.data, format_chunks=keep_lines):
        lines = block.lines or made[block.key]
        papers += block.key in made
        assert lines
        assert convert.ungrouped(convert.grouped(lines)) == lines
        assert block.statements == lines
    assert papers == len(demo_kg.data.papers)


@pytest.mark.parametrize("change", [lambda texts: texts[:-1], lambda texts: [*texts, "extra"]])
def test_a_formatter_that_loses_or_adds_graphs_is_a_clear_error(demo_kg, change):
    def wrong(chunks):
        for chunk in chunks:
            yield change(convert.format_papers(chunk))

    with pytest.raises(KGraphError, match="gave back"):
        list(convert.keyed_blocks(demo_kg.data, format_chunks=wrong))


@pytest.mark.slow
def test_a_rebuild_that_writes_the_trig_again_after_a_build_without_it(jsonl, tmp_path):
    """The last build left graph.trig out: nothing is copied into the new one from a file
    that is not there, and both files equal a fresh build's."""
    out, first = tmp_path / "build", _records(range(6))
    summary = BuildSummary()
    cache_path = out / CACHE_FILE
    out.mkdir()
    data = build_data([jsonl("a.jsonl", first)], RULES, summary=summary, cache_path=cache_path)
    save_build(data, out, cache_path=cache_path, skip=["trig"])
    assert not (out / "graph.trig").exists()
    corpus = jsonl("a.jsonl", first + _records([100]))
    assert _build([corpus], out).store["papers_reused"] == 6
    fresh = tmp_path / "fresh"
    _build([corpus], fresh, cache=False)
    for name in ("graph.ttl", "graph.trig"):
        assert _without_build_time(out / name) == _without_build_time(fresh / name), name
