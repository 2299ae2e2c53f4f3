from __future__ import annotations

import io
import json

import pytest

from kgraph.errors import BuildNotFoundError
from kgraph.export.jsondata import FILENAME, _JsonStream, read_json, to_json, write_json


def _same_build(a, b) -> None:
    assert a.papers == b.papers
    assert a.mentions == b.mentions
    assert a.mention_entity == b.mention_entity
    assert a.entities == b.entities
    assert a.links == b.links
    assert a.ambiguous_acronyms == b.ambiguous_acronyms
    assert a.meta == b.meta
    assert a.communities == b.communities
    assert a.relations == b.relations
    assert a.results == b.results


@pytest.mark.parametrize("chunk", [1, 7, 300, 1 << 22])
def test_read_json_streams_any_window_size(tmp_path, demo_kg, chunk):
    data = demo_kg.data
    # the demo has every section, so each row type goes through the stream
    assert data.relations and data.results and data.ambiguous_acronyms and len(data.communities)
    write_json(data, tmp_path / FILENAME)
    _same_build(read_json(tmp_path, chunk=chunk), data)


def test_read_json_is_a_json_reader_not_a_layout_reader(tmp_path, demo_kg):
    # the same object laid out by another writer (indented, spaces) reads the same
    (tmp_path / FILENAME).write_text(json.dumps(to_json(demo_kg.data), indent=2), encoding="utf-8")
    _same_build(read_json(tmp_path, chunk=64), demo_kg.data)


def test_read_json_reports_a_damaged_file(tmp_path, demo_kg):
    path = tmp_path / FILENAME
    write_json(demo_kg.data, path)
    text = path.read_text(encoding="utf-8")
    for damaged in (text[: len(text) // 2], text + "{}", text.replace('"mentions":[', '"mentions":[}', 1)):
        path.write_text(damaged, encoding="utf-8")
        with pytest.raises(BuildNotFoundError, match=f"{path}: not a kgraph build file"):
            read_json(tmp_path, chunk=100)
    path.write_bytes(b'{"format":3,"meta":{"x":"\xff"}}')
    with pytest.raises(BuildNotFoundError, match="not a kgraph build file"):
        read_json(tmp_path)
    path.write_text('{"meta":{}}', encoding="utf-8")
    with pytest.raises(BuildNotFoundError, match="another kgraph version"):
        read_json(tmp_path)


@pytest.mark.parametrize("chunk", [1, 2, 3, 100])
def test_stream_reads_values_cut_at_the_window_edge(chunk):
    text = '{ "format" : 12345 , "links" : [ [1, 2.5] , [] ] , "meta" : "x" , "results" : [ ] }'
    stream = _JsonStream(io.StringIO(text), chunk)
    sections = [(k, list(v) if k in ("links", "results") else v) for k, v in stream.sections()]
    assert sections == [("format", 12345), ("links", [[1, 2.5], []]), ("meta", "x"), ("results", [])]


def test_the_streamed_file_holds_what_to_json_makes(tmp_path, demo_kg, monkeypatch):
    # slices of 2 rows: every row section and the trends' entities are written in several
    import kgraph.export.jsondata as jsondata

    data = demo_kg.data
    assert len(data.entity_years) > 4  # the demo has dated papers: trends are streamed in slices
    monkeypatch.setattr(jsondata, "SLICE", 2)
    write_json(data, tmp_path / FILENAME)
    assert json.loads((tmp_path / FILENAME).read_text(encoding="utf-8")) == json.loads(json.dumps(to_json(data)))


def test_kgraph_json_is_the_text_json_dumps_writes_from_a_table_or_from_mentions(tmp_path, demo_kg):
    import dataclasses

    from kgraph.mentions import MentionTable

    data = demo_kg.data
    assert isinstance(data.mentions, MentionTable) and data.relations  # the columns' path, relations written
    write_json(data, tmp_path / "table.json")
    text = (tmp_path / "table.json").read_text(encoding="utf-8")
    # byte for byte what the standard library writes (orjson does the writing)
    assert text == json.dumps(to_json(data), ensure_ascii=False, separators=(",", ":"))
    rows = dataclasses.replace(data, mentions=tuple(data.mentions))  # mentions as objects: the other path
    write_json(rows, tmp_path / "rows.json")
    assert (tmp_path / "rows.json").read_text(encoding="utf-8") == text
