"""kgraph trends and the API's trend/emerging on a small corpus with years."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest
from typer.testing import CliRunner

import kgraph
from kgraph.cli import app

runner = CliRunner()


def abstract(year: int, i: int) -> dict:
    if year <= 2018:
        words = "We learn word2vec embeddings and train a support vector machine on ImageNet."
    else:
        words = "We fine-tune BERT and compare it with word2vec on ImageNet." if i == 0 else \
            "We fine-tune BERT on ImageNet for text classification."
    return {"title": f"Study {year}-{i} of representations", "abstract": words, "year": year}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    folder = tmp_path_factory.mktemp("trends")
    records = [abstract(year, i) for year in range(2015, 2023) for i in range(4)]
    records.append({"title": "An undated note on BERT", "abstract": "We fine-tune BERT on ImageNet."})
    source = folder / "papers.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    result = runner.invoke(app, ["build", str(source), "-o", str(folder / "out"), "--no-relations"])
    assert result.exit_code == 0, result.output
    assert "years: 32 from the records, 0 from arXiv ids, 1 papers without a year (2015-2022)" in result.output
    return folder / "out"


def test_entity_years_as_json(built):
    result = runner.invoke(app, ["trends", str(built), "--entity", "bert", "--format", "json"])
    assert result.exit_code == 0, result.output
    row = json.loads(result.output)
    assert row["entity"] == "BERT" and row["kind"] == "Method"
    assert row["years"] == {str(y): 4 for y in range(2019, 2023)}  # the undated paper is not counted
    assert row["share"]["2019"] == 1.0 and row["first_year"] == 2019 and row["peak_year"] == 2019
    assert [(b["start"], b["end"]) for b in row["bursts"]] == [(2019, 2022)]


def test_emerging_and_fading_rank_by_share(built):
    rising = json.loads(runner.invoke(app, ["trends", str(built), "--emerging", "--since", "2019", "-f", "json"]).output)
    assert rising[0]["entity"] == "BERT" and rising[0]["score"] > 0 and rising[0]["first_year"] == 2019
    fading = json.loads(runner.invoke(app, ["trends", str(built), "--fading", "--since", "2019", "-f", "json"]).output)
    assert fading[0]["score"] < 0 and fading[0]["first_year"] == 2015 and fading[0]["papers_since"] == 0
    assert "BERT" not in [r["entity"] for r in fading[:2]]
    assert "ImageNet" not in [r["entity"] for r in rising[:2] + fading[:2]]  # in every paper: no change
    kg = kgraph.load(built)
    assert kg.trend("BERT") == {2019: 4, 2020: 4, 2021: 4, 2022: 4}
    assert [r["entity"] for r in kg.emerging(kind="Method", since=2019, top=1)] == ["BERT"]


def test_table_csv_and_svg_plot(built, tmp_path):
    table = runner.invoke(app, ["trends", str(built), "--entity", "BERT", "--entity", "word2vec",
                                "--plot", str(tmp_path / "t.svg")])
    assert table.exit_code == 0, table.output
    assert "····█" in table.output.replace("▁", "█") or "████" in table.output
    svg = ET.parse(tmp_path / "t.svg").getroot()
    assert svg.tag.endswith("svg") and len(svg.findall("{http://www.w3.org/2000/svg}polyline")) == 2
    rows = runner.invoke(app, ["trends", str(built), "--entity", "BERT", "-f", "csv"]).output.splitlines()
    assert rows[0] == "entity,kind,year,papers,share" and rows[1].startswith("BERT,Method,2019,4,")
    bad = runner.invoke(app, ["trends", str(built), "--entity", "BERT", "--plot", str(tmp_path / "t.png")])
    assert bad.exit_code != 0 and "SVG" in bad.output
