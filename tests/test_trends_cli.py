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


@pytest.fixture(scope="module")
def monthly(tmp_path_factory):
    """arXiv-style records over 2025 (the id gives the month): BERT from July on."""
    folder = tmp_path_factory.mktemp("monthly")
    records = []
    for month in range(1, 13):
        for i in range(3):
            words = "We fine-tune BERT on ImageNet." if month >= 7 else "We train word2vec on ImageNet."
            arxiv_id = f"25{month:02d}.{month * 10 + i:05d}"
            records.append({"id": arxiv_id, "title": f"Study {month}-{i}", "summary": words,
                            "abs": f"https://arxiv.org/abs/{arxiv_id}"})  # as arXiv listings give it
    source = folder / "papers.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    result = runner.invoke(app, ["build", str(source), "-o", str(folder / "out"), "--no-relations"])
    assert result.exit_code == 0, result.output
    assert "0 from the records, 36 from arXiv ids" in result.output and "36 with a month" in result.output
    return folder / "out"


def test_trends_by_month(monthly):
    row = json.loads(runner.invoke(app, ["trends", str(monthly), "--entity", "BERT", "--by", "month", "-f",
                                         "json"]).output)
    assert row["months"] == {f"2025-{m:02d}": 3 for m in range(7, 13)}
    assert row["first_month"] == "2025-07" and row["share"]["2025-07"] == 1.0
    assert all(b["start"] >= "2025-07" for b in row["bursts"])
    by_year = json.loads(runner.invoke(app, ["trends", str(monthly), "--entity", "BERT", "-f", "json"]).output)
    assert by_year["years"] == {"2025": 18}
    rising = json.loads(runner.invoke(app, ["trends", str(monthly), "--emerging", "--by", "month", "--since",
                                            "2025-07", "-f", "json"]).output)
    assert rising[0]["entity"] == "BERT" and rising[0]["first_month"] == "2025-07" and rising[0]["papers_before"] == 0
    assert kgraph.load(monthly).trend("word2vec", by="month") == {f"2025-{m:02d}": 3 for m in range(1, 7)}
    table = runner.invoke(app, ["trends", str(monthly), "--entity", "BERT", "--by", "month"])
    assert table.exit_code == 0 and "2025-01–2025-12" in table.output and "36 papers with a month" in table.output


def test_a_month_needs_counting_by_month(monthly):
    result = runner.invoke(app, ["trends", str(monthly), "--emerging", "--since", "2025-07"])
    assert result.exit_code != 0 and "--by month" in result.output


def top_in_years_by_hand(kg, kind: str, since: int, until: int) -> dict[str, int]:
    """Papers in [since, until] of every specific entity of ``kind``, from kgraph.json's counts."""
    out = {}
    for entity in kg.entities(kind):
        papers = sum(n for year, n in kg.data.entity_years.get(entity.id, {}).items() if since <= year <= until)
        if papers:
            out[entity.label] = papers
    return out


@pytest.mark.parametrize("kind, since, until", [("Method", 2015, 2022), ("Method", 2019, 2020),
                                                ("Dataset", 2016, 2016), ("Method", 2030, 2040)])
def test_top_in_years_query_sums_every_entity_it_names(built, kind, since, until):
    from kgraph.rdf.queries import run_canned
    from kgraph.rdf.store import open_store

    expected = top_in_years_by_hand(kgraph.load(built), kind, since, until)
    rows = run_canned(open_store(built), "top-in-years",
                      {"kind": kind, "since": str(since), "until": str(until), "limit": "50"}).rows
    assert {label: papers for _, label, papers in rows} == expected  # every entity: fewer than 200 a year
    assert [papers for *_, papers in rows] == sorted((papers for *_, papers in rows), reverse=True)


def test_top_in_years_with_short_rankings_is_exact_above_the_floors(tmp_path):
    """With one entity ranked per kind and year, the query still sums every year of the
    entities it names; an entity it misses has at most the range's floors together, so
    every row above them is the true top."""
    from kgraph.graph import cooccurrence
    from kgraph.rdf.queries import run_canned, run_query
    from kgraph.rdf.store import open_store

    uses = {2017: {"ResNet": 3, "LSTM": 2}, 2018: {"ResNet": 3, "LSTM": 2},
            2019: {"BERT": 3, "LSTM": 2, "GloVe": 1}, 2020: {"BERT": 3, "LSTM": 2, "GloVe": 1}}
    records = [{"title": f"{method} study {year}-{i}", "abstract": f"We train {method} on ImageNet.", "year": year}
               for year, counts in uses.items() for method, n in counts.items() for i in range(n)]
    source = tmp_path / "papers.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(cooccurrence, "YEAR_RANKED", 1)
        kgraph.build([source], tier="rules").save(tmp_path / "out")
    store, kg = open_store(tmp_path / "out"), kgraph.load(tmp_path / "out")
    missed_any = False
    for since, until in ((2017, 2020), (2019, 2020), (2017, 2017)):
        expected = top_in_years_by_hand(kg, "Method", since, until)
        rows = run_canned(store, "top-in-years", {"kind": "Method", "since": str(since), "until": str(until)}).rows
        found = {label: papers for _, label, papers in rows}
        assert found and all(expected[label] == papers for label, papers in found.items())
        floors = sum(int(r[0]) for r in run_query(store, f"""SELECT ?f WHERE {{ ?r kg:rankingOf kg:Method ;
            kg:year ?y ; kg:rankFloor ?f FILTER(?y >= {since} && ?y <= {until}) }}""").rows)
        missed = [papers for label, papers in expected.items() if label not in found]
        missed_any |= bool(missed)
        assert max(missed, default=0) <= floors
        assert {lb for lb, p in found.items() if p > floors} == {lb for lb, p in expected.items() if p > floors}
    assert missed_any  # the one-a-year rankings did leave LSTM out, the most used over 2017-2020
