from __future__ import annotations

import json

import pytest
from conftest import EXAMPLES, needs_seeds
from typer.testing import CliRunner

from kgraph.cli import app

runner = CliRunner()


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("cli")
    result = runner.invoke(app, ["build", str(EXAMPLES), "-o", str(out), "--tier", "rules"])
    assert result.exit_code == 0, result.output
    return out, result.output


def test_build_reports_counts_and_writes_outputs(built):
    out, output = built
    assert "read     8 papers from" in output and "daily_papers.txt" in output
    assert "14 records, 1 duplicates merged, 0 skipped" in output
    assert "-> 13 papers" in output
    for name in ("graph.ttl", "graph.html", "graph.graphml", "kgraph.json"):
        assert (out / name).is_file()


def test_query_table_csv_json(built):
    out, _ = built
    sparql = "SELECT ?label WHERE { ?e a kg:Dataset ; skos:prefLabel ?label } ORDER BY ?label"
    table = runner.invoke(app, ["query", sparql, "--graph", str(out)])
    assert table.exit_code == 0 and "ImageNet" in table.output and "row(s)" in table.output
    csv_out = runner.invoke(app, ["query", sparql, "-g", str(out), "--format", "csv"])
    lines = csv_out.output.splitlines()
    assert lines[0] == "label" and "ImageNet" in lines
    rows = json.loads(runner.invoke(app, ["query", sparql, "-g", str(out), "-f", "json"]).output)
    assert {"label": "ImageNet"} in rows
    from_ttl = runner.invoke(app, ["query", sparql, "-g", str(out / "graph.ttl"), "-f", "csv"])
    assert from_ttl.output == csv_out.output


def test_query_errors_are_one_line(built):
    out, _ = built
    bad = runner.invoke(app, ["query", "SELECT WHERE {", "-g", str(out)])
    assert bad.exit_code == 2 and "SPARQL syntax error" in bad.output
    update = runner.invoke(app, ["query", "INSERT DATA { <a:b> <a:c> <a:d> }", "-g", str(out)])
    assert update.exit_code == 2 and "updates are refused" in update.output
    missing = runner.invoke(app, ["query", "ASK {}", "-g", str(out / "nowhere")])
    assert missing.exit_code == 2 and "no kgraph build here" in missing.output


def test_stats_lists_top_entities_and_ambiguous_acronyms(built):
    out, _ = built
    result = runner.invoke(app, ["stats", str(out), "--top", "5"])
    assert result.exit_code == 0
    assert "13 papers" in result.output
    assert "3D Gaussian Splatting" in result.output
    assert "MAE" in result.output and "mean absolute error" in result.output


def test_every_command_has_help():
    for command in ([], ["build"], ["query"], ["stats"]):
        result = runner.invoke(app, [*command, "--help"])
        assert result.exit_code == 0 and "Usage" in result.output


@pytest.mark.slow
def test_bad_inputs_warn_and_build_goes_on(tmp_path, write):
    abstract = "We propose a method. It works well on many problems. " * 6
    files = [write("empty.txt", ""), write("binary.txt", b"\x00\x01\x02"), write("latin1.txt", "caf\xe9\n".encode("latin-1")),
             write("notitle.txt", f"Only A Title Here\n\nGood Paper Title\n\n{abstract}\n"), write("bad.jsonl", "{oops\n")]
    result = runner.invoke(app, ["build", *map(str, files), "-o", str(tmp_path / "out"), "--tier", "rules"])
    assert result.exit_code == 0, result.output
    warnings = [l for l in result.output.splitlines() if l.startswith("warning:")]
    assert len(warnings) == 6  # latin1.txt is read with its byte as U+FFFD: "caf\ufffd" is a title alone
    assert any("empty.txt" in w and "no papers found" in w for w in warnings)
    assert any("binary.txt" in w and "binary" in w for w in warnings)
    assert any("latin1.txt:1" in w and "not UTF-8" in w for w in warnings)
    assert any("notitle.txt:1" in w and "title without abstract" in w for w in warnings)
    assert any("bad.jsonl:1" in w and "invalid JSON" in w for w in warnings)
    assert "-> 1 papers" in result.output and "3 skipped" in result.output
    strict = runner.invoke(app, ["build", *map(str, files), "-o", str(tmp_path / "out2"), "--tier", "rules", "--strict"])
    assert strict.exit_code == 1


@pytest.mark.slow
@needs_seeds
def test_build_on_the_seed_pages(seeds, tmp_path):
    result = runner.invoke(app, ["build", *map(str, seeds), "-o", str(tmp_path), "--tier", "rules"])
    assert result.exit_code == 0, result.output
    assert "375 records, 30 duplicates merged, 0 skipped, 0 warnings -> 345 papers" in result.output


@pytest.mark.slow
@needs_seeds
def test_the_trained_model_extracts_every_seed_paper(seeds, tmp_path):
    # a span rule that raised on one real abstract (a ")" inside a token) cost that paper
    # its mentions with a warning; the rules tier never reaches the model's spans
    result = runner.invoke(app, ["build", *map(str, seeds), "-o", str(tmp_path), "--no-cache"])
    assert result.exit_code == 0, result.output
    assert "0 skipped, 0 warnings -> 345 papers" in result.output, result.output


@pytest.mark.slow
def test_default_build_uses_the_trained_model(tmp_path):
    from kgraph.extract.pipeline import tier_available

    if not tier_available("accurate"):
        pytest.fail("the accurate model must ship with the package (kgraph/models/accurate)")
    result = runner.invoke(app, ["build", str(EXAMPLES), "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "extractor: accurate" in result.output
    import kgraph

    kg = kgraph.load(tmp_path)
    assert kg.data.meta["tier"] == "accurate"
    assert {m.extractor for m in kg.data.mentions} >= {"model"}
    # the model's spans and the acronym definitions meet in one entity
    assert "3DGS" in kg.entity("3D Gaussian Splatting").alt_labels
    assert {p.title for p in kg.papers_with("LoRA")} == {
        "Efficient Fine-Tuning of Large Language Models with Low-Rank Adapters",
        "Low-Rank Adaptation for Speech Recognition in Low-Resource Languages"}


def test_view_prints_the_page_or_explains(built, tmp_path):
    out, _ = built
    result = runner.invoke(app, ["view", str(out), "--no-browser"])
    assert result.exit_code == 0 and result.output.strip() == (out / "graph.html").absolute().as_uri()
    missing = runner.invoke(app, ["view", str(tmp_path)])
    assert missing.exit_code == 2 and "no graph.html" in missing.output


@pytest.mark.slow
def test_a_rebuild_with_one_more_file_updates_the_store_in_place(tmp_path, jsonl):
    out = tmp_path / "out"
    first = runner.invoke(app, ["build", str(EXAMPLES), "-o", str(out), "--tier", "rules"])
    assert first.exit_code == 0, first.output
    assert "store updated in place" not in first.output
    extra = jsonl("extra.jsonl", [{"id": "new-1", "title": "Zebrafish segmentation with LoRA",
                                   "abstract": "We fine-tune BERT with LoRA and report accuracy on ImageNet."}])
    again = runner.invoke(app, ["build", str(EXAMPLES), str(extra), "-o", str(out), "--tier", "rules"])
    assert again.exit_code == 0, again.output
    assert "1 extracted" in again.output and "store updated in place:" in again.output
    sparql = 'SELECT ?t WHERE { ?p dcterms:identifier "new-1" ; dcterms:title ?t }'
    found = runner.invoke(app, ["query", sparql, "-g", str(out), "-f", "csv"])
    assert found.output.splitlines()[1:] == ["Zebrafish segmentation with LoRA"]


def _state(out):
    """What a build folder holds now: the current generation and the cached papers."""
    import sqlite3

    with sqlite3.connect(out / "cache.sqlite") as db:
        cached = db.execute("SELECT COUNT(*) FROM mentions").fetchone()[0]
    return (out / ".generations" / "current").readlink(), (out / "kgraph.json").read_bytes(), cached


def test_a_mistyped_path_or_an_empty_read_fails_and_keeps_the_build(built, tmp_path):
    out, _ = built
    before = _state(out)
    typo = runner.invoke(app, ["build", str(EXAMPLES / "nowhere" / "*.txt"), "-o", str(out), "--tier", "rules"])
    assert typo.exit_code == 2 and "no such file or folder" in typo.output and "nowhere" in typo.output
    empty = tmp_path / "empty.jsonl"
    empty.write_text("")
    nothing = runner.invoke(app, ["build", str(empty), "-o", str(out), "--tier", "rules"])
    assert nothing.exit_code == 2 and "no papers read from" in nothing.output and "nothing was built" in nothing.output
    assert "warning:" in nothing.output  # the reader's own words come first
    assert _state(out) == before  # not emptied: same outputs, every cached paper kept


def test_a_full_disk_is_one_line_and_keeps_the_previous_build(built, tmp_path, monkeypatch):
    import shutil

    from conftest import scratch

    from kgraph.export import outputs

    out = tmp_path / "build"
    shutil.copytree(built[0], out, symlinks=True)
    before = _state(out)

    def full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(outputs, "publish_rdf", full)
    result = runner.invoke(app, ["build", str(EXAMPLES), "-o", str(out), "--tier", "rules"])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert f"could not write the build into {out}/" in result.output and "No space left on device" in result.output
    assert "the previous build there, if any, is unchanged" in result.output
    assert _state(out) == before and not scratch(out)


def test_rdf_provenance_entities_leaves_the_annotations_out_of_graph_ttl(built, tmp_path):
    out = tmp_path / "lean"
    result = runner.invoke(app, ["build", str(EXAMPLES), "-o", str(out), "--tier", "rules", "--rdf-provenance",
                                 "entities", "--no-cache"])
    assert result.exit_code == 0, result.output
    lean, full = (out / "graph.ttl").read_text(encoding="utf-8"), (built[0] / "graph.ttl").read_text(encoding="utf-8")
    assert "oa:Annotation" in full and "oa:Annotation" not in lean and "kg:mentions" in lean
    assert "oa:Annotation" in (out / "graph.trig").read_text(encoding="utf-8")
    wrong = runner.invoke(app, ["build", str(EXAMPLES), "-o", str(out), "--rdf-provenance", "mentions"])
    assert wrong.exit_code == 2 and "full or entities" in wrong.output


def test_skip_leaves_outputs_out_and_queries_still_answer(tmp_path):
    out = tmp_path / "big"
    result = runner.invoke(app, ["build", str(EXAMPLES), "-o", str(out), "--tier", "rules", "--no-cache",
                                 "--skip", "store", "--skip", "html", "--skip", "graphml"])
    assert result.exit_code == 0, result.output
    assert f"wrote {out}/ (graph.ttl, graph.trig, kgraph.json)" in result.output
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == [
        "graph.trig", "graph.ttl", "kgraph.json"]
    answer = runner.invoke(app, ["query", "-g", str(out), "-n", "top-entities", "-p", "kind=Dataset", "-f", "csv"])
    assert answer.exit_code == 0 and "ImageNet" in answer.output
    wrong = runner.invoke(app, ["build", str(EXAMPLES), "-o", str(out), "--skip", "json"])
    assert wrong.exit_code == 2 and "store, trig, graphml, html" in wrong.output


def test_progress_is_printed_as_lines_without_a_terminal(built):
    _, output = built  # CliRunner is not a terminal
    assert "Extracting: 0/13 papers" in output and "Extracting: 13/13 papers (100%)" in output
    assert "extract done in" in output and "writing outputs…" in output


def test_query_help_names_every_predeclared_prefix_and_an_unknown_one_is_named(built):
    from kgraph.rdf.namespaces import PREFIXES

    helped = runner.invoke(app, ["query", "--help"], terminal_width=400)
    assert all(f" {prefix}:" in helped.output for prefix in PREFIXES)
    unknown = runner.invoke(app, ["query", "SELECT * WHERE { ?s foo:bar ?o }", "-g", str(built[0])])
    assert unknown.exit_code == 2 and "unknown prefix foo: at line 1, column 28" in unknown.output
    assert "\\u{" not in unknown.output  # not the parser's list of expected characters


def test_hostile_records_are_warnings_naming_file_and_line(tmp_path, write):
    # issue #19.1-4 and 9: each of these ended the build with a traceback naming no file
    abstract = "We fine-tune BERT on the Penn Treebank and report accuracy."
    lines = [
        json.dumps({"title": "Good one", "abstract": abstract}),
        '{"title": "Huge year", "abstract": "x", "year": ' + "9" * 5000 + "}",
        '{"title": "Bad \\ud800 surrogate", "abstract": "' + abstract + '"}',
        json.dumps({"title": "Very long", "abstract": "word " * 210_000}),
        json.dumps({"title": "See [/x] for details"}),
        json.dumps({"title": "[bold red]FAKE[/bold red] :fire:"}),
        json.dumps({"title": "Good two [/x] [bold]b[/bold]", "abstract": abstract}),
    ]
    path = write("hostile.jsonl", "\n".join(lines) + "\n")
    result = runner.invoke(app, ["build", str(path), "-o", str(tmp_path / "out"), "--tier", "rules"])
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output and "-> 4 papers" in result.output
    warnings = [line for line in result.output.splitlines() if line.startswith("warning:")]
    assert any(f"{path}:2:" in w and "5,000 digits" in w for w in warnings)
    assert any(f"{path}:4:" in w and "abstract of 1,049,999 characters cut" in w for w in warnings)
    assert any(f"{path}:5:" in w and "'See [/x] for details'" in w for w in warnings)
    assert any(f"{path}:6:" in w and "'[bold red]FAKE[/bold red] :fire:'" in w for w in warnings)  # printed as written
    data = json.loads((tmp_path / "out" / "kgraph.json").read_text(encoding="utf-8"))
    assert any(p["title"] == "Bad \ufffd surrogate" for p in data["papers"])
    # a table cell is the user's text too
    query = 'SELECT ?t WHERE { ?p dcterms:title ?t FILTER(CONTAINS(?t, "Good two")) }'
    table = runner.invoke(app, ["query", query, "-g", str(tmp_path / "out")])
    assert table.exit_code == 0, table.output
    assert "Good two [/x] [bold]b[/bold]" in table.output
