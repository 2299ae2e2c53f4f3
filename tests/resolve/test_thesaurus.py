from __future__ import annotations

import pytest
from typer.testing import CliRunner

from kgraph.cli import app
from kgraph.errors import InputError
from kgraph.model import EntityKind, Field, Mention, Paper
from kgraph.resolve.entities import resolve
from kgraph.resolve.thesaurus import Thesaurus, read_thesaurus

from conftest import EXAMPLES


def m(text, paper="p1"):
    return Mention(paper, Field.ABSTRACT, 0, len(text), text, EntityKind.METHOD, 0, "test")


def test_reads_vosviewer_format_and_reports_bad_lines(write):
    path = write("t.txt", "label\treplace by\nGaussian splats\t3D Gaussian Splatting\nno tab here\nmethods\t\n"
                          "a\tb\tc\n\t\nGaussian splat\tsomething else\n")
    thesaurus, problems = read_thesaurus(path)
    assert thesaurus.lookup("gaussian splats") == "3D Gaussian Splatting"
    assert thesaurus.lookup("Method") == ""
    # line 6 holds only a tab: blank, like an empty line
    assert [(p.line, p.source) for p in problems] == [(3, str(path)), (5, str(path)), (7, str(path))]
    assert "2 tab-separated columns" in str(problems[0])


def test_unreadable_thesaurus_raises_input_error(tmp_path):
    with pytest.raises(InputError):
        read_thesaurus(tmp_path / "missing.txt")


def test_a_latin1_byte_is_a_problem_not_a_lost_thesaurus(write):
    path = write("t.txt", "label\treplace by\nm\xe9thode\tmethod\nGaussian splats\t3DGS\n".encode("latin-1"))
    thesaurus, problems = read_thesaurus(path)
    assert thesaurus.lookup("Gaussian splats") == "3DGS"
    assert [(p.line, "not UTF-8" in p.message) for p in problems] == [(2, True)]


def test_replace_and_remove():
    papers = [Paper("p1", "T", "x")]
    thesaurus = Thesaurus({"gaussian splat": "3D Gaussian Splatting", "method": ""})
    mentions = [m("Gaussian splats"), m("3D Gaussian Splatting"), m("method"), m("BERT")]
    res = resolve(papers, mentions, thesaurus=thesaurus)
    assert res.mention_entity[0] == res.mention_entity[1] != ""
    assert res.mention_entity[2] == ""
    labels = {e.label: e for e in res.entities}
    assert set(labels) == {"3D Gaussian Splatting", "BERT"}
    assert "thesaurus" in labels["3D Gaussian Splatting"].merged_by
    assert labels["3D Gaussian Splatting"].alt_labels == ("Gaussian splats",)


def test_thesaurus_applies_after_acronym_expansion():
    papers = [Paper("p1", "T", "Low-rank adaptation (LoRA) is cheap.")]
    res = resolve(papers, [m("LoRA"), m("low-rank adaptation")], thesaurus=Thesaurus({"low rank adaptation": "LoRA adapters"}))
    (entity,) = res.entities
    assert entity.label == "LoRA adapters"


@pytest.mark.slow
def test_round_trip_through_the_cli(tmp_path):
    runner = CliRunner()
    first = tmp_path / "first"
    assert runner.invoke(app, ["build", str(EXAMPLES), "-o", str(first), "--tier", "rules"]).exit_code == 0
    exported = tmp_path / "merges.txt"
    result = runner.invoke(app, ["entities", str(first), "--to-thesaurus", str(exported)])
    assert result.exit_code == 0, result.output
    lines = exported.read_text().splitlines()
    assert lines[0] == "label\treplace by"
    assert "3DGS\t3D Gaussian Splatting" in lines
    # the user edits: split nothing, remove one term, rename another, and feeds it back
    edited = tmp_path / "edited.txt"
    edited.write_text("\n".join(lines + ["ImageNet\t", "3D Gaussian Splatting\tGaussian splatting (3D)", "oops"]) + "\n")
    second = tmp_path / "second"
    result = runner.invoke(app, ["build", str(EXAMPLES), "-o", str(second), "--tier", "rules", "--thesaurus", str(edited)])
    assert result.exit_code == 0, result.output
    assert f"{edited}:{len(lines) + 3}" in result.output
    import kgraph

    labels = {e.label: e for e in kgraph.load(second).entities()}
    assert "ImageNet" not in labels
    assert "thesaurus" in labels["Gaussian splatting (3D)"].merged_by
    assert "3DGS" in labels["Gaussian splatting (3D)"].alt_labels


def test_exported_merges_leave_out_ambiguous_variants():
    from kgraph.model import Entity
    from kgraph.resolve.thesaurus import merge_rows

    entities = [Entity("a", EntityKind.METHOD, "masked autoencoder", "masked autoencoder", ("MAE",)),
                Entity("b", EntityKind.METRIC, "mean absolute error", "mean absolute error", ("MAE", "mean abs. error")),
                Entity("c", EntityKind.METHOD, "3D Gaussian Splatting", "3D gaussian splatting", ("3DGS",))]
    assert merge_rows(entities) == [("3DGS", "3D Gaussian Splatting"), ("mean abs. error", "mean absolute error")]
